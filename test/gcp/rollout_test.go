package gcp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/compute/apiv1/computepb"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/test/kubelet"
	"github.com/portico-dev/portico/testenv"
)

const shopIngress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: NAMESPACE}
spec:
  defaultBackend: {service: {name: shop, port: {name: http}}}
`

// TestRolloutBehindTheReadinessGate replaces a pod behind a load balancer, as a Deployment
// rollout does: each new pod is attached while unready and held by the readiness gate until
// gcptest reports its endpoint healthy; the old pod's endpoint is detached (with connection
// draining) as soon as it terminates, while it still serves; the health check follows the
// pods' readiness probe and is updated in place when a new pod's probe changes it.
func TestRolloutBehindTheReadinessGate(t *testing.T) {
	// New endpoints start unhealthy, as Google's do until their health checks pass.
	srv.SetInitialHealth("UNHEALTHY")
	t.Cleanup(func() { srv.SetInitialHealth("") })
	ns := newNamespace(t)
	k := kubelet.New(t, env.Client, ns, "shop")
	k.Service()
	if err := env.ApplyYAML(context.Background(), strings.ReplaceAll(shopIngress, "NAMESPACE", ns)); err != nil {
		t.Fatal(err)
	}
	lb, err := env.WaitProgrammed(timeout(t), ns, "shop")
	if err != nil {
		t.Fatal(err)
	}
	neg, check := resourceOf(t, lb, gcp.KindNetworkEndpointGroup), resourceOf(t, lb, gcp.KindHealthCheck)
	zone := gcp.DefaultZone

	k.Start("shop-a", "10.0.2.1", "/ready")
	waitUntil(t, "the held pod shop-a attached", func() bool { return attached(zone, neg, "10.0.2.1") })
	waitGate(t, k, "shop-a", corev1.ConditionFalse, v1alpha1.ReasonWaitingForHealth)
	first := waitCheckPath(t, check, "/ready")

	srv.SetEndpointHealth(zone, neg, "10.0.2.1:8080", "HEALTHY")
	waitGate(t, k, "shop-a", corev1.ConditionTrue, v1alpha1.ReasonLoadBalancerHealthy)
	k.Publish()

	// The rollout: shop-b replaces shop-a. Creation times count in seconds: a rollout's new
	// pods are younger than the old ones, so that the newest pod's probe decides the path.
	created := k.Pod("shop-a").CreationTimestamp.Time
	waitUntil(t, "a second after shop-a's creation", func() bool { return time.Now().After(created.Add(time.Second)) })
	k.Start("shop-b", "10.0.2.2", "/v2/ready")
	waitUntil(t, "the held pod shop-b attached", func() bool { return attached(zone, neg, "10.0.2.2") })
	waitGate(t, k, "shop-b", corev1.ConditionFalse, v1alpha1.ReasonWaitingForHealth)
	// The controller keeps asking Google, and keeps holding the pod while it is unhealthy.
	reads := healthReads()
	waitUntil(t, "two more health reads", func() bool { return healthReads() >= reads+2 })
	if c := k.Gate("shop-b"); c.Status != corev1.ConditionFalse {
		t.Fatalf("shop-b was let through while its endpoint is unhealthy: %+v", c)
	}
	if second := waitCheckPath(t, check, "/v2/ready"); second.GetId() != first.GetId() {
		t.Errorf("the health check was replaced (id %d, then %d), want it updated in place", first.GetId(), second.GetId())
	}
	srv.SetEndpointHealth(zone, neg, "10.0.2.2:8080", "HEALTHY")
	waitGate(t, k, "shop-b", corev1.ConditionTrue, v1alpha1.ReasonLoadBalancerHealthy)
	k.Publish()

	k.Terminate("shop-a")
	waitUntil(t, "the terminating pod shop-a detached", func() bool { return !attached(zone, neg, "10.0.2.1") })
	if k.Pod("shop-a") == nil {
		t.Fatal("shop-a stopped before its endpoint was detached")
	}
	k.Stop("shop-a")
	if got := srv.Endpoints(zone, neg); len(got) != 1 || got[0] != "10.0.2.2:8080" {
		t.Errorf("after the rollout the group holds %v, want only shop-b's 10.0.2.2:8080", got)
	}
	bs := gceResourceOf(t, "global/backendServices/"+resourceOf(t, lb, gcp.KindBackendService)).(*computepb.BackendService)
	if got := bs.GetConnectionDraining().GetDrainingTimeoutSec(); got != gcp.DrainingTimeoutSec {
		t.Errorf("the backend service drains connections for %ds, want %ds", got, gcp.DrainingTimeoutSec)
	}
}

// TestRolloutExample runs docs/examples/rollout.yaml: a pod of its Deployment is held by
// the gate until healthy, and the health check probes the pod's readiness-probe path.
func TestRolloutExample(t *testing.T) {
	srv.SetInitialHealth("UNHEALTHY")
	t.Cleanup(func() { srv.SetInitialHealth("") })
	ns := newNamespace(t)
	example, err := os.ReadFile(filepath.Join("..", "..", "docs", "examples", "rollout.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := env.ApplyYAML(context.Background(), strings.ReplaceAll(string(example), "namespace: shop", "namespace: "+ns)); err != nil {
		t.Fatal(err)
	}
	lb, err := env.WaitProgrammed(timeout(t), ns, "shop")
	if err != nil {
		t.Fatal(err)
	}
	deploy := &appsv1.Deployment{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "shop"}, deploy); err != nil {
		t.Fatal(err)
	}
	k := kubelet.New(t, env.Client, ns, "shop")
	k.Run("shop-1", "10.0.4.1", deploy.Spec.Template.Spec)
	neg := resourceOf(t, lb, gcp.KindNetworkEndpointGroup)
	waitUntil(t, "the held pod attached", func() bool { return attached(gcp.DefaultZone, neg, "10.0.4.1") })
	waitGate(t, k, "shop-1", corev1.ConditionFalse, v1alpha1.ReasonWaitingForHealth)
	waitCheckPath(t, resourceOf(t, lb, gcp.KindHealthCheck), "/healthz")
	srv.SetEndpointHealth(gcp.DefaultZone, neg, "10.0.4.1:8080", "HEALTHY")
	waitGate(t, k, "shop-1", corev1.ConditionTrue, v1alpha1.ReasonLoadBalancerHealthy)
}

// TestGateWithoutLoadBalancer: a pod with the gate that no load balancer routes to is let
// through at once, with a reason saying why, so that it is never stuck.
func TestGateWithoutLoadBalancer(t *testing.T) {
	ns := newNamespace(t)
	k := kubelet.New(t, env.Client, ns, "batch")
	k.Service()
	k.Start("batch-1", "10.0.5.1", "/ready")
	waitGate(t, k, "batch-1", corev1.ConditionTrue, v1alpha1.ReasonNoLoadBalancer)
}

// TestUnhealthyEndpointsAreReported: an endpoint the cloud finds unhealthy turns the
// LoadBalancer's Ready condition False with which backend, how many and what to check, and
// a standing Warning Event says it; both clear when it recovers.
func TestUnhealthyEndpointsAreReported(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", "10.0.3.1", "10.0.3.2")
	ing := strings.ReplaceAll(strings.ReplaceAll(shopIngress, "NAMESPACE", ns), "name: shop, port: {name: http}", "name: cart, port: {number: 80}")
	if err := env.ApplyYAML(context.Background(), ing); err != nil {
		t.Fatal(err)
	}
	lb, err := env.WaitProgrammed(timeout(t), ns, "shop")
	if err != nil {
		t.Fatal(err)
	}
	waitReady(t, lb.Name, "True", "")
	neg := resourceOf(t, lb, gcp.KindNetworkEndpointGroup)
	srv.SetEndpointHealth(gcp.DefaultZone, neg, "10.0.3.2:8080", "UNHEALTHY")
	msg := waitReady(t, lb.Name, "False", v1alpha1.ReasonUnhealthyTargets)
	for _, want := range []string{"1 of 2 endpoints unhealthy", "10.0.3.2:8080", "health check GET /", "130.211.0.0/22", "35.191.0.0/16"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the Ready condition says %q; it should name %q", msg, want)
		}
	}
	waitEvent(t, lb, v1alpha1.ReasonUnhealthyTargets, "1 of 2 endpoints unhealthy")
	waitEvent(t, getIngress(t, ns, "shop"), v1alpha1.ReasonUnhealthyTargets, "Service "+ns+"/cart (backend "+lb.Spec.Backends[0].Name+") unhealthy")

	srv.SetEndpointHealth(gcp.DefaultZone, neg, "10.0.3.2:8080", "HEALTHY")
	waitReady(t, lb.Name, "True", "")
	waitEvent(t, lb, "TargetsHealthy", "healthy again")
	for _, e := range eventsOf(t, lb) {
		if strings.HasPrefix(e, v1alpha1.ReasonUnhealthyTargets+": ") {
			t.Errorf("the recovered problem is still told: %s", e)
		}
	}
}

// healthReads counts the getHealth calls gcptest has served.
func healthReads() int {
	n := 0
	for _, c := range srv.Calls() {
		if strings.HasSuffix(c.Path, "/getHealth") {
			n++
		}
	}
	return n
}

// resourceOf returns the name of the one resource of a kind the LoadBalancer lists.
func resourceOf(t *testing.T, lb *v1alpha1.LoadBalancer, kind string) string {
	t.Helper()
	for _, r := range lb.Status.Resources {
		if r.Kind == kind {
			return r.Name
		}
	}
	t.Fatalf("LoadBalancer %s lists no %s: %v", lb.Name, kind, lb.Status.Resources)
	return ""
}

func gceResourceOf(t *testing.T, rel string) any {
	t.Helper()
	m, ok := srv.Resource("projects/" + project + "/" + rel)
	if !ok {
		t.Fatalf("gcptest has no %s", rel)
	}
	return m
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	if err := testenv.WaitFor(timeout(t), what, func(context.Context) (bool, error) { return ok(), nil }); err != nil {
		t.Fatal(err)
	}
}

// waitGate waits until a pod's readiness-gate condition has the status and reason.
func waitGate(t *testing.T, k *kubelet.Kubelet, pod string, status corev1.ConditionStatus, reason string) {
	t.Helper()
	var last *corev1.PodCondition
	err := testenv.WaitFor(timeout(t), fmt.Sprintf("pod %s's gate %s %s", pod, status, reason), func(context.Context) (bool, error) {
		last = k.Gate(pod)
		return last != nil && last.Status == status && last.Reason == reason, nil
	})
	if err != nil {
		t.Fatalf("%v; the condition is %+v", err, last)
	}
}

// waitCheckPath waits until the health check probes the path, and returns it.
func waitCheckPath(t *testing.T, name, path string) *computepb.HealthCheck {
	t.Helper()
	var hc *computepb.HealthCheck
	waitUntil(t, "the health check to probe "+path, func() bool {
		hc = gceResourceOf(t, "global/healthChecks/"+name).(*computepb.HealthCheck)
		return hc.GetHttpHealthCheck().GetRequestPath() == path
	})
	return hc
}

// waitReady waits until the LoadBalancer's Ready condition has the status (and reason, if
// given), and returns its reason and message.
func waitReady(t *testing.T, name, status, reason string) string {
	t.Helper()
	lb, err := env.WaitCondition(timeout(t), name, v1alpha1.ConditionReady, status, reason)
	if err != nil {
		t.Fatal(err)
	}
	c := meta.FindStatusCondition(lb.Status.Conditions, v1alpha1.ConditionReady)
	return c.Reason + ": " + c.Message
}

// attached reports whether gcptest's group holds the endpoint ip:8080.
func attached(zone, neg, ip string) bool {
	return slices.Contains(srv.Endpoints(zone, neg), ip+":8080")
}
