package aws

import (
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

const (
	testRegion = "us-west-2"
	testVPC    = "vpc-0a1b2c3d4e5f60718"
)

func testConfig() config {
	return config{cluster: "cluster-a", namer: providers.Namer{ClusterID: "cluster-a", MaxLength: maxNameLength},
		site: site{region: testRegion, vpc: testVPC, scheme: v1alpha1.SchemeInternetFacing,
			subnets: []string{"subnet-0000000000000000a", "subnet-0000000000000000b"}}}
}

// lb is a typed builder of a desired load balancer.
type lb struct{ d *providers.Desired }

func loadBalancer(name string) *lb {
	return &lb{d: &providers.Desired{Ref: providers.Ref{Name: name}, Targets: map[string][]providers.Target{},
		Certificates: map[string]providers.Certificate{}}}
}

func (b *lb) http() *lb { b.d.Spec.Frontends.HTTP = true; return b }

func (b *lb) https(t *testing.T, secret string) *lb {
	b.d.Spec.Frontends.HTTPS = true
	b.d.Spec.TLS = append(b.d.Spec.TLS, v1alpha1.TLSCertificate{SecretRef: &v1alpha1.ObjectRef{Namespace: "default", Name: secret}})
	b.d.Certificates["default/"+secret] = testCertificate(t, "shop.example.com")
	return b
}

func (b *lb) preShared(arn string) *lb {
	b.d.Spec.Frontends.HTTPS = true
	b.d.Spec.TLS = append(b.d.Spec.TLS, v1alpha1.TLSCertificate{PreShared: arn})
	return b
}

func (b *lb) backend(name, targetType string) *lb {
	b.d.Spec.Backends = append(b.d.Spec.Backends, v1alpha1.Backend{Name: name, TargetType: targetType,
		Service: v1alpha1.ServiceRef{Namespace: "default", Name: name, PortNumber: 80}})
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

func prefix(path, backend string) v1alpha1.PathRule {
	return v1alpha1.PathRule{Path: path, PathType: v1alpha1.PathTypePrefix, Backend: backend}
}

// mustGraph translates a load balancer or fails the test.
func mustGraph(t *testing.T, c config, d *providers.Desired) plan.Graph {
	t.Helper()
	g, err := c.graph(d, testRegion)
	if err != nil {
		t.Fatalf("translate %s: %v", d.Ref.Name, err)
	}
	return g
}

// ofKind returns the resources of a kind in a graph, in its order.
func ofKind(g plan.Graph, kind string) []plan.Resource {
	var out []plan.Resource
	for _, r := range g.Resources {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// one returns the only resource of a kind in a graph.
func one(t *testing.T, g plan.Graph, kind string) plan.Resource {
	t.Helper()
	rs := ofKind(g, kind)
	if len(rs) != 1 {
		t.Fatalf("the graph has %d %s, want 1", len(rs), kind)
	}
	return rs[0]
}

func testCertificate(t *testing.T, hosts ...string) providers.Certificate {
	t.Helper()
	c, k, err := testcert.SelfSigned(hosts...)
	if err != nil {
		t.Fatal(err)
	}
	return providers.Certificate{CertPEM: c, Key: providers.StaticKey(k), Hash: providers.CertificateHash(c, k)}
}
