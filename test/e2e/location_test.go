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

// locatedWeb serves an Ingress of a class of its own whose parameters put it in a location.
func locatedWeb(t *testing.T, location string) (ns string, lbName string) {
	t.Helper()
	ns = newNamespace(t)
	classWithParams(t, ns, v1alpha1.IngressClassParamsSpec{Provider: v1alpha1.ProviderFake, Fake: &v1alpha1.FakeParams{Location: location}})
	service(t, ns, "front", 80, "10.0.1.1")
	groupedIngress(t, ns, "web", ns, "shop.example.com")
	lb, err := env.WaitProgrammed(timeout(t), ns, "web")
	if err != nil {
		t.Fatal(err)
	}
	if lb.Status.Location != location {
		t.Fatalf("status.location %q, want %s", lb.Status.Location, location)
	}
	return ns, lb.Name
}

// TestParamsEditReachesItsLoadBalancerAtOnce: an edit of the class parameters that moves
// the load balancer to another region reaches it at once (the suite's resync is hours
// away): status.location follows once the new region serves, and an Event names both.
func TestParamsEditReachesItsLoadBalancerAtOnce(t *testing.T) {
	class, lbName := locatedWeb(t, "eu")
	setFakeLocation(t, class, "us")
	if err := waitFor(t, "status.location us", func() bool { return getLB(t, lbName).Status.Location == "us" }); err != nil {
		t.Fatal(err)
	}
	if _, err := env.WaitCondition(timeout(t), lbName, v1alpha1.ConditionProgrammed, "True", v1alpha1.ReasonProgrammed); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, getLB(t, lbName), "LocationChanged", "from location eu to us")
}

// TestRegionChangeLeavesNothingInTheOldRegion: a load balancer moved to another region is
// created there before it is deleted from the old one; nothing of it is left in the old
// region, and deleting it later cleans the new one. Written to the provider contract:
// Owned(locations) tells where each load balancer lives.
func TestRegionChangeLeavesNothingInTheOldRegion(t *testing.T) {
	ns, lbName := locatedWeb(t, "eu")
	if got := ownedAt(t, "eu"); !slices.Contains(got, lbName) {
		t.Fatalf("the cloud holds %v in eu, want the load balancer", got)
	}
	setFakeLocation(t, ns, "us")
	if err := waitFor(t, "the move to us", func() bool {
		return getLB(t, lbName).Status.Location == "us" && !slices.Contains(ownedAt(t, "eu"), lbName)
	}); err != nil {
		t.Fatalf("%v: status.location %q, eu holds %v", err, getLB(t, lbName).Status.Location, ownedAt(t, "eu"))
	}
	if _, err := env.WaitCondition(timeout(t), lbName, v1alpha1.ConditionProgrammed, "True", v1alpha1.ReasonProgrammed); err != nil {
		t.Fatal(err)
	}
	if got := ownedAt(t, "us"); !slices.Contains(got, lbName) {
		t.Errorf("the cloud holds %v in us, want the load balancer that moved there", got)
	}
	deleteIngress(t, ns, "web")
	waitGone(t, lbName)
	if got := ownedAt(t, "us"); slices.Contains(got, lbName) {
		t.Errorf("after the deletion the cloud still holds it in us")
	}
}
