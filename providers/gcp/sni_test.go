package gcp_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/providertest"
	"github.com/portico-dev/portico/test/conformance"
)

// sniCase is an Ingress with TLS, the names each of its Secrets' certificates carries, and
// the SNI names a client sends to the load balancer built from it.
type sniCase struct {
	name    string
	ing     *networkingv1.Ingress
	secrets map[string][]string // Secret name → the certificate's names
	hosts   []string
}

// TestSNIServesTheCertificateKubernetesNames builds each case's load balancer with the gcp
// provider in gcptest, and checks, for each SNI name, that the certificate Google serves is
// the one of the Secret the Ingress's spec.tls names for that host (and verifies for it),
// or, for a host no entry lists, the one of the entry that lists no host. When there is no
// such entry Kubernetes names none, and Google serves its primary certificate: the first of
// the LoadBalancer's spec.tls, as `kubectl describe lb` lists them.
func TestSNIServesTheCertificateKubernetesNames(t *testing.T) {
	cases := append([]sniCase{hostRulesTLSCase(t)}, sniTable()...)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, want := ensureTLS(t, tc, i)
			proxy := inventoryName(t, srv, "targetHttpsProxies")
			for _, host := range tc.hosts {
				secret := kubernetesSecretFor(tc.ing, host)
				if secret == "" {
					secret = want.Spec.TLS[0].SecretRef.Name
				}
				name, ok := srv.Certificate(proxy, host)
				if !ok {
					t.Fatalf("SNI %q: the proxy serves no certificate", host)
				}
				got := servedPEM(t, srv, name)
				if got != string(want.Certificates["conformance/"+secret].CertPEM) {
					t.Errorf("SNI %q: Google serves %s, not the certificate of Secret %s", host, name, secret)
				}
				if listsHost(tc.ing, host) && !verifies(t, got, host) {
					t.Errorf("SNI %q: the certificate served does not verify for the host", host)
				}
			}
		})
	}
}

// hostRulesTLSCase is the TLS scenario of the conformance feature host_rules: its Ingress,
// its self-signed Secret, and the host each scenario's secure connection must verify.
func hostRulesTLSCase(t *testing.T) sniCase {
	f := conformance.LoadForTest(t, "host_rules.feature")
	setup, err := conformance.SetupOf(f.Background)
	if err != nil {
		t.Fatal(err)
	}
	tc := sniCase{name: "conformance host_rules.feature", ing: setup.Ingresses[0], secrets: map[string][]string{}}
	for _, s := range setup.Secrets {
		tc.secrets[s.Name] = []string{s.Host}
	}
	for _, sc := range f.Scenarios {
		if host := sc.ExpectedTLSHost(); host != "" {
			tc.hosts = append(tc.hosts, host)
		}
	}
	if len(tc.hosts) == 0 {
		t.Fatal("host_rules.feature has no TLS scenario")
	}
	return tc
}

// sniTable: two certificates, a wildcard and an exact one whose hosts overlap, and hosts
// spec.tls names for neither.
func sniTable() []sniCase {
	ing := tlsIngress("sni").rule("*.foo.com", "wild").rule("a.foo.com", "exact").rule("b.bar.com", "exact").
		tls("wild-tls", "*.foo.com").tls("exact-tls", "a.foo.com", "b.bar.com").ing
	reversed := tlsIngress("sni-reversed").rule("*.foo.com", "wild").rule("a.foo.com", "exact").
		tls("exact-tls", "a.foo.com").tls("wild-tls", "*.foo.com").ing
	// A default certificate (an entry without hosts) sorts after the others by name, yet
	// must be what a host no entry lists gets.
	withDefault := tlsIngress("sni-default").rule("*.foo.com", "wild").rule("a.foo.com", "exact").rule("other.example", "wild").
		tls("wild-tls", "*.foo.com").tls("exact-tls", "a.foo.com", "b.bar.com").tls("zz-default-tls").ing
	secrets := map[string][]string{"wild-tls": {"*.foo.com"}, "exact-tls": {"a.foo.com", "b.bar.com"}, "zz-default-tls": {"other.example"}}
	hosts := []string{"a.foo.com", "c.foo.com", "b.bar.com", "x.c.foo.com", "none.example", "other.example"}
	return []sniCase{{name: "wildcard first", ing: ing, secrets: secrets, hosts: hosts},
		{name: "exact first", ing: reversed, secrets: secrets, hosts: hosts},
		{name: "a default certificate", ing: withDefault, secrets: secrets, hosts: hosts}}
}

