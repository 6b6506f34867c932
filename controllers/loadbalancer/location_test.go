package loadbalancer

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// TestLocationIsWrittenBeforeTheFirstEnsure: status.location and the cluster's record of
// locations say where the resources go before the first one is made, so that a crash right
// after the first write leaks nothing.
func TestLocationIsWrittenBeforeTheFirstEnsure(t *testing.T) {
	f := newFixture(t)
	f.params(f.ns+"-eu", "eu")
	name := f.loadBalancer("web").params(f.ns + "-eu").create(f)
	var stored string
	f.provider.onEnsure = func(want *providers.Desired) {
		lb := &v1alpha1.LoadBalancer{}
		if err := apiServer.Get(f.ctx, client.ObjectKey{Name: name}, lb); err != nil {
			t.Error(err)
		}
		stored = lb.Status.Location
		if !slices.Contains(f.r.Locations.Of(v1alpha1.ProviderFake), "eu") {
			t.Error("Ensure ran before location eu was recorded for the cluster")
		}
	}
	f.reconcile(name)
	if stored != "eu" {
		t.Errorf("status.location was %q when Ensure ran, want eu", stored)
	}
	if got := f.provider.calls(); got != "Ensure eu" {
		t.Errorf("provider calls %q, want Ensure eu", got)
	}
	if lb := f.get(name); lb.Status.Location != "eu" || f.programmed(name).Status != "True" {
		t.Errorf("status.location %q, Programmed %+v", lb.Status.Location, f.programmed(name))
	}
}

// TestLocationChangeCreatesBeforeItDeletes: new location first, the old one deleted only
// after that succeeded, then status.location changes, with an Event naming both. A failed
// delete keeps status.location on the old place, and is retried.
func TestLocationChangeCreatesBeforeItDeletes(t *testing.T) {
	f := newFixture(t)
	params := f.ns + "-p"
	f.params(params, "eu")
	name := f.loadBalancer("web").params(params).create(f)
	f.reconcile(name)
	f.provider.calls()
	f.eventsSaid()

	f.setLocation(params, "us")
	f.provider.deleteErr = providers.Retryable("CloudUnavailable", nil, "503")
	if _, err := f.r.Reconcile(f.ctx, reqFor(name)); err == nil {
		t.Error("a failed delete of the old location was not retried")
	}
	if got := f.provider.calls(); got != "Ensure us, Delete eu" {
		t.Errorf("provider calls %q, want Ensure us, Delete eu", got)
	}
	if lb := f.get(name); lb.Status.Location != "eu" {
		t.Errorf("status.location %q after the old location could not be deleted, want eu", lb.Status.Location)
	}

	f.provider.deleteErr = nil
	f.reconcile(name)
	if got := f.provider.calls(); got != "Ensure us, Delete eu" {
		t.Errorf("provider calls %q, want Ensure us, Delete eu", got)
	}
	if lb := f.get(name); lb.Status.Location != "us" || f.programmed(name).Status != "True" {
		t.Errorf("status.location %q, Programmed %+v", lb.Status.Location, f.programmed(name))
	}
	said := strings.Join(f.eventsSaid(), "\n")
	if !strings.Contains(said, ReasonLocationChanged) || !strings.Contains(said, "from location eu to us") {
		t.Errorf("no Event names both locations:\n%s", said)
	}
	f.reconcile(name)
	if got := f.provider.calls(); got != "Ensure us" {
		t.Errorf("once moved, provider calls %q, want Ensure us only", got)
	}
}

// TestDeletedParamsKeepTheLocation: deleted class parameters are no reason to move the load
// balancer to the default location: it stays where status.location says.
func TestDeletedParamsKeepTheLocation(t *testing.T) {
	f := newFixture(t)
	params := f.ns + "-p"
	f.params(params, "eu")
	name := f.loadBalancer("web").params(params).create(f)
	f.reconcile(name)
	f.provider.calls()
	if err := apiServer.Delete(f.ctx, &v1alpha1.IngressClassParams{ObjectMeta: metaName(params)}); err != nil {
		t.Fatal(err)
	}
	f.reconcile(name)
	if got := f.provider.calls(); got != "Ensure eu" {
		t.Errorf("provider calls %q after the params were deleted, want Ensure eu", got)
	}
	if lb := f.get(name); lb.Status.Location != "eu" {
		t.Errorf("status.location %q, want eu", lb.Status.Location)
	}
	// Deleting the load balancer deletes where it lives.
	if err := apiServer.Delete(f.ctx, f.get(name)); err != nil {
		t.Fatal(err)
	}
	f.reconcile(name)
	if got := f.provider.calls(); got != "Delete eu" {
		t.Errorf("provider calls %q while finalizing, want Delete eu", got)
	}
}

// TestFinalizeDuringAMoveDeletesBothLocations: a load balancer deleted half-way through a
// move has resources in both locations; both are deleted before the finalizer goes.
func TestFinalizeDuringAMoveDeletesBothLocations(t *testing.T) {
	f := newFixture(t)
	params := f.ns + "-p"
	f.params(params, "eu")
	name := f.loadBalancer("web").params(params).create(f)
	f.reconcile(name)
	f.setLocation(params, "us")
	f.provider.deleteErr = errors.New("the old location does not answer")
	_, _ = f.r.Reconcile(f.ctx, reqFor(name))
	f.provider.deleteErr = nil
	f.provider.calls()

	if err := apiServer.Delete(f.ctx, f.get(name)); err != nil {
		t.Fatal(err)
	}
	f.reconcile(name)
	if got := f.provider.calls(); got != "Delete eu, Delete us" {
		t.Errorf("provider calls %q while finalizing a move, want Delete eu, Delete us", got)
	}
	lb := &v1alpha1.LoadBalancer{}
	if err := apiServer.Get(f.ctx, client.ObjectKey{Name: name}, lb); err == nil && len(lb.Finalizers) > 0 {
		t.Errorf("the finalizer stays: %v", lb.Finalizers)
	}
}
