package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/catalog"
	"github.com/portico-dev/portico/providers/fake"
	"github.com/portico-dev/portico/testenv"
)

const shopNamespace = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---`

// startPlanCluster runs a control plane with the controller and the fake provider, serving
// planIngress, and points `portico plan --kubeconfig` at it: the plan reaches the cloud the
// controller provisions into, as it reaches Google's with the gcp provider.
func startPlanCluster(t *testing.T) (*testenv.Env, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a control plane")
	}
	ctx := context.Background()
	env, err := testenv.Start(ctx, testenv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := env.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	before := newPlanProvider
	newPlanProvider = func(name string, s catalog.Settings) (providers.Provider, error) {
		if name == "fake" && s.ClusterID == env.ClusterID {
			return fake.New(env.Cloud, fake.Options{ClusterID: s.ClusterID, SnapshotTTL: -1}), nil
		}
		return before(name, s)
	}
	t.Cleanup(func() { newPlanProvider = before })
	if err := env.ApplyYAML(ctx, shopNamespace+planIngress); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := env.WaitProgrammed(wait, "shop", "web"); err != nil {
		t.Fatal(err)
	}
	return env, kubeconfig
}

// TestPlanOnlineShowsDrift: a load balancer the cloud matches plans nothing and exits 0; once
// a resource is deleted behind portico's back, the plan lists its re-creation and exits 1.
func TestPlanOnlineShowsDrift(t *testing.T) {
	env, kubeconfig := startPlanCluster(t)
	online := []string{"plan", "--kubeconfig", kubeconfig, "--cluster-id", env.ClusterID}
	code, out, errOut := runPortico(t, online...)
	if code != exitOK || !strings.Contains(out, "members: shop/web") || !strings.Contains(out, "no change: the cloud matches") {
		t.Fatalf("no drift: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}

	var rule fake.Resource
	for _, r := range env.OwnedInventory() {
		if r.Kind == fake.KindForwardingRule {
			rule = r
		}
	}
	if err := env.Cloud.Delete(context.Background(), rule.Kind, rule.Name); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runPortico(t, append(online, "-o", "json")...)
	if code != exitFinding || !strings.Contains(errOut, "drift: 1 change(s) to 1 load balancer(s)") {
		t.Errorf("a deleted forwarding rule: exit %d, want 1 saying drift\nstderr:\n%s", code, errOut)
	}
	doc := parsePlan(t, out)
	if len(doc.LoadBalancers) != 1 || len(doc.LoadBalancers[0].Resources) != 1 {
		t.Fatalf("the drift lists %+v, want the one forwarding rule", doc.LoadBalancers)
	}
	if r := doc.LoadBalancers[0].Resources[0]; r.Op != "Create" || r.Kind != fake.KindForwardingRule || r.Name != rule.Name {
		t.Errorf("the drift is %s %s %s, want Create %s %s", r.Op, r.Kind, r.Name, rule.Kind, rule.Name)
	}
}

// TestPlanOnlineMergesTheFilesIntoTheLiveGroups: an edited Ingress of a file replaces the
// live one, so the plan against the live cloud updates the URL map only; the cluster's
// Service and EndpointSlice, not in the file, still give the backend its endpoint.
func TestPlanOnlineMergesTheFilesIntoTheLiveGroups(t *testing.T) {
	env, kubeconfig := startPlanCluster(t)
	edited := writeManifest(t, `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
      - {path: /basket, pathType: Exact, backend: {service: {name: cart, port: {number: 80}}}}
`)
	code, out, errOut := runPortico(t, "plan", "--kubeconfig", kubeconfig, "--cluster-id", env.ClusterID, "-f", edited, "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	doc := parsePlan(t, out)
	if len(doc.LoadBalancers) != 1 {
		t.Fatalf("%d load balancers planned, want the one of shop/web", len(doc.LoadBalancers))
	}
	var ops []string
	for _, r := range doc.LoadBalancers[0].Resources {
		ops = append(ops, r.Op+" "+r.Kind)
	}
	if strings.Join(ops, ", ") != "Update URLMap" {
		t.Errorf("the plan makes %q, want only the URL map updated", ops)
	}
	if !strings.Contains(string(doc.LoadBalancers[0].Resources[0].Spec), `"/basket"`) {
		t.Errorf("the URL map does not route /basket: %s", doc.LoadBalancers[0].Resources[0].Spec)
	}
}
