package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/internal/controlplane"
	porticoscheme "github.com/portico-dev/portico/internal/scheme"
)

// TestControllerServesProbesMetricsAndElectsALeader runs `portico controller` against a real
// API server and checks what an operator relies on: /healthz and /readyz answer, /metrics
// serves Prometheus text, and --leader-elect takes the Lease.
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
		done <- run(ctx, []string{"controller", "--kubeconfig", kubeconfig,
			"--metrics-bind-address", metricsAddr, "--health-probe-bind-address", probeAddr,
			"--leader-elect", "--leader-election-namespace", "default"}, io.Discard, &stderr)
	}()

	waitFor(t, "the readiness probe", func() bool { return httpGet("http://"+probeAddr+"/readyz") == 200 })
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

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
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
