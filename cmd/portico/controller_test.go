package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/internal/controlplane"
	"github.com/portico-dev/portico/internal/freeport"
	porticoscheme "github.com/portico-dev/portico/internal/scheme"
)

// TestControllerServesProbesMetricsAndElectsALeader runs `portico controller` against a real
// API server and checks what an operator relies on: /healthz and /readyz answer, /metrics
// serves Prometheus text, --leader-elect takes the Lease, and an Ingress gets the address
// of a load balancer of the --default-provider while the orphan sweep runs.
func TestControllerServesProbesMetricsAndElectsALeader(t *testing.T) {
	cp, err := controlplane.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := cp.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	metricsAddr, probeAddr := freeAddr(t), freeAddr(t)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"controller", "--kubeconfig", kubeconfig, "--namespace", "default",
			"--metrics-bind-address", metricsAddr, "--health-probe-bind-address", probeAddr,
			"--leader-elect", "--leader-election-namespace", "default",
			"--default-provider", "fake", "--orphan-sweep-interval", "100ms", "--orphan-policy", "report"}, io.Discard, &stderr)
	}()

	waitFor(t, "the readiness probe", func() bool {
		select {
		case code := <-done:
			t.Fatalf("portico controller exited %d: %s", code, stderr.String())
		default:
		}
		return httpGet("http://"+probeAddr+"/readyz") == 200
	})
	if code := httpGet("http://" + probeAddr + "/healthz"); code != 200 {
		t.Errorf("/healthz answered %d", code)
	}

	scheme, err := porticoscheme.New()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cp.Config, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the leader election Lease", func() bool {
		lease := &coordinationv1.Lease{}
		err := c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: "portico.dev"}, lease)
		return err == nil && lease.Spec.HolderIdentity != nil && *lease.Spec.HolderIdentity != ""
	})

	body := httpBody(t, "http://"+metricsAddr+"/metrics")
	if !strings.Contains(body, "leader_election_master_status") {
		t.Errorf("/metrics does not report the leader election status:\n%.2000s", body)
	}

	// An Ingress of a class that names no provider gets the --default-provider's load
	// balancer; its address reaches the Ingress, and the cloud calls show in /metrics.
	servesIngress(t, c)
	waitFor(t, "the cloud calls in /metrics", func() bool {
		body := httpBody(t, "http://"+metricsAddr+"/metrics")
		return strings.Contains(body, `portico_cloud_calls_total{operation="urlMaps.insert",provider="fake",result="success"} `) &&
			strings.Contains(body, `portico_orphaned_load_balancers{provider="fake"} 0`)
	})

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("portico controller exited %d after shutdown: %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("portico controller did not stop within 30s of its context ending")
	}
}

func TestControllerBadKubeconfig(t *testing.T) {
	code, _, errOut := runPortico(t, "controller", "--kubeconfig", filepath.Join(t.TempDir(), "missing"))
	if code != exitFinding || !strings.Contains(errOut, "loading kubeconfig") {
		t.Errorf("want exit %d and a kubeconfig error, got %d %q", exitFinding, code, errOut)
	}
}

// servesIngress creates a default IngressClass without parameters, a Service and an Ingress,
// and waits until the Ingress has an address.
func servesIngress(t *testing.T, c client.Client) {
	t.Helper()
	ctx := context.Background()
	class := &networkingv1.IngressClass{
		ObjectMeta: metav1.ObjectMeta{Name: "portico", Annotations: map[string]string{"ingressclass.kubernetes.io/is-default-class": "true"}},
		Spec:       networkingv1.IngressClassSpec{Controller: "portico.dev/ingress-controller"},
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web"},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}},
	}
	ing := &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web"},
		Spec: networkingv1.IngressSpec{DefaultBackend: &networkingv1.IngressBackend{
			Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: 80}},
		}},
	}
	for _, o := range []client.Object{class, svc, ing} {
		if err := c.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the Ingress's address", func() bool {
		got := &networkingv1.Ingress{}
		err := c.Get(ctx, client.ObjectKeyFromObject(ing), got)
		return err == nil && len(got.Status.LoadBalancer.Ingress) == 1 && strings.HasPrefix(got.Status.LoadBalancer.Ingress[0].IP, "192.0.2.")
	})
}

func freeAddr(t *testing.T) string {
	t.Helper()
	p, err := freeport.Pick()
	if err != nil {
		t.Fatal(err)
	}
	return "127.0.0.1:" + strconv.Itoa(p)
}

func httpGet(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func httpBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
