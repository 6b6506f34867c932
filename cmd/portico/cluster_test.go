package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/cluster"
	"github.com/portico-dev/portico/internal/controlplane"
	porticoscheme "github.com/portico-dev/portico/internal/scheme"
)

func init() {
	// The tests run `portico controller` several times in this process.
	severalManagers = true
}

// TestClusterIDIsStoredOnceAndShown runs `portico controller` several times against one real
// API server, as an operator restarts it: the first start stores kube-system's UID, which
// `portico version --cluster` shows; a start with another --cluster-id is refused and says
// what to do; after the record is deleted and seeded from --cluster-id, a start without the
// flag keeps that ID, and the load balancers it makes are named after it.
func TestClusterIDIsStoredOnceAndShown(t *testing.T) {
	cp, err := controlplane.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := cp.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	scheme, err := porticoscheme.New()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cp.Config, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	kubeSystem := &corev1.Namespace{}
	if err := c.Get(ctx, client.ObjectKey{Name: "kube-system"}, kubeSystem); err != nil {
		t.Fatal(err)
	}
	uid := string(kubeSystem.UID)
	version := []string{"version", "--cluster", "--kubeconfig", kubeconfig, "--namespace", "default"}

	code, _, errOut := runPortico(t, version...)
	if code != exitFinding || !strings.Contains(errOut, "no cluster record") {
		t.Errorf("version --cluster before any start: exit %d, %q; want %d and no cluster record", code, errOut, exitFinding)
	}

	startController(t, kubeconfig)()
	if got := clusterOf(t, version); got.ID != uid || got.ConfigMap != "default/portico-cluster" {
		t.Errorf("after the first start the record is %+v, want kube-system's UID %s in default/portico-cluster", got, uid)
	}
	code, out, _ := runPortico(t, version...)
	if want := "cluster ID: " + uid + " (ConfigMap default/portico-cluster)\n"; code != exitOK || !strings.Contains(out, want) {
		t.Errorf("version --cluster printed %q (exit %d), want a line %q", out, code, want)
	}
	code, out, _ = runPortico(t, append(version, "-o", "yaml")...)
	if code != exitOK || !strings.Contains(out, "clusterID: "+uid) {
		t.Errorf("version --cluster -o yaml printed %q (exit %d)", out, code)
	}

	code, _, errOut = runPortico(t, "controller", "--kubeconfig", kubeconfig, "--namespace", "default", "--cluster-id", "alpha")
	for _, want := range []string{`--cluster-id "alpha" disagrees`, uid, "default/portico-cluster", "delete the ConfigMap"} {
		if code != exitFinding || !strings.Contains(errOut, want) {
			t.Errorf("a start with a disagreeing --cluster-id: exit %d, %q; want %d and %q", code, errOut, exitFinding, want)
		}
	}

	// The documented way to give a cluster a new ID: delete the record, start with the flag.
	cm := &corev1.ConfigMap{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "portico-cluster"}, cm); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, cm); err != nil {
		t.Fatal(err)
	}
	startController(t, kubeconfig, "--cluster-id", "alpha")()
	stop := startController(t, kubeconfig, "--default-provider", "fake")
	defer stop()
	if got := clusterOf(t, version); got.ID != "alpha" {
		t.Errorf("the record holds %q after a start without --cluster-id, want alpha", got.ID)
	}
	servesIngress(t, c)
	lbs := &v1alpha1.LoadBalancerList{}
	if err := c.List(ctx, lbs); err != nil || len(lbs.Items) != 1 || len(lbs.Items[0].Status.Resources) == 0 {
		t.Fatalf("want one LoadBalancer with resources, got %+v (%v)", lbs.Items, err)
	}
	for _, r := range lbs.Items[0].Status.Resources {
		if !strings.Contains(r.Name, "alpha-") {
			t.Errorf("resource %s %s is not named after the stored cluster ID alpha", r.Kind, r.Name)
		}
	}
}

// clusterOf runs `portico version --cluster -o json` and returns the record it printed.
func clusterOf(t *testing.T, version []string) *cluster.Info {
	t.Helper()
	code, out, errOut := runPortico(t, append(version, "-o", "json")...)
	if code != exitOK {
		t.Fatalf("portico version --cluster exited %d: %s", code, errOut)
	}
	var v versionInfo
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.Cluster == nil {
		t.Fatalf("portico version --cluster -o json printed %q: %v", out, err)
	}
	return v.Cluster
}

// startController runs `portico controller` with the record in namespace default until it is
// ready, and returns a function that stops it and checks that it exited cleanly.
func startController(t *testing.T, kubeconfig string, args ...string) (stop func()) {
	t.Helper()
	probeAddr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, append([]string{"controller", "--kubeconfig", kubeconfig, "--namespace", "default",
			"--metrics-bind-address", "0", "--health-probe-bind-address", probeAddr}, args...), io.Discard, &stderr)
	}()
	waitFor(t, "the controller to be ready", func() bool {
		select {
		case code := <-done:
			t.Fatalf("portico controller exited %d: %s", code, stderr.String())
		default:
		}
		return httpGet("http://"+probeAddr+"/readyz") == 200
	})
	return func() {
		t.Helper()
		cancel()
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("portico controller exited %d: %s", code, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("portico controller did not stop within 30s")
		}
	}
}
