package loadbalancer

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// endpoint is an EndpointSlice endpoint of a pod, with its conditions.
func endpoint(pod, ip string, ready, terminating bool) discoveryv1.Endpoint {
	return discoveryv1.Endpoint{Addresses: []string{ip}, TargetRef: &corev1.ObjectReference{Kind: "Pod", Name: pod},
		Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(ready), Serving: ptr.To(ready || terminating), Terminating: ptr.To(terminating)}}
}

func gatedPod(name string, open bool) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name},
		Spec: corev1.PodSpec{ReadinessGates: []corev1.PodReadinessGate{{ConditionType: v1alpha1.PodConditionLoadBalancerReady}}}}
	if open {
		p.Status.Conditions = []corev1.PodCondition{{Type: v1alpha1.PodConditionLoadBalancerReady, Status: corev1.ConditionTrue}}
	}
	return p
}

// TestEndpointsOfAPodRollout: ready endpoints and those the gate holds are attached;
// terminating ones never, even while they still serve; a pod without the gate that is not
// ready is left out, as before the gate existed.
func TestEndpointsOfAPodRollout(t *testing.T) {
	slice := discoveryv1.EndpointSlice{Ports: []discoveryv1.EndpointPort{{Name: ptr.To("http"), Port: ptr.To[int32](8080)}},
		Endpoints: []discoveryv1.Endpoint{
			endpoint("old", "10.0.0.1", false, true),      // terminating, still serving
			endpoint("kept", "10.0.0.2", true, false),     // ready
			endpoint("new", "10.0.0.3", false, false),     // held by the gate
			endpoint("plain", "10.0.0.4", false, false),   // not ready, no gate
			endpoint("opened", "10.0.0.5", false, false),  // gate True, not ready for its own reasons
			endpoint("opening", "10.0.0.6", false, false), // gate just opened, the slice not yet ready
		}}
	opening := gatedPod("opening", true)
	opening.Status.Conditions = append(opening.Status.Conditions, corev1.PodCondition{Type: corev1.ContainersReady, Status: corev1.ConditionTrue})
	pods := map[string]*corev1.Pod{"old": gatedPod("old", true), "kept": gatedPod("kept", true), "new": gatedPod("new", false),
		"plain": {ObjectMeta: metav1.ObjectMeta{Name: "plain"}}, "opened": gatedPod("opened", true), "opening": opening}
	got := endpointsOf([]discoveryv1.EndpointSlice{slice}, &corev1.ServicePort{Name: "http"}, pods)
	var ips []string
	for _, t := range got.targets {
		ips = append(ips, t.IP)
	}
	if strings.Join(ips, ",") != "10.0.0.2,10.0.0.3,10.0.0.6" {
		t.Errorf("targets %v, want the ready 10.0.0.2, the held 10.0.0.3 and the opening 10.0.0.6", ips)
	}
	if len(got.held) != 1 || got.held[0].key.Name != "new" || got.held[0].ip != "10.0.0.3" {
		t.Errorf("held %v, want pod new at 10.0.0.3", got.held)
	}
}

func TestUnhealthyTargetsTurnReadyFalse(t *testing.T) {
	want := &providers.Desired{Spec: v1alpha1.LoadBalancerSpec{Backends: []v1alpha1.Backend{
		{Name: "cart", Service: v1alpha1.ServiceRef{Namespace: "shop", Name: "cart", PortNumber: 80}, HealthCheck: &v1alpha1.HealthCheck{Path: "/healthz"}},
		{Name: "web", Service: v1alpha1.ServiceRef{Namespace: "shop", Name: "web", PortName: "http"}},
	}}}
	health := map[string][]providers.TargetHealth{
		"cart": {{IP: "10.0.0.1", Port: 8080, State: providers.HealthHealthy}, {IP: "10.0.0.2", Port: 8080, State: providers.HealthUnhealthy},
			{IP: "10.0.0.3", Port: 8080, State: providers.HealthUnhealthy}},
		"web": {{IP: "10.0.1.1", Port: 80, State: providers.HealthUnknown}},
	}
	held := map[string][]heldPod{"cart": {{ip: "10.0.0.3"}}}
	sick := unhealthyBackends(want, health, held)
	status := &v1alpha1.LoadBalancerStatus{}
	setCondition(status, 1, v1alpha1.ConditionReady, metav1.ConditionTrue, v1alpha1.ReasonReady, "ready")
	setHealthy(status, 1, sick, "check the firewall")
	c := status.Conditions[0]
	wantMsg := "backend cart (Service shop/cart:80): 1 of 3 endpoints unhealthy in the cloud (10.0.0.2:8080), health check GET /healthz; check the firewall"
	if c.Status != metav1.ConditionFalse || c.Reason != v1alpha1.ReasonUnhealthyTargets || c.Message != wantMsg {
		t.Errorf("Ready is %s %s %q, want False UnhealthyTargets %q (the held pod warming up and the unknown target are no problem)",
			c.Status, c.Reason, c.Message, wantMsg)
	}
	if len(status.UnhealthyBackends) != 1 || status.UnhealthyBackends[0] != "cart" {
		t.Errorf("status.unhealthyBackends %v, want [cart] for the ingress controller to tell its members", status.UnhealthyBackends)
	}
	setCondition(status, 1, v1alpha1.ConditionReady, metav1.ConditionTrue, v1alpha1.ReasonReady, "ready")
	setHealthy(status, 1, unhealthyBackends(want, map[string][]providers.TargetHealth{}, nil), "hint")
	if status.Conditions[0].Status != metav1.ConditionTrue || status.UnhealthyBackends != nil {
		t.Errorf("with every target healthy Ready is %v", status.Conditions[0])
	}
}

func TestProbePathsFillOnlyUnsetHealthChecks(t *testing.T) {
	spec := v1alpha1.LoadBalancerSpec{Backends: []v1alpha1.Backend{
		{Name: "unset"}, {Name: "annotated", HealthCheck: &v1alpha1.HealthCheck{Path: "/mine"}},
		{Name: "other-port", HealthCheck: &v1alpha1.HealthCheck{Port: 9090}}, {Name: "no-probe"},
	}}
	withProbePaths(&spec, map[string]string{"unset": "/healthz", "annotated": "/healthz", "other-port": "/healthz"})
	got := []string{}
	for _, be := range spec.Backends {
		p := ""
		if be.HealthCheck != nil {
			p = be.HealthCheck.Path
		}
		got = append(got, be.Name+"="+p)
	}
	if strings.Join(got, " ") != "unset=/healthz annotated=/mine other-port= no-probe=" {
		t.Errorf("paths %v", got)
	}
}
