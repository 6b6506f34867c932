package loadbalancer

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"

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

func condition(t *testing.T, status *v1alpha1.LoadBalancerStatus, typ string) metav1.Condition {
	t.Helper()
	c := meta.FindStatusCondition(status.Conditions, typ)
	if c == nil {
		t.Fatalf("no %s condition in %+v", typ, status.Conditions)
	}
	return *c
}

func TestSetAccepted(t *testing.T) {
	status := &v1alpha1.LoadBalancerStatus{}
	setAccepted(status, 2, "gcp", []string{"fake", "nginx"})
	if c := condition(t, status, v1alpha1.ConditionAccepted); c.Status != "False" || c.Reason != v1alpha1.ReasonProviderNotEnabled ||
		!strings.Contains(c.Message, "runs fake, nginx") || c.ObservedGeneration != 2 {
		t.Errorf("not enabled: %+v", c)
	}
	setAccepted(status, 3, "fake", nil)
	if c := condition(t, status, v1alpha1.ConditionAccepted); c.Status != "True" || c.Reason != v1alpha1.ReasonAccepted || c.ObservedGeneration != 3 {
		t.Errorf("enabled: %+v", c)
	}
}

func TestSetProgrammed(t *testing.T) {
	cases := []struct {
		name, next     string
		err            error
		status, reason string
		message        string
	}{
		{"success", "", nil, "True", v1alpha1.ReasonProgrammed, "4 resources"},
		{"the provider's reason", "retried with backoff", providers.Retryable("CloudUnavailable", nil, "503"), "False", "CloudUnavailable", "503; retried with backoff"},
		{"wrapped keeps the reason", "", fmt.Errorf("ensure: %w", providers.Quota("QuotaExceeded", nil, "limit 10")), "False", "QuotaExceeded", "limit 10"},
		{"unclassified", "", errors.New("boom"), "False", v1alpha1.ReasonRetrying, "boom"},
		{"invalid without reason", "", providers.Invalid("", nil, "bad"), "False", v1alpha1.ReasonInvalid, "bad"},
		{"quota without reason", "", providers.Quota("", nil, "limit"), "False", v1alpha1.ReasonQuota, "limit"},
		{"not found without reason", "", providers.NotFound("", nil, "gone"), "False", v1alpha1.ReasonNotFound, "gone"},
		{"conflict without reason", "", providers.Conflict("", nil, "taken"), "False", v1alpha1.ReasonConflict, "taken"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status := &v1alpha1.LoadBalancerStatus{ResourceCount: 4}
			setProgrammed(status, 7, tc.err, tc.next)
			c := condition(t, status, v1alpha1.ConditionProgrammed)
			if string(c.Status) != tc.status || c.Reason != tc.reason || !strings.Contains(c.Message, tc.message) || c.ObservedGeneration != 7 {
				t.Errorf("Programmed %+v, want %s/%s saying %q", c, tc.status, tc.reason, tc.message)
			}
		})
	}
}

func TestSetReady(t *testing.T) {
	lb := lbWithBackends("cart", "front")
	withTargets := func(names ...string) *providers.Desired {
		want := &providers.Desired{Spec: lb.Spec, Targets: map[string][]providers.Target{}}
		for _, n := range names {
			want.Targets[n] = []providers.Target{{IP: "10.0.0.1", Port: 80}}
		}
		return want
	}
	cases := []struct {
		name           string
		programmed     error
		want           *providers.Desired
		status, reason string
		message        string
	}{
		{"serving", nil, withTargets("cart", "front"), "True", v1alpha1.ReasonReady, ""},
		{"a backend without targets", nil, withTargets("cart"), "False", v1alpha1.ReasonNoReadyTargets, "backend front"},
		{"not programmed", errors.New("boom"), withTargets("cart", "front"), "False", v1alpha1.ReasonNotProgrammed, "Programmed condition"},
		{"not programmed, nothing resolved", errors.New("boom"), nil, "False", v1alpha1.ReasonNotProgrammed, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status := &v1alpha1.LoadBalancerStatus{}
			setProgrammed(status, 1, tc.programmed, "")
			setReady(status, 1, tc.want)
			c := condition(t, status, v1alpha1.ConditionReady)
			if string(c.Status) != tc.status || c.Reason != tc.reason || !strings.Contains(c.Message, tc.message) {
				t.Errorf("Ready %+v, want %s/%s saying %q", c, tc.status, tc.reason, tc.message)
			}
		})
	}
}

// TestSetObservedKeepsTheAddressOfAFailedMove: what the provider observed replaces the
// status after a success, and after a failure only when it saw resources where the load
// balancer already lives; the last known address stays otherwise.
func TestSetObservedKeepsTheAddressOfAFailedMove(t *testing.T) {
	observed := &providers.Observed{
		Addresses: []v1alpha1.Address{{IP: "192.0.2.9"}},
		Resources: []v1alpha1.CloudResource{{Kind: "URLMap", Name: "um", ID: "1"}},
	}
	cases := []struct {
		name        string
		observed    *providers.Observed
		err         error
		moving      bool
		wantAddress string
	}{
		{"success", observed, nil, false, "192.0.2.9"},
		{"success of a move", observed, nil, true, "192.0.2.9"},
		{"partial failure in place", observed, errors.New("boom"), false, "192.0.2.9"},
		{"failed move", observed, errors.New("boom"), true, "192.0.2.7"},
		{"failed read", &providers.Observed{}, errors.New("boom"), false, "192.0.2.7"},
		{"no observation", nil, errors.New("boom"), false, "192.0.2.7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lb := lbWithBackends("be")
			status := &v1alpha1.LoadBalancerStatus{Addresses: []v1alpha1.Address{{IP: "192.0.2.7"}}}
			setObserved(status, lb, tc.observed, keepsObservation(tc.observed, tc.err, tc.moving))
			if status.Address != tc.wantAddress || status.ObservedGeneration != 3 || status.MemberCount != 1 {
				t.Errorf("address %s generation %d members %d, want %s, 3, 1", status.Address, status.ObservedGeneration, status.MemberCount, tc.wantAddress)
			}
		})
	}
}

