package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

// TestRestartWithNothingChangedWritesNothing: a new controller (a restart, or a new leader)
// finds everything as it should be and writes nothing: no Event told again, no status, no
// cloud change, even for an Ingress with problems.
func TestRestartWithNothingChangedWritesNothing(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "blog", 80, "10.0.0.2")
	apply(t, ns, member("cart", "/cart", "cart"))
	apply(t, ns, member("broken", `"/x;return 200"`, "blog"))
	if _, err := env.WaitProgrammed(timeout(t), ns, "cart"); err != nil {
		t.Fatal(err)
	}
	broken := getIngress(t, ns, "broken")
	waitEvent(t, broken, model.ReasonInvalidPath, "spec.rules[0].http.paths[0].path")
	settle(t)
	before := len(eventsOf(t, broken))

	if err := env.StopController(); err != nil {
		t.Fatal(err)
	}
	env.ResetAPIWrites()
	env.Cloud.ResetCalls()
	baseline := reconciles(t)
	if err := env.StartController(context.Background()); err != nil {
		t.Fatal(err)
	}
	quiesce(t, baseline, 3) // the new controller reconciles every key and load balancer once
	if w := env.APIWrites(); len(w) != 0 {
		t.Errorf("a restart with nothing changed wrote %v", w)
	}
	if m := mutatingCalls(); len(m) != 0 {
		t.Errorf("a restart with nothing changed changed the cloud: %v", m)
	}
	if after := len(eventsOf(t, broken)); after != before {
		t.Errorf("the invalid Ingress had %d Events before the restart and %d after", before, after)
	}
}

// TestFailedCloudReadKeepsTheAddress: one cloud read that fails does not blank the address
// of the load balancer or its Ingress.
func TestFailedCloudReadKeepsTheAddress(t *testing.T) {
	ns, lb := servedWeb(t)
	settle(t) // no other load balancer is at work: the one-shot fault hits this one
	env.Cloud.ResetCalls()
	env.Cloud.InjectError(fake.OpList, "", providers.Retryable("CloudUnavailable", nil, "503"), 1)
	t.Cleanup(env.Cloud.ClearFaults)
	setEndpoints(t, ns, "cart", "10.0.0.9") // any change makes the load balancer reconcile
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if addr := getIngress(t, ns, "web").Status.LoadBalancer.Ingress; len(addr) == 0 || addr[0].IP != lb.Status.Address {
			t.Fatalf("one failed cloud read changed the Ingress address to %+v", addr)
		}
		if got := getLB(t, lb.Name).Status.Address; got != lb.Status.Address {
			t.Fatalf("one failed cloud read changed the LoadBalancer address to %q", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
	failedReads := len(callsWhere(func(c fake.Call) bool { return c.Op == fake.OpList && c.Err != nil }))
	if failedReads != 1 {
		t.Fatalf("%d cloud reads failed, want the one injected", failedReads)
	}
	if err := waitFor(t, "the retry to program the new endpoint", func() bool {
		return hasResource(lb.Name, fake.KindNetworkEndpointGroup, "10.0.0.9")
	}); err != nil {
		t.Fatal(err)
	}
}

const lockPolicy = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: e2e-lock}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - {apiGroups: [networking.k8s.io], apiVersions: [v1], operations: [UPDATE], resources: [ingresses]}
  validations:
  - expression: "!has(object.metadata.labels) || !('e2e-locked' in object.metadata.labels)"
    message: "locked by policy"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: e2e-lock}
spec:
  policyName: e2e-lock
  validationActions: [Deny]
`

// TestOneUnwritableMemberBlocksNoOther: an admission policy refuses every update of one
// member; the others keep their status, and another member's deletion completes.
func TestOneUnwritableMemberBlocksNoOther(t *testing.T) {
	if err := env.ApplyYAML(context.Background(), lockPolicy); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unlock(t) })
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "blog", 80, "10.0.0.2")
	apply(t, ns, member("cart", "/cart", "cart"))
	apply(t, ns, member("blog", "/blog", "blog"))
	servedBy(t, ns, "cart", groupLB(ns))
	servedBy(t, ns, "blog", groupLB(ns))
	// The policy takes effect a little after it is created: wait until it refuses an update
	// of a probe Ingress that portico does not serve, then add the locked member.
	apply(t, ns, `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: probe, namespace: NAMESPACE, labels: {e2e-locked: "yes"}}
spec:
  ingressClassName: someone-else
  defaultBackend: {service: {name: cart, port: {number: 80}}}
`)
	if err := waitFor(t, "the policy to refuse updates", func() bool {
		ing := getIngress(t, ns, "probe")
		if ing.Annotations == nil {
			ing.Annotations = map[string]string{}
		}
		ing.Annotations["probe"] = time.Now().String()
		return env.Client.Update(context.Background(), ing) != nil
	}); err != nil {
		t.Fatal(err)
	}
	refused := map[string]string{"controller": "ingress", "reason": "WriteRefused"}
	before, _ := metricValue(t, "portico_reconcile_errors_total", refused)
	locked := strings.Replace(member("locked", "/locked", "cart"), "  namespace: NAMESPACE\n", "  namespace: NAMESPACE\n  labels: {e2e-locked: \"yes\"}\n", 1)
	apply(t, ns, locked)
	if err := waitFor(t, "the controller to be refused a write of the locked Ingress", func() bool {
		now, _ := metricValue(t, "portico_reconcile_errors_total", refused)
		return now > before
	}); err != nil {
		t.Fatal(err)
	}
	if ing := getIngress(t, ns, "locked"); len(ing.Finalizers) != 0 {
		t.Fatalf("the policy let portico add its finalizer to the locked Ingress: %v", ing.Finalizers)
	}
	deleteIngress(t, ns, "blog")
	if err := waitFor(t, "the deleted member to go", gone(getIngress(t, ns, "blog"))); err != nil {
		t.Fatalf("%v: the deleted member is stuck because another cannot be written", err)
	}
	servedBy(t, ns, "cart", groupLB(ns))
}

// TestWaitProgrammedWaitsForTheChange: right after an Ingress changes, WaitProgrammed returns
// the load balancer as the change made it, never as it was before.
func TestWaitProgrammedWaitsForTheChange(t *testing.T) {
	ns, _ := servedWeb(t)
	for _, path := range []string{"/a", "/b", "/c", "/d", "/e"} {
		apply(t, ns, strings.Replace(webIngress, "path: /cart,", "path: "+path+",", 1))
		lb, err := env.WaitProgrammed(timeout(t), ns, "web")
		if err != nil {
			t.Fatal(err)
		}
		if p := lb.Spec.Rules[0].Paths[0].Path; p != path {
			t.Fatalf("WaitProgrammed returned the LoadBalancer with path %s right after the Ingress changed to %s", p, path)
		}
	}
}

// unlock removes the lock policy, so that the locked Ingress stops failing every reconcile of
// its group for the tests that follow.
func unlock(t *testing.T) {
	ctx := context.Background()
	binding := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{ObjectMeta: metav1.ObjectMeta{Name: "e2e-lock"}}
	policy := &admissionregistrationv1.ValidatingAdmissionPolicy{ObjectMeta: metav1.ObjectMeta{Name: "e2e-lock"}}
	if err := env.Client.Delete(ctx, binding); err != nil {
		t.Error(err)
	}
	if err := env.Client.Delete(ctx, policy); err != nil {
		t.Error(err)
	}
}
