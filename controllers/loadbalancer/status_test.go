package loadbalancer

import (
	"errors"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

func lbWithBackends(names ...string) *v1alpha1.LoadBalancer {
	lb := &v1alpha1.LoadBalancer{ObjectMeta: metav1.ObjectMeta{Name: "lb", Generation: 3}}
	lb.Spec.Provider = "fake"
	lb.Spec.Members = []v1alpha1.IngressRef{{Namespace: "a", Name: "b"}}
	for _, n := range names {
		lb.Spec.Backends = append(lb.Spec.Backends, v1alpha1.Backend{Name: n})
	}
	return lb
}

func TestComputeStatus(t *testing.T) {
	observed := &providers.Observed{
		Addresses: []v1alpha1.Address{{IP: "192.0.2.7"}},
		Ports:     []v1alpha1.PortStatus{{Port: 80, Protocol: "TCP"}},
		Resources: []v1alpha1.CloudResource{{Kind: "URLMap", Name: "um", ID: "1", State: "Ready"}},
	}
	cases := []struct {
		name                          string
		err                           error
		targets                       map[string][]providers.Target
		programmed, ready             metav1.ConditionStatus
		programmedReason, readyReason string
		message                       string
	}{
		{"serving", nil, map[string][]providers.Target{"be": {{IP: "10.0.0.1", Port: 80}}},
			"True", "True", v1alpha1.ReasonProgrammed, v1alpha1.ReasonReady, ""},
		{"no targets", nil, map[string][]providers.Target{},
			"True", "False", v1alpha1.ReasonProgrammed, v1alpha1.ReasonNoReadyTargets, "be"},
		{"retryable with a reason", providers.Retryable("CloudUnavailable", nil, "503"), nil,
			"False", "False", "CloudUnavailable", v1alpha1.ReasonNotProgrammed, "retried with backoff"},
		{"unclassified", errors.New("boom"), nil,
			"False", "False", v1alpha1.ReasonRetrying, v1alpha1.ReasonNotProgrammed, "boom"},
		{"invalid", providers.Invalid("", nil, "bad"), nil,
			"False", "False", v1alpha1.ReasonInvalid, v1alpha1.ReasonNotProgrammed, "waiting for the spec to change"},
		{"quota", providers.Quota("", nil, "limit"), nil,
			"False", "False", v1alpha1.ReasonQuota, v1alpha1.ReasonNotProgrammed, "retried every 1m0s until the quota allows it"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lb := lbWithBackends("be")
			status := &v1alpha1.LoadBalancerStatus{}
			want := &providers.Desired{Spec: lb.Spec, Targets: tc.targets}
			computeStatus(status, lb, observed, want, tc.err, time.Minute)
			prog := meta.FindStatusCondition(status.Conditions, v1alpha1.ConditionProgrammed)
			ready := meta.FindStatusCondition(status.Conditions, v1alpha1.ConditionReady)
			if prog.Status != tc.programmed || prog.Reason != tc.programmedReason || ready.Status != tc.ready || ready.Reason != tc.readyReason {
				t.Fatalf("Programmed %s/%s Ready %s/%s, want %s/%s %s/%s", prog.Status, prog.Reason, ready.Status, ready.Reason,
					tc.programmed, tc.programmedReason, tc.ready, tc.readyReason)
			}
			if tc.message != "" && !strings.Contains(prog.Message+ready.Message, tc.message) {
				t.Errorf("the messages %q / %q do not say %q", prog.Message, ready.Message, tc.message)
			}
			if status.Address != "192.0.2.7" || status.ResourceCount != 1 || status.MemberCount != 1 || status.ObservedGeneration != 3 || prog.ObservedGeneration != 3 {
				t.Errorf("address, counts or generation wrong: %+v", status)
			}
		})
	}
}

// TestComputeStatusIsStable: computing the status twice from the same inputs gives the same
// status, conditions' transition times included, so an unchanged load balancer writes nothing.
func TestComputeStatusIsStable(t *testing.T) {
	lb := lbWithBackends("be")
	want := &providers.Desired{Spec: lb.Spec, Targets: map[string][]providers.Target{"be": {{IP: "10.0.0.1"}}}}
	observed := &providers.Observed{Addresses: []v1alpha1.Address{{IP: "192.0.2.7"}}}
	first := &v1alpha1.LoadBalancerStatus{}
	computeStatus(first, lb, observed, want, nil, time.Minute)
	second := first.DeepCopy()
	computeStatus(second, lb, observed, want, nil, time.Minute)
	for i := range first.Conditions {
		if first.Conditions[i] != second.Conditions[i] {
			t.Errorf("condition %s changed on a second pass: %+v -> %+v", first.Conditions[i].Type, first.Conditions[i], second.Conditions[i])
		}
	}
}

func TestSetNotAccepted(t *testing.T) {
	status := &v1alpha1.LoadBalancerStatus{}
	setNotAccepted(status, 2, "gcp", []string{"fake"})
	acc := meta.FindStatusCondition(status.Conditions, v1alpha1.ConditionAccepted)
	if acc == nil || acc.Status != "False" || acc.Reason != v1alpha1.ReasonProviderNotEnabled || !strings.Contains(acc.Message, "runs fake") {
		t.Errorf("Accepted: %+v", acc)
	}
}
