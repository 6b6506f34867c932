package providertest

import (
	"slices"
	"testing"

	"github.com/portico-dev/portico/providers"
)

// testDeleteIsIdempotent deletes one of two load balancers, twice and then from a restarted
// provider: nothing it owned is left, the other keeps every resource, the repeated deletes
// write nothing, and Owned lists only the other.
func (s *suite) testDeleteIsIdempotent(t *testing.T) {
	cloud := s.h.NewCloud(t)
	p := cloud.Provider(clusterA)
	gone, kept := s.build(p, secure(s, "gone")), s.build(p, secure(s, "kept"))
	mustEnsure(t, p, gone)
	mustEnsure(t, p, kept)
	before := cloud.Resources()
	if len(ownedBy(before, owner(clusterA, "gone"))) == 0 {
		t.Fatal("after Ensure, the cloud records no resource as owned by the load balancer")
	}
	keptBefore := ownedBy(before, owner(clusterA, "kept"))

	mustDelete(t, p, gone.Ref)
	after := cloud.Resources()
	if left := ownedBy(after, owner(clusterA, "gone")); len(left) != 0 {
		t.Errorf("Delete left resources of the load balancer: %v", left)
	}
	if got := ownedBy(after, owner(clusterA, "kept")); !slices.Equal(got, keptBefore) {
		t.Errorf("deleting one load balancer changed another's resources:\n got %v\nwant %v", got, keptBefore)
	}
	for _, again := range []struct {
		name    string
		restart bool
		ref     providers.Ref
	}{
		{"a second Delete", false, gone.Ref},
		{"a Delete by a restarted provider", true, gone.Ref},
		{"a Delete of a load balancer never made", false, providers.Ref{Name: "never", Location: gone.Ref.Location}},
	} {
		t.Run(again.name, func(t *testing.T) {
			p := p
			if again.restart {
				s.require(t, Restart)
				p = cloud.Provider(clusterA)
			}
			c := cloud.Counts()
			mustDelete(t, p, again.ref)
			if n := cloud.Counts().Sub(c).Writes; n != 0 {
				t.Errorf("%s wrote %d time(s); want none", again.name, n)
			}
		})
	}
	if got, want := refNames(mustOwn(t, p, kept.Ref.Location)), []string{"kept"}; !slices.Equal(got, want) {
		t.Errorf("after Delete, Owned lists %v; want %v", got, want)
	}
}

// testOwnedSeesOnlyThisCluster runs two clusters in one cloud, each with a load balancer of
// the same name: Owned lists only the caller's, and one cluster's updates and deletes never
// touch the other's resources.
func (s *suite) testOwnedSeesOnlyThisCluster(t *testing.T) {
	s.require(t, Clusters)
	cloud := s.h.NewCloud(t)
	a, b := cloud.Provider(clusterA), cloud.Provider(clusterB)
	aWeb, aShop, bWeb := s.build(a, web(s, "web")), s.build(a, web(s, "shop")), s.build(b, web(s, "web"))
	for _, e := range []struct {
		p    providers.Provider
		want *providers.Desired
	}{{a, aWeb}, {a, aShop}, {b, bWeb}} {
		mustEnsure(t, e.p, e.want)
	}
	loc := aWeb.Ref.Location
	if got, want := refNames(mustOwn(t, a, loc)), []string{"shop", "web"}; !slices.Equal(got, want) {
		t.Errorf("cluster %s: Owned lists %v; want %v", clusterA, got, want)
	}
	if got, want := refNames(mustOwn(t, b, loc)), []string{"web"}; !slices.Equal(got, want) {
		t.Errorf("cluster %s: Owned lists %v; want %v", clusterB, got, want)
	}

	theirs := ownedBy(cloud.Resources(), owner(clusterB, "web"))
	mustEnsure(t, a, s.build(a, changed(s, "web")))
	mustDelete(t, a, aWeb.Ref)
	if got := ownedBy(cloud.Resources(), owner(clusterB, "web")); !slices.Equal(got, theirs) {
		t.Errorf("cluster %s's update and delete of its load balancer web changed cluster %s's:\n got %v\nwant %v",
			clusterA, clusterB, got, theirs)
	}
	if got, want := refNames(mustOwn(t, b, loc)), []string{"web"}; !slices.Equal(got, want) {
		t.Errorf("cluster %s: after the other cluster's delete, Owned lists %v; want %v", clusterB, got, want)
	}
}