// A pass that changed a resource and failed to observe it after leaves the old entry in
// the status, but not its fingerprint, which a restarted provider would trust.
func TestSetObservedForgetsTheFingerprintOfAnUnobservedChange(t *testing.T) {
	lb := lbWithBackends("be")
	status := &v1alpha1.LoadBalancerStatus{Resources: []v1alpha1.CloudResource{
		{Kind: "NetworkEndpointGroup", Name: "changed", Fingerprint: "1:aa"},
		{Kind: "NetworkEndpointGroup", Name: "untouched", Fingerprint: "1:bb"}}}
	observed := &providers.Observed{Changes: []providers.Change{{Op: providers.OpUpdate, Kind: "NetworkEndpointGroup", Name: "changed"}}}
	setObserved(status, lb, observed, keepsObservation(observed, errors.New("read failed"), false))
	if got := status.Resources; len(got) != 2 || got[0].Fingerprint != "" || got[1].Fingerprint != "1:bb" {
		t.Errorf("resources %+v, want the changed one's fingerprint cleared and the other kept", got)
	}
}

// TestSettersAreStable: setting the same conditions twice changes nothing, transition
// times included, so an unchanged load balancer writes nothing.
func TestSettersAreStable(t *testing.T) {
	lb := lbWithBackends("be")
	want := &providers.Desired{Spec: lb.Spec, Targets: map[string][]providers.Target{"be": {{IP: "10.0.0.1"}}}}
	apply := func(status *v1alpha1.LoadBalancerStatus) {
		setAccepted(status, 3, "fake", nil)
		setObserved(status, lb, &providers.Observed{Addresses: []v1alpha1.Address{{IP: "192.0.2.7"}}}, true)
		setProgrammed(status, 3, nil, "")
		setReady(status, 3, want)
	}
	first := &v1alpha1.LoadBalancerStatus{}
	apply(first)
	second := first.DeepCopy()
	apply(second)
	for i := range first.Conditions {
		if first.Conditions[i] != second.Conditions[i] {
			t.Errorf("condition %s changed on a second pass: %+v -> %+v", first.Conditions[i].Type, first.Conditions[i], second.Conditions[i])
		}
	}
}

// TestComputeStatusRecordsThePlaceThatServes: during a move the status names the old place
// until the move succeeded, then the new one.
func TestComputeStatusRecordsThePlaceThatServes(t *testing.T) {
	r := &Reconciler{}
	lb := lbWithBackends("be")
	p := place{fromProvider: "fake", toProvider: "fake",
		from: providers.Ref{Name: "lb", Location: "eu"}, to: providers.Ref{Name: "lb", Location: "us"}}
	want := &providers.Desired{Spec: lb.Spec}
	status := &v1alpha1.LoadBalancerStatus{Location: "eu", Provider: "fake"}
	r.computeStatus(status, lb, p, nil, want, errors.New("the old location does not answer"))
	if status.Location != "eu" {
		t.Errorf("after a failed move status.location is %q, want eu", status.Location)
	}
	r.computeStatus(status, lb, p, &providers.Observed{}, want, nil)
	if status.Location != "us" || condition(t, status, v1alpha1.ConditionProgrammed).Status != "True" {
		t.Errorf("after the move status.location is %q", status.Location)
	}
}

// A load balancer the cloud is still provisioning is not Ready, whatever its targets, and
// the controller looks again soon; once up, Ready follows the targets again.
func TestAPendingLoadBalancerIsNotReadyAndPolled(t *testing.T) {
	status := &v1alpha1.LoadBalancerStatus{}
	setProgrammed(status, 3, nil, "")
	setReady(status, 3, &providers.Desired{})
	setPending(status, 3, &providers.Observed{Pending: "AWS is provisioning the Application Load Balancer pt-lb-x"})
	if c := condition(t, status, v1alpha1.ConditionReady); c.Status != "False" || c.Reason != v1alpha1.ReasonProvisioning || !strings.Contains(c.Message, "pt-lb-x") {
		t.Errorf("pending: Ready %+v, want False Provisioning naming the load balancer", c)
	}
	r := &Reconciler{}
	if res := r.pendingPoll(ctrlResult(0), &providers.Observed{Pending: "x"}); res.RequeueAfter != DefaultHealthPoll {
		t.Errorf("pending: requeue after %v, want %v", res.RequeueAfter, DefaultHealthPoll)
	}
	if res := r.pendingPoll(ctrlResult(0), &providers.Observed{}); res.RequeueAfter != 0 {
		t.Errorf("up: requeue after %v, want none", res.RequeueAfter)
	}
	up := &v1alpha1.LoadBalancerStatus{}
	setProgrammed(up, 3, nil, "")
	setReady(up, 3, &providers.Desired{})
	setPending(up, 3, &providers.Observed{})
	if c := condition(t, up, v1alpha1.ConditionReady); c.Status != "True" {
		t.Errorf("up: Ready %+v, want True", c)
	}
}

func ctrlResult(after time.Duration) ctrl.Result { return ctrl.Result{RequeueAfter: after} }
