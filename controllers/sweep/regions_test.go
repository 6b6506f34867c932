package sweep_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

// regions is the fake provider over one fake cloud per location, as a multi-region cloud
// is: Owned finds a load balancer only in a location it is asked to scan, and Delete removes
// it only from the location its ref names. It records the locations each Owned call scanned.
type regions struct {
	*fake.Provider // the global cloud's; Name and Location are the fake's
	clouds         map[string]*fake.Provider

	mu      sync.Mutex
	scanned [][]string
}

func newRegions(locations ...string) *regions {
	r := &regions{clouds: map[string]*fake.Provider{}}
	for _, l := range append(locations, fake.GlobalLocation) {
		r.clouds[l] = fake.New(fake.NewCloud(), fake.Options{ClusterID: "sweep-test"})
	}
	r.Provider = r.clouds[fake.GlobalLocation]
	return r
}

// inner is the ref as each single-location cloud knows it.
func inner(name string) providers.Ref {
	return providers.Ref{Name: name, Location: fake.GlobalLocation}
}

func (r *regions) Owned(ctx context.Context, locations []string) ([]providers.Ref, error) {
	r.mu.Lock()
	r.scanned = append(r.scanned, locations)
	r.mu.Unlock()
	var out []providers.Ref
	for _, l := range locations {
		p, ok := r.clouds[l]
		if !ok {
			continue
		}
		refs, err := p.Owned(ctx, []string{fake.GlobalLocation})
		if err != nil {
			return nil, err
		}
		for _, ref := range refs {
			out = append(out, providers.Ref{Name: ref.Name, Location: l})
		}
	}
	return out, nil
}

func (r *regions) Delete(ctx context.Context, ref providers.Ref) error {
	p, ok := r.clouds[ref.Location]
	if !ok {
		return fmt.Errorf("no location %q", ref.Location)
	}
	return p.Delete(ctx, inner(ref.Name))
}

// lastScan returns the locations the last Owned call scanned.
func (r *regions) lastScan() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.scanned) == 0 {
		return nil
	}
	return r.scanned[len(r.scanned)-1]
}

// create makes a load balancer named name in location, as Ensure does for an object.
func (r *regions) create(t *testing.T, location, name string) providers.Ref {
	t.Helper()
	want := &providers.Desired{
		Ref: inner(name),
		Spec: v1alpha1.LoadBalancerSpec{
			Provider: v1alpha1.ProviderFake, Frontends: v1alpha1.Frontends{HTTP: true},
			DefaultBackend: "x/y:80",
			Backends:       []v1alpha1.Backend{{Name: "x/y:80", TargetType: "ip", Service: v1alpha1.ServiceRef{Namespace: "x", Name: "y", PortNumber: 80}}},
		},
	}
	if _, err := r.clouds[location].Ensure(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	return providers.Ref{Name: name, Location: location}
}

// exists reports whether the cloud still holds the load balancer.
func (r *regions) exists(t *testing.T, ref providers.Ref) bool {
	t.Helper()
	refs, err := r.clouds[ref.Location].Owned(context.Background(), []string{fake.GlobalLocation})
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range refs {
		if got.Name == ref.Name {
			return true
		}
	}
	return false
}
