package aws

import (
	"context"
	"fmt"
	"strings"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/test/kubelet"
	"github.com/portico-dev/portico/testenv"
)

// TestRolloutBehindTheReadinessGate replaces a pod behind an ALB, as a Deployment rollout
// does: each new pod is registered while unready and held by the readiness gate until AWS
// reports its target healthy in the target group; the old pod's target is deregistered
// (and drains) as soon as the pod terminates, while
// it still serves; the target group's health check probes the pods' readiness probe.
func TestRolloutBehindTheReadinessGate(t *testing.T) {
	ns := newNamespace(t)
	k := kubelet.New(t, env.Client, ns, "shop")
	k.Service()
	lb := ingress(ns, "shop").defaultBackend("shop").apply(t)
	tg := resourceOf(t, lb, aws.KindTargetGroup).ID

	// AWS reports a new target initial for its first health checks (awstest:
	// healthyAfterReads reads), then healthy: the gate holds the pod until then.
	k.Start("shop-a", "10.0.4.1", "/ready")
	waitUntil(t, "the held pod shop-a registered", func() bool { return targetState(tg, "10.0.4.1") != "" })
	waitGate(t, k, "shop-a", corev1.ConditionFalse, v1alpha1.ReasonWaitingForHealth)
	waitGate(t, k, "shop-a", corev1.ConditionTrue, v1alpha1.ReasonLoadBalancerHealthy)
	k.Publish()
	waitTargetHealthy(t, tg, "10.0.4.1")
	waitHealthCheckPath(t, tg, "/ready")

	// A target AWS finds unhealthy holds its pod for as long as it is.
	k.Start("shop-b", "10.0.4.2", "/ready")
	waitUntil(t, "the held pod shop-b registered", func() bool { return targetState(tg, "10.0.4.2") != "" })
	if !srv.SetTargetHealth(tg, "10.0.4.2", 8080, elbtypes.TargetHealthStateEnumUnhealthy, elbtypes.TargetHealthReasonEnumFailedHealthChecks) {
		t.Fatal("shop-b's target is not registered")
	}
	waitGate(t, k, "shop-b", corev1.ConditionFalse, v1alpha1.ReasonWaitingForHealth)
	reads := healthReads()
	waitUntil(t, "two more health reads", func() bool { return healthReads() >= reads+2 })
	if c := k.Gate("shop-b"); c.Status != corev1.ConditionFalse {
		t.Fatalf("shop-b was let through while its target is unhealthy: %+v", c)
	}
	srv.SetTargetHealth(tg, "10.0.4.2", 8080, elbtypes.TargetHealthStateEnumHealthy, "")
	waitGate(t, k, "shop-b", corev1.ConditionTrue, v1alpha1.ReasonLoadBalancerHealthy)
	k.Publish()
	waitTargetHealthy(t, tg, "10.0.4.2")

	k.Terminate("shop-a")
	waitUntil(t, "the terminating pod shop-a deregistered", func() bool {
		return targetState(tg, "10.0.4.1") == elbtypes.TargetHealthStateEnumDraining
	})
	if k.Pod("shop-a") == nil {
		t.Fatal("shop-a stopped before its target was deregistered")
	}
	k.Stop("shop-a")
	if got := targetsOf(tg); len(got) != 1 || got[0] != "10.0.4.2:8080" {
		t.Errorf("after the rollout the target group routes to %v, want only shop-b's 10.0.4.2:8080", got)
	}
}

// TestAnOpenedGateKeepsItsTarget: a pod's readiness gate opens once AWS finds its target
// healthy; from then until the EndpointSlice reports the pod ready (the kubelet and the
// endpoint-slice controller take a moment), the target must stay registered, or the
// Deployment counts a pod ready whose target AWS is draining and will check again from
// "initial", and goes on to stop the old pods.
func TestAnOpenedGateKeepsItsTarget(t *testing.T) {
	ns := newNamespace(t)
	k := kubelet.New(t, env.Client, ns, "shop")
	k.Service()
	lb := ingress(ns, "shop").defaultBackend("shop").apply(t)
	tg := resourceOf(t, lb, aws.KindTargetGroup).ID
	k.Start("shop-a", "10.0.6.1", "/ready")
	waitUntil(t, "the held pod shop-a registered", func() bool { return targetState(tg, "10.0.6.1") != "" })
	start := callCount()
	waitGate(t, k, "shop-a", corev1.ConditionTrue, v1alpha1.ReasonLoadBalancerHealthy)
	// Make the controller pass over the load balancer once the gate is open, before the
	// EndpointSlice catches up: a change of the slice that leaves its endpoints as they are.
	passes := prov.passes(lb.Name)
	touchSlice(t, ns, "shop")
	waitUntil(t, "a pass after the gate opened", func() bool { return prov.passes(lb.Name) > passes })
	if s := targetState(tg, "10.0.6.1"); s != elbtypes.TargetHealthStateEnumHealthy {
		t.Errorf("shop-a is ready while its target is %q (writes since it was registered: %v)", s, writesSince(start))
	}
}

