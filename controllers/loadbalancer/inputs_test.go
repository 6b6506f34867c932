package loadbalancer

import (
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// The provider is told the resources the status lists, to trust their fingerprints across
// a restart, only when they are of the same provider and location as the pass.
func TestKnownAtIsTheStatusOfTheSamePlace(t *testing.T) {
	res := []v1alpha1.CloudResource{{Kind: "NetworkEndpointGroup", Name: "neg", Fingerprint: "1:abc"}}
	lb := func(statusProvider, location string) *v1alpha1.LoadBalancer {
		l := &v1alpha1.LoadBalancer{}
		l.Spec.Provider = v1alpha1.ProviderGCP
		l.Status.Provider, l.Status.Location, l.Status.Resources = statusProvider, location, res
		return l
	}
	here := providers.Ref{Name: "lb", Location: "p"}
	for _, tc := range []struct {
		name     string
		lb       *v1alpha1.LoadBalancer
		wantSome bool
	}{
		{"same place", lb(v1alpha1.ProviderGCP, "p"), true},
		{"provider not recorded", lb("", "p"), true},
		{"another location", lb(v1alpha1.ProviderGCP, "q"), false},
		{"another provider", lb(v1alpha1.ProviderFake, "p"), false},
	} {
		got := knownAt(tc.lb, here)
		if (len(got) > 0) != tc.wantSome {
			t.Errorf("%s: known %v", tc.name, got)
		}
		if len(got) > 0 && &got[0] == &tc.lb.Status.Resources[0] {
			t.Errorf("%s: known shares the status's slice", tc.name)
		}
	}
}
