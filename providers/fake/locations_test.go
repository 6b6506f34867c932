package fake

import (
	"context"
	"reflect"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// in places a load balancer's class in a fake location.
func in(d *providers.Desired, location string) *providers.Desired {
	d.Params = &v1alpha1.IngressClassParamsSpec{Fake: &v1alpha1.FakeParams{Location: location}}
	return d
}

// resourcesIn returns the resources of one location.
func resourcesIn(c *Cloud, location string) []Resource {
	var out []Resource
	for _, r := range c.Inventory() {
		if r.Location == location {
			out = append(out, r)
		}
	}
	return out
}

// TestLoadBalancerMovesBetweenLocations: a class whose location changes gets a new load
// balancer in the new location, and the old location's resources are found and deleted by
// the location recorded for them, so nothing leaks.
func TestLoadBalancerMovesBetweenLocations(t *testing.T) {
	ctx := context.Background()
	c := NewCloud()
	p := newProvider(c)
	europe := ensure(t, p, in(shop(), "europe"))
	if len(resourcesIn(c, "europe")) == 0 || len(resourcesIn(c, GlobalLocation)) != 0 {
		t.Fatalf("created in the wrong place: %v", keysOf(c.Inventory()))
	}
	asia := ensure(t, p, in(shop(), "asia"))
	if reflect.DeepEqual(europe.Addresses, asia.Addresses) {
		t.Errorf("europe and asia share the address %v", asia.Addresses)
	}
	again := ensure(t, newProvider(NewCloud()), in(shop(), "asia"))
	if !reflect.DeepEqual(again.Addresses, asia.Addresses) {
		t.Errorf("the same load balancer in the same location got %v, then %v", asia.Addresses, again.Addresses)
	}

	owned, err := p.Owned(ctx, []string{"asia"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []providers.Ref{{Name: shop().Ref.Name, Location: "asia"}}; !reflect.DeepEqual(owned, want) {
		t.Errorf("owned in asia %v, want %v", owned, want)
	}
	if err := p.Delete(ctx, providers.Ref{Name: shop().Ref.Name, Location: "europe"}); err != nil {
		t.Fatal(err)
	}
	if left := resourcesIn(c, "europe"); len(left) != 0 {
		t.Errorf("europe still holds %v", keysOf(left))
	}
	if len(resourcesIn(c, "asia")) == 0 {
		t.Error("deleting europe's load balancer deleted asia's")
	}
	if owned, _ := p.Owned(ctx, nil); len(owned) != 0 {
		t.Errorf("the global location owns %v", owned)
	}
}

// TestEnsureUsesTheRecordedLocation: a Desired whose Ref names a location is realised there,
// whatever its parameters now say, so a parameter change alone never moves resources.
func TestEnsureUsesTheRecordedLocation(t *testing.T) {
	c := NewCloud()
	d := in(shop(), "asia")
	d.Ref.Location = "europe"
	ensure(t, newProvider(c), d)
	if len(resourcesIn(c, "asia")) != 0 || len(resourcesIn(c, "europe")) == 0 {
		t.Errorf("created in %v", keysOf(c.Inventory()))
	}
}
