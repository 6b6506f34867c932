package albrules_test

import (
	"math/rand/v2"
	"slices"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// lbBuilder builds a load balancer spec; every backend a rule names is added to Backends.
type lbBuilder struct{ spec *v1alpha1.LoadBalancerSpec }

func lb() *lbBuilder {
	return &lbBuilder{spec: &v1alpha1.LoadBalancerSpec{Provider: v1alpha1.ProviderAWS, Frontends: v1alpha1.Frontends{HTTP: true}}}
}

func (b *lbBuilder) host(host string, paths ...v1alpha1.PathRule) *lbBuilder {
	b.spec.Rules = append(b.spec.Rules, v1alpha1.HostRule{Host: v1alpha1.Hostname(host), Paths: paths})
	for _, p := range paths {
		b.backend(p.Backend)
	}
	return b
}

func (b *lbBuilder) defaultBackend(name string) *lbBuilder {
	b.spec.DefaultBackend = name
	return b.backend(name)
}

func (b *lbBuilder) backend(name string) *lbBuilder {
	if !slices.ContainsFunc(b.spec.Backends, func(be v1alpha1.Backend) bool { return be.Name == name }) {
		b.spec.Backends = append(b.spec.Backends, v1alpha1.Backend{
			Name: name, TargetType: v1alpha1.TargetTypeIP,
			Service: v1alpha1.ServiceRef{Namespace: "default", Name: name, PortNumber: 80},
		})
	}
	return b
}

func prefix(path, backend string) v1alpha1.PathRule {
	return v1alpha1.PathRule{Path: path, PathType: v1alpha1.PathTypePrefix, Backend: backend}
}

func exact(path, backend string) v1alpha1.PathRule {
	return v1alpha1.PathRule{Path: path, PathType: v1alpha1.PathTypeExact, Backend: backend}
}

// seeded is a deterministic random source for the generated specs.
type seeded struct{ r *rand.Rand }

func newRand(seed uint64) seeded { return seeded{rand.New(rand.NewPCG(seed, seed))} }

func (s seeded) intn(n int) int { return s.r.IntN(n) }

// pick returns k distinct elements of from, in a random order.
func pick(s seeded, from []string, k int) []string {
	perm := s.r.Perm(len(from))
	out := make([]string, 0, k)
	for _, i := range perm[:min(k, len(from))] {
		out = append(out, from[i])
	}
	return out
}