// kubernetesSecretFor is the Secret the Ingress's spec.tls names for host: an entry listing
// it, else one listing a wildcard that covers it by one label, else one listing no host
// (which Kubernetes applies to every host); "" when none does.
func kubernetesSecretFor(ing *networkingv1.Ingress, host string) string {
	_, parent, _ := strings.Cut(host, ".")
	matches := []func(h []string) bool{
		func(hosts []string) bool { return slices.Contains(hosts, host) },
		func(hosts []string) bool { return slices.Contains(hosts, "*."+parent) },
		func(hosts []string) bool { return len(hosts) == 0 },
	}
	for _, match := range matches {
		for _, tls := range ing.Spec.TLS {
			if match(tls.Hosts) {
				return tls.SecretName
			}
		}
	}
	return ""
}

// listsHost tells whether a spec.tls entry lists host, so its certificate must verify for it.
func listsHost(ing *networkingv1.Ingress, host string) bool {
	for _, tls := range ing.Spec.TLS {
		if len(tls.Hosts) > 0 && kubernetesSecretFor(&networkingv1.Ingress{Spec: networkingv1.IngressSpec{TLS: []networkingv1.IngressTLS{tls}}}, host) != "" {
			return true
		}
	}
	return false
}

// ensureTLS builds the case's load balancer in a new gcptest with the gcp provider.
func ensureTLS(t *testing.T, tc sniCase, i int) (*gcptest.Server, *providers.Desired) {
	t.Helper()
	cloud, srv := newContractCloud(t, nil)
	spec := providertest.IngressSpec(t, tc.ing)
	want := &providers.Desired{Ref: providers.Ref{Name: tc.ing.Name}, Spec: spec,
		Targets: map[string][]providers.Target{}, Certificates: map[string]providers.Certificate{}}
	for j, b := range spec.Backends {
		want.Targets[b.Name] = []providers.Target{{IP: "10.0.0." + string(rune('1'+j)), Port: 8080, Zone: "zone-a"}}
	}
	for name, hosts := range tc.secrets {
		c, k, err := testcert.SelfSigned(hosts...)
		if err != nil {
			t.Fatal(err)
		}
		want.Certificates["conformance/"+name] = providers.Certificate{CertPEM: c, Key: providers.StaticKey(k), Hash: providers.CertificateHash(c, k)}
	}
	p := gcp.New(gcp.Options{ClusterID: "cluster-a", Project: contractProject, Clients: cloud.(*contractCloud).clients})
	if _, err := p.Ensure(context.Background(), want); err != nil {
		t.Fatalf("case %d: %v", i, err)
	}
	return srv, want
}

func inventoryName(t *testing.T, srv *gcptest.Server, collection string) string {
	t.Helper()
	for _, path := range srv.Inventory() {
		if strings.Contains(path, "/"+collection+"/") {
			return path[strings.LastIndex(path, "/")+1:]
		}
	}
	t.Fatalf("no %s in %v", collection, srv.Inventory())
	return ""
}

func servedPEM(t *testing.T, srv *gcptest.Server, name string) string {
	t.Helper()
	m, _ := srv.Resource("projects/" + contractProject + "/global/sslCertificates/" + name)
	c, ok := m.(*computepb.SslCertificate)
	if !ok {
		t.Fatalf("no certificate %s", name)
	}
	return c.GetCertificate()
}

// verifies tells whether a TLS client checking the certificate's names accepts it for host.
func verifies(t *testing.T, certPEM, host string) bool {
	t.Helper()
	block, _ := pem.Decode([]byte(certPEM))
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert.VerifyHostname(host) == nil
}

// ingressBuilder builds an Ingress of rules with one Prefix "/" path each, and spec.tls.
type ingressBuilder struct{ ing *networkingv1.Ingress }

func tlsIngress(name string) *ingressBuilder {
	b := &ingressBuilder{ing: &networkingv1.Ingress{}}
	b.ing.Name = name
	return b
}

func (b *ingressBuilder) rule(host, service string) *ingressBuilder {
	prefix := networkingv1.PathTypePrefix
	b.ing.Spec.Rules = append(b.ing.Spec.Rules, networkingv1.IngressRule{Host: host,
		IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
			Path: "/", PathType: &prefix, Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
				Name: service, Port: networkingv1.ServiceBackendPort{Number: 80}}}}}}}})
	return b
}

func (b *ingressBuilder) tls(secret string, hosts ...string) *ingressBuilder {
	b.ing.Spec.TLS = append(b.ing.Spec.TLS, networkingv1.IngressTLS{Hosts: hosts, SecretName: secret})
	return b
}
