package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

// TestResyncRepairsDrift: a cloud resource deleted behind portico's back is recreated at the
// next resync.
func TestResyncRepairsDrift(t *testing.T) {
	withSyncPeriod(t, syncPeriod)
	_, lb := servedWeb(t)
	var rule fake.Resource
	for _, r := range env.Inventory(lb.Name) {
		if r.Kind == fake.KindForwardingRule {
			rule = r
		}
	}
	if err := env.Cloud.Delete(context.Background(), rule.Kind, rule.Name); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, "the resync to recreate the forwarding rule", func() bool {
		_, ok := env.Cloud.Lookup(rule.Kind, rule.Name)
		return ok
	}); err != nil {
		t.Fatal(err)
	}
}

// TestPersistentFaultIsRetriedWithBackoff: a provider that keeps failing is retried with a
// growing delay, never in a hot loop.
func TestPersistentFaultIsRetriedWithBackoff(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "front", 80, "10.0.1.1")
	env.Cloud.InjectError(fake.OpInsert, fake.KindURLMap, providers.Retryable("CloudUnavailable", nil, "503"), -1)
	t.Cleanup(env.Cloud.ClearFaults)
	apply(t, ns, webIngress)
	if _, err := env.WaitCondition(timeout(t), lbNameOf(ns, "web"), v1alpha1.ConditionProgrammed, "False", "CloudUnavailable"); err != nil {
		t.Fatal(err)
	}
	env.Cloud.ResetCalls()
	time.Sleep(8 * time.Second)
	attempts := len(callsWhere(func(c fake.Call) bool { return c.Op == fake.OpInsert && c.Kind == fake.KindURLMap }))
	// Backoff from one second, doubling: at most 1+2+4 seconds of waits fit in eight.
	if attempts == 0 || attempts > 5 {
		t.Errorf("%d attempts in 8 seconds; want a few, with a growing delay", attempts)
	}
}

// TestServiceCreatedAfterItsIngress: an Ingress whose Service does not exist yet is told so,
// and is served once the Service and its endpoints appear.
func TestServiceCreatedAfterItsIngress(t *testing.T) {
	ns := newNamespace(t)
	apply(t, ns, `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: late, namespace: NAMESPACE}
spec:
  defaultBackend: {service: {name: late, port: {number: 80}}}
`)
	waitEvent(t, getIngress(t, ns, "late"), model.ReasonServiceNotFound, "Service "+ns+"/late does not exist")
	lbName := lbNameOf(ns, "late")
	if _, err := env.WaitCondition(timeout(t), lbName, v1alpha1.ConditionReady, "False", v1alpha1.ReasonNoReadyTargets); err != nil {
		t.Fatal(err)
	}
	service(t, ns, "late", 80, "10.0.5.1")
	if _, err := env.WaitCondition(timeout(t), lbName, v1alpha1.ConditionReady, "True", v1alpha1.ReasonReady); err != nil {
		t.Fatal(err)
	}
}
