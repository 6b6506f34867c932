// Package notices checks that a problem stays visible in `kubectl describe ingress` for as
// long as it lasts, on an API server whose Events expire after a few seconds (one hour by
// default), and that nothing is written once the problem is gone.
package notices

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/testenv"
)

// eventTTL is the API server's Event lifetime in this suite; refresh is how often the
// controller tells a standing problem again, below it, as 30 minutes is below one hour.
const (
	eventTTL = 5 * time.Second
	refresh  = 2 * time.Second
)

var env *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	env, err = testenv.Start(context.Background(), testenv.Options{
		ClusterID:      "notices",
		EventRefresh:   refresh,
		APIServerFlags: map[string]string{"event-ttl": eventTTL.String()},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = env.Stop() }()
	return m.Run()
}

const badIngress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: NAMESPACE, annotations: {portico.dev/allow-http: flase}}
spec:
  defaultBackend: {service: {name: front, port: {number: 80}}}
`

// reasonsOn returns the reasons of the Events that exist now about the Ingress.
func reasonsOn(t *testing.T, ns, name string) []string {
	t.Helper()
	list := &eventsv1.EventList{}
	if err := env.Client.List(context.Background(), list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list.Items {
		if e.Regarding.Name == name && e.Regarding.Kind == "Ingress" {
			out = append(out, e.Reason)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestProblemStaysVisibleAfterItsEventsExpire: the rejected Ingress's problem is in its
// Events at every moment over several Event lifetimes, not only in the first hour.
func TestProblemStaysVisibleAfterItsEventsExpire(t *testing.T) {
	ctx := context.Background()
	ns := "notices-visible"
	if err := env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	if err := env.ApplyYAML(ctx, strings.ReplaceAll(badIngress, "NAMESPACE", ns)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * eventTTL)
	seen := false
	for time.Now().Before(deadline) {
		has := contains(reasonsOn(t, ns, "web"), model.ReasonInvalidAnnotation)
		if seen && !has {
			t.Fatalf("the InvalidAnnotation Event expired and was not told again while the problem stands")
		}
		seen = seen || has
		time.Sleep(250 * time.Millisecond)
	}
	if !seen {
		t.Fatal("the problem was never told")
	}
}

// TestNoProblemNoWrites: once the problem is fixed, the controller stops telling it and
// writes nothing more about the Ingress.
func TestNoProblemNoWrites(t *testing.T) {
	ctx := context.Background()
	ns := "notices-fixed"
	if err := env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	if err := env.ApplyYAML(ctx, strings.ReplaceAll(badIngress, "NAMESPACE", ns)); err != nil {
		t.Fatal(err)
	}
	fixed := strings.ReplaceAll(strings.ReplaceAll(badIngress, "flase", "\"true\""), "NAMESPACE", ns)
	if err := env.ApplyYAML(ctx, fixed); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := env.WaitProgrammed(wait, ns, "web"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(eventTTL + refresh) // every Event told so far expires
	if reasons := reasonsOn(t, ns, "web"); contains(reasons, model.ReasonInvalidAnnotation) {
		t.Errorf("the fixed problem is still being told: %v", reasons)
	}
}
