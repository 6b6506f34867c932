package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

// TestProviderErrorsShowAndRecover: retryable, quota and not-found errors show as the
// Programmed condition and a Warning Event on the LoadBalancer and its Ingress, and the load
// balancer recovers by itself once the fault clears.
func TestProviderErrorsShowAndRecover(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		reason string
	}{
		{"retryable", providers.Retryable("CloudUnavailable", nil, "the URL map service answered 503"), "CloudUnavailable"},
		{"quota", providers.Quota("QuotaExceeded", nil, "quota URL_MAPS exceeded: limit 10"), "QuotaExceeded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ns := newNamespace(t)
			service(t, ns, "cart", 80, "10.0.0.1")
			service(t, ns, "front", 80, "10.0.1.1")
			env.Cloud.InjectError(fake.OpInsert, fake.KindURLMap, tc.err, -1)
			t.Cleanup(env.Cloud.ClearFaults)
			apply(t, ns, webIngress)
			lbName := lbNameOf(ns, "web")
			lb, err := env.WaitCondition(timeout(t), lbName, v1alpha1.ConditionProgrammed, "False", tc.reason)
			if err != nil {
				t.Fatal(err)
			}
			waitEvent(t, lb, "ProgrammingFailed", tc.reason)
			waitEvent(t, getIngress(t, ns, "web"), "ProgrammingFailed", tc.reason)

			env.Cloud.ClearFaults()
			if _, err := env.WaitProgrammed(timeout(t), ns, "web"); err != nil {
				t.Fatal(err)
			}
			waitEvent(t, lb, "Programmed", "Programmed")
		})
	}
}

// TestInvalidInputWaitsForAChange: an error the provider calls invalid is not retried until
// the input changes; then the load balancer recovers.
func TestInvalidInputWaitsForAChange(t *testing.T) {
	withSyncPeriod(t, syncPeriod) // resyncs must not retry it either
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "front", 80, "10.0.1.1")
	env.Cloud.InjectError(fake.OpInsert, fake.KindURLMap, providers.Invalid("URLMapInvalid", nil, "the URL map has too many rules"), -1)
	t.Cleanup(env.Cloud.ClearFaults)
	apply(t, ns, webIngress)
	lbName := lbNameOf(ns, "web")
	lb, err := env.WaitCondition(timeout(t), lbName, v1alpha1.ConditionProgrammed, "False", "URLMapInvalid")
	if err != nil {
		t.Fatal(err)
	}
	waitEvent(t, lb, "ProgrammingFailed", "waiting for the spec to change")
	waitEvent(t, getIngress(t, ns, "web"), "ProgrammingFailed", "URLMapInvalid")
	env.Cloud.ClearFaults()
	env.Cloud.ResetCalls()
	baseline := reconciles(t)
	time.Sleep(3 * syncPeriod)
	if n := reconciles(t) - baseline; n < 2 {
		t.Fatalf("only %v reconciles in three sync periods: the resyncs did not run, so nothing was checked", n)
	}
	if retried := callsWhere(func(c fake.Call) bool { return c.Kind == fake.KindURLMap && c.Op == fake.OpInsert }); len(retried) > 0 {
		t.Fatalf("the controller retried an invalid input that did not change: %+v", retried)
	}
	apply(t, ns, strings.Replace(webIngress, "path: /cart,", "path: /basket,", 1))
	if _, err := env.WaitProgrammed(timeout(t), ns, "web"); err != nil {
		t.Fatal(err)
	}
}

// TestMissingStaticAddressRecoversOnceReserved: a static address that does not exist yet is
// reported, and picked up once it is reserved.
func TestMissingStaticAddressRecoversOnceReserved(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "front", 80, "10.0.1.1")
	apply(t, ns, strings.Replace(webIngress, "metadata: {name: web, namespace: NAMESPACE}",
		"metadata: {name: web, namespace: NAMESPACE, annotations: {portico.dev/static-address: "+ns+"-ip}}", 1))
	lbName := lbNameOf(ns, "web")
	notFound, err := env.WaitCondition(timeout(t), lbName, v1alpha1.ConditionProgrammed, "False", "StaticAddressNotFound")
	if err != nil {
		t.Fatal(err)
	}
	waitEvent(t, notFound, "ProgrammingFailed", ns+"-ip")
	reserved, err := env.Cloud.ReserveAddress(ns + "-ip")
	if err != nil {
		t.Fatal(err)
	}
	lb, err := env.WaitProgrammed(timeout(t), ns, "web")
	if err != nil {
		t.Fatal(err)
	}
	if want := reserved.Spec.(fake.AddressSpec).IP; lb.Status.Address != want {
		t.Errorf("the load balancer answers on %s, not on the reserved address %s", lb.Status.Address, want)
	}
}
