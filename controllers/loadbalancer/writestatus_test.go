package loadbalancer

import (
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// A pass that computed its status from a copy older than the stored status (a cache that
// has not seen the previous pass's write yet) must not merge into it: a backend it found
// ready again would stay listed as unready next to Ready=True, as `portico dev` showed for
// the hello sample. The write is refused as a conflict and the next pass, on the fresh
// copy, clears it.
func TestAStatusComputedFromAStaleCopyIsNotMerged(t *testing.T) {
	f := newFixture(t)
	r := &Reconciler{Client: apiServer}
	lb := &v1alpha1.LoadBalancer{ObjectMeta: metav1.ObjectMeta{Name: "stale-" + f.ns},
		Spec: v1alpha1.LoadBalancerSpec{Provider: v1alpha1.ProviderFake}}
	if err := apiServer.Create(f.ctx, lb); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = apiServer.Delete(f.ctx, lb) })
	stale := lb.DeepCopy() // what a lagging cache still holds

	first := lb.Status.DeepCopy()
	first.UnreadyBackends = []string{"demo/hello:80"}
	if err := r.writeStatus(f.ctx, lb, first); err != nil {
		t.Fatal(err)
	}
	second := stale.Status.DeepCopy()
	second.Address = "127.0.0.1" // anything this pass sets, with no backend unready
	err := r.writeStatus(f.ctx, stale, second)
	if !apierrors.IsConflict(err) {
		t.Fatalf("a status computed from a stale copy was written (%v); want a conflict", err)
	}

	fresh := &v1alpha1.LoadBalancer{}
	if err := apiServer.Get(f.ctx, client.ObjectKeyFromObject(lb), fresh); err != nil {
		t.Fatal(err)
	}
	third := fresh.Status.DeepCopy()
	third.UnreadyBackends, third.Address = nil, "127.0.0.1"
	if err := r.writeStatus(f.ctx, fresh, third); err != nil {
		t.Fatal(err)
	}
	if err := apiServer.Get(f.ctx, client.ObjectKeyFromObject(lb), fresh); err != nil {
		t.Fatal(err)
	}
	if len(fresh.Status.UnreadyBackends) != 0 || fresh.Status.Address != "127.0.0.1" {
		t.Errorf("the stored status is %+v; want no unready backend and the address", fresh.Status)
	}
}
