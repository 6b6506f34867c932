package gcp

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

const testProject = "demo-project"

func testConfig() config {
	return config{project: testProject, cluster: "cluster-a", namer: providers.Namer{ClusterID: "cluster-a", MaxLength: 63},
		site: site{network: DefaultNetwork, zone: "zone-a"}}
}

// lb is a typed builder of a desired load balancer.
type lb struct{ d *providers.Desired }

func loadBalancer(name string) *lb {
	return &lb{d: &providers.Desired{Ref: providers.Ref{Name: name}, Targets: map[string][]providers.Target{}}}
}

func (b *lb) http() *lb { b.d.Spec.Frontends.HTTP = true; return b }

func (b *lb) backend(names ...string) *lb {
	for _, n := range names {
		b.d.Spec.Backends = append(b.d.Spec.Backends, v1alpha1.Backend{Name: n, TargetType: v1alpha1.TargetTypeIP,
			Service: v1alpha1.ServiceRef{Namespace: "default", Name: n, PortNumber: 80}})
	}
	return b
}

func (b *lb) targets(backend string, ts ...providers.Target) *lb {
	b.d.Targets[backend] = ts
	return b
}

func (b *lb) host(host v1alpha1.Hostname, paths ...v1alpha1.PathRule) *lb {
	b.d.Spec.Rules = append(b.d.Spec.Rules, v1alpha1.HostRule{Host: host, Paths: paths})
	return b
}

func (b *lb) defaultBackend(name string) *lb { b.d.Spec.DefaultBackend = name; return b }

func prefix(path, backend string) v1alpha1.PathRule {
	return v1alpha1.PathRule{Path: path, PathType: v1alpha1.PathTypePrefix, Backend: backend}
}

func exact(path, backend string) v1alpha1.PathRule {
	return v1alpha1.PathRule{Path: path, PathType: v1alpha1.PathTypeExact, Backend: backend}
}

// mustGraph translates a load balancer or fails the test.
func mustGraph(t *testing.T, d *providers.Desired) plan.Graph {
	t.Helper()
	g, err := testConfig().graph(context.Background(), d, "demo-project/global")
	if err != nil {
		t.Fatalf("translate %s: %v", d.Ref.Name, err)
	}
	return g
}

// find returns the resource of that kind in a graph (the first, by the graph's order).
func find(t *testing.T, g plan.Graph, kind string) plan.Resource {
	t.Helper()
	for _, r := range g.Resources {
		if r.Kind == kind {
			return r
		}
	}
	t.Fatalf("the graph has no %s", kind)
	return plan.Resource{}
}

// testCertificate returns a provider certificate for the hosts, self-signed.
func testCertificate(t *testing.T, hosts ...string) providers.Certificate {
	t.Helper()
	c, k, err := testcert.SelfSigned(hosts...)
	if err != nil {
		t.Fatal(err)
	}
	return providers.Certificate{CertPEM: c, Key: providers.StaticKey(k), Hash: providers.CertificateHash(c, k)}
}
