package fake

import (
	"context"
	"net/netip"
	"slices"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

const testCluster = "prod-eu"

// shop returns a load balancer with an ip backend and an instance backend behind one host.
func shop() *providers.Desired {
	return &providers.Desired{
		Ref: providers.Ref{Name: "shop-web-3f9a1c"},
		Spec: v1alpha1.LoadBalancerSpec{
			Provider:  v1alpha1.ProviderFake,
			Frontends: v1alpha1.Frontends{HTTP: true},
			Rules: []v1alpha1.HostRule{{
				Host: "shop.example.com",
				Paths: []v1alpha1.PathRule{
					{Path: "/cart", PathType: v1alpha1.PathTypePrefix, Backend: "cart"},
					{Path: "/", PathType: v1alpha1.PathTypePrefix, Backend: "web"},
				},
			}},
			DefaultBackend: "web",
			Backends: []v1alpha1.Backend{
				{Name: "cart", Service: v1alpha1.ServiceRef{Namespace: "shop", Name: "cart", PortNumber: 80}, TargetType: v1alpha1.TargetTypeIP},
				{Name: "web", Service: v1alpha1.ServiceRef{Namespace: "shop", Name: "web", PortNumber: 80}, TargetType: v1alpha1.TargetTypeInstance},
			},
		},
		Targets: map[string][]providers.Target{
			"cart": {{IP: "10.0.1.1", Port: 8080}, {IP: "10.0.1.2", Port: 8080}},
			"web":  {{IP: "10.128.0.1", Port: 30080, Node: "node-a"}, {IP: "10.128.0.2", Port: 30080, Node: "node-b"}},
		},
	}
}

// withTLS adds an HTTPS frontend serving cert from the Secret shop/tls.
func withTLS(d *providers.Desired, cert providers.Certificate) *providers.Desired {
	d.Spec.Frontends.HTTPS = true
	d.Spec.TLS = []v1alpha1.TLSCertificate{{SecretRef: &v1alpha1.ObjectRef{Namespace: "shop", Name: "tls"}, Hosts: []v1alpha1.Hostname{"shop.example.com"}}}
	d.Certificates = map[string]providers.Certificate{"shop/tls": cert}
	return d
}

func newProvider(c *Cloud) *Provider { return New(c, Options{ClusterID: testCluster}) }

func ensure(t *testing.T, p *Provider, want *providers.Desired) *providers.Observed {
	t.Helper()
	obs, err := p.Ensure(context.Background(), want)
	if err != nil {
		t.Fatalf("ensure: %v", err)
	}
	return obs
}

// writes returns the mutating calls of the log as "op Kind" strings.
func writes(c *Cloud) []string {
	var out []string
	for _, call := range c.Calls() {
		if call.Mutating() {
			out = append(out, call.Op+" "+call.Kind)
		}
	}
	return out
}

// kindCounts counts the resources of each kind.
func kindCounts(rs []Resource) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		out[r.Kind]++
	}
	return out
}

// inDocRange reports whether ip is in 192.0.2.0/24.
func inDocRange(ip string) bool {
	a, err := netip.ParseAddr(ip)
	return err == nil && netip.MustParsePrefix("192.0.2.0/24").Contains(a)
}

// index returns the position of the first call matching op, kind and name, or -1.
func index(calls []Call, op, kind, name string) int {
	return slices.IndexFunc(calls, func(c Call) bool { return c.Op == op && c.Kind == kind && c.Name == name })
}
