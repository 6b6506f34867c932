package providertest

import (
	"slices"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// testLocations puts one load balancer in two locations, as while a class parameter change
// moves it: each location has resources of its own, Owned lists it once per location it
// scans with the location it lives in, and Delete of one location leaves the other whole.
func (s *suite) testLocations(t *testing.T) {
	if len(s.h.Locations) < 2 {
		t.Skip("the harness declares fewer than two Locations")
	}
	cloud := s.h.NewCloud(t)
	p := cloud.Provider(clusterA)
	here := s.buildIn(p, web(s, "moved"), s.h.Locations[0])
	there := s.buildIn(p, web(s, "moved"), s.h.Locations[1])
	if here.Ref.Location == there.Ref.Location {
		t.Fatalf("the harness's two Locations are both %q to the provider", here.Ref.Location)
	}
	mine := func() []string { return ownedBy(cloud.Resources(), owner(clusterA, "moved")) }

	mustEnsure(t, p, here)
	inHere := mine()
	mustEnsure(t, p, there)
	all := mine()
	if lost := without(inHere, all); len(lost) != 0 {
		t.Errorf("ensuring the load balancer in %s removed its resources in %s: %v", there.Ref.Location, here.Ref.Location, lost)
	}
	inThere := without(all, inHere)
	if len(inThere) == 0 {
		t.Errorf("the load balancer in %s made no resource of its own; it reuses those of %s", there.Ref.Location, here.Ref.Location)
	}

	for _, c := range []struct {
		scan []string
		want []providers.Ref
	}{
		{[]string{here.Ref.Location}, []providers.Ref{here.Ref}},
		{[]string{there.Ref.Location}, []providers.Ref{there.Ref}},
		{[]string{here.Ref.Location, there.Ref.Location}, []providers.Ref{here.Ref, there.Ref}},
	} {
		if got, want := refs(mustOwn(t, p, c.scan...)), refs(c.want); !slices.Equal(got, want) {
			t.Errorf("Owned in %v lists %v; want %v", c.scan, got, want)
		}
	}

	mustDelete(t, p, here.Ref)
	if got := mine(); !slices.Equal(got, sorted(inThere)) {
		t.Errorf("after Delete in %s, the load balancer owns\n  %v\nwant what it has in %s\n  %v", here.Ref.Location, got, there.Ref.Location, inThere)
	}
	mustDelete(t, p, there.Ref)
	if got := mine(); len(got) != 0 {
		t.Errorf("after Delete in both locations, the load balancer still owns %v", got)
	}
}

// buildIn is build with the class parameters of one location.
func (s *suite) buildIn(p providers.Provider, b *lbBuilder, params *v1alpha1.IngressClassParamsSpec) *providers.Desired {
	d := s.build(p, b)
	d.Params = params
	d.Ref.Location = p.Location(params)
	return d
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