// TestUnhealthyTargetsAreReported: a target AWS finds unhealthy turns the LoadBalancer's
// Ready condition False with which backend, how many and what to check, and a Warning
// Event on the LoadBalancer and the Ingress says it; both clear when it recovers.
func TestUnhealthyTargetsAreReported(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", "10.0.5.1", "10.0.5.2")
	lb := ingress(ns, "shop").defaultBackend("cart").apply(t)
	tg := resourceOf(t, lb, aws.KindTargetGroup).ID
	waitReady(t, lb.Name, "True", "")
	srv.SetTargetHealth(tg, "10.0.5.2", 8080, elbtypes.TargetHealthStateEnumUnhealthy, elbtypes.TargetHealthReasonEnumFailedHealthChecks)
	msg := waitReady(t, lb.Name, "False", v1alpha1.ReasonUnhealthyTargets)
	for _, want := range []string{"1 of 2", "10.0.5.2:8080", "security group"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the Ready condition says %q; it should name %q", msg, want)
		}
	}
	waitEvent(t, lb, v1alpha1.ReasonUnhealthyTargets, "1 of 2")
	waitEvent(t, getIngress(t, ns, "shop"), v1alpha1.ReasonUnhealthyTargets, "Service "+ns+"/cart (backend "+lb.Spec.Backends[0].Name+") unhealthy")

	srv.SetTargetHealth(tg, "10.0.5.2", 8080, elbtypes.TargetHealthStateEnumHealthy, "")
	waitReady(t, lb.Name, "True", "")
	waitEvent(t, lb, "TargetsHealthy", "healthy again")
	for _, e := range eventsOf(t, lb) {
		if strings.HasPrefix(e, v1alpha1.ReasonUnhealthyTargets+": ") {
			t.Errorf("the recovered problem is still told: %s", e)
		}
	}
}

// targetState is what AWS says of the target ip:8080 of a target group; "" when it is not
// registered.
func targetState(tg, ip string) elbtypes.TargetHealthStateEnum {
	for _, target := range srv.Targets(tg) {
		if target.ID == ip && target.Port == 8080 {
			return target.State
		}
	}
	return ""
}

// touchSlice labels a Service's EndpointSlice, which changes none of its endpoints.
func touchSlice(t *testing.T, ns, svc string) {
	t.Helper()
	slice := &discoveryv1.EndpointSlice{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: svc + "-1"}, slice); err != nil {
		t.Fatal(err)
	}
	slice.Labels["test.portico.dev/touched"] = slice.ResourceVersion
	if err := env.Client.Update(context.Background(), slice); err != nil {
		t.Fatal(err)
	}
}

// waitTargetHealthy waits until AWS reports the target ip:8080 healthy.
func waitTargetHealthy(t *testing.T, tg, ip string) {
	t.Helper()
	waitUntil(t, ip+" healthy in its target group", func() bool { return targetState(tg, ip) == elbtypes.TargetHealthStateEnumHealthy })
}

// healthReads counts the DescribeTargetHealth calls awstest has answered.
func healthReads() int {
	n := 0
	for _, c := range srv.Calls() {
		if c.Action == "DescribeTargetHealth" {
			n++
		}
	}
	return n
}

// waitHealthCheckPath waits until the target group's health check probes the path.
func waitHealthCheckPath(t *testing.T, tg, path string) {
	t.Helper()
	var got string
	err := testenv.WaitFor(timeout(t), "the health check to probe "+path, func(context.Context) (bool, error) {
		g, _ := srv.TargetGroup(tg)
		got = awssdk.ToString(g.HealthCheckPath)
		return got == path, nil
	})
	if err != nil {
		t.Fatalf("%v; it probes %q", err, got)
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
