package e2e

import (
	"context"
	"slices"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers/fake"
)

// ownedAt lists the load balancers the fake cloud holds for this cluster in one location,
// as the orphan sweep sees them.
func ownedAt(t *testing.T, location string) []string {
	t.Helper()
	p := fake.New(env.Cloud, fake.Options{ClusterID: env.ClusterID})
	refs, err := p.Owned(context.Background(), []string{location})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range refs {
		if r.Location == "" || r.Location == location {
			out = append(out, r.Name)
		}
	}
	return out
}

func setFakeLocation(t *testing.T, params, location string) {
	t.Helper()
	p := &v1alpha1.IngressClassParams{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Name: params}, p); err != nil {
		t.Fatal(err)
	}
	change := client.MergeFrom(p.DeepCopy())
	p.Spec.Fake = &v1alpha1.FakeParams{Location: location}
	if err := env.Client.Patch(context.Background(), p, change); err != nil {
		t.Fatal(err)
	}
}

// TestRegionChangeMovesTheLoadBalancer: the class parameters move the load balancer to
// another region. The edit reaches it at once (the suite's resync is hours away); it is
// created in the new region before it is deleted from the old one, nothing of it is left in
// the old region, and an Event names both.
func TestRegionChangeMovesTheLoadBalancer(t *testing.T) {
	ns := newNamespace(t)
	class := ns
	classWithParams(t, class, v1alpha1.IngressClassParamsSpec{Provider: v1alpha1.ProviderFake, Fake: &v1alpha1.FakeParams{Location: "eu"}})
	service(t, ns, "front", 80, "10.0.1.1")
	groupedIngress(t, ns, "web", class, "shop.example.com")
	lb, err := env.WaitProgrammed(timeout(t), ns, "web")
	if err != nil {
		t.Fatal(err)
	}
	if lb.Status.Location != "eu" || !slices.Contains(ownedAt(t, "eu"), lb.Name) {
		t.Fatalf("status.location %q, the cloud holds %v in eu", lb.Status.Location, ownedAt(t, "eu"))
	}

	setFakeLocation(t, class, "us")
	if err := waitFor(t, "the move to us", func() bool {
		cur := getLB(t, lb.Name)
		return cur.Status.Location == "us" && !slices.Contains(ownedAt(t, "eu"), lb.Name)
	}); err != nil {
		t.Fatalf("%v: status.location %q, eu holds %v", err, getLB(t, lb.Name).Status.Location, ownedAt(t, "eu"))
	}
	if _, err := env.WaitCondition(timeout(t), lb.Name, v1alpha1.ConditionProgrammed, "True", v1alpha1.ReasonProgrammed); err != nil {
		t.Fatal(err)
	}
	if got := ownedAt(t, "us"); !slices.Contains(got, lb.Name) {
		t.Errorf("the cloud holds %v in us, want the load balancer that moved there", got)
	}
	waitEvent(t, getLB(t, lb.Name), "LocationChanged", "from location eu to us")

	deleteIngress(t, ns, "web")
	waitGone(t, lb.Name)
	if got := ownedAt(t, "us"); slices.Contains(got, lb.Name) {
		t.Errorf("after the deletion the cloud still holds it in us")
	}
}
