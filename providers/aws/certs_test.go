package aws_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

func certificate(t *testing.T, hosts ...string) providers.Certificate {
	t.Helper()
	c, k, err := testcert.SelfSigned(hosts...)
	if err != nil {
		t.Fatal(err)
	}
	return providers.Certificate{CertPEM: c, Key: providers.StaticKey(k), Hash: providers.CertificateHash(c, k)}
}

// https serves the TLS Secret shop/tls with cert on 443.
func (b *desired) https(cert providers.Certificate) *desired {
	b.d.Spec.Frontends.HTTPS = true
	b.d.Spec.TLS = []v1alpha1.TLSCertificate{{SecretRef: &v1alpha1.ObjectRef{Namespace: "shop", Name: "tls"}}}
	b.d.Certificates = map[string]providers.Certificate{"shop/tls": cert}
	return b
}

func (b *desired) minTLS(v string) *desired { b.d.Spec.Frontends.MinTLSVersion = v; return b }

func certificates(cloud *testCloud) []string {
	var out []string
	for _, r := range cloud.srv.Inventory() {
		if r.Kind == "Certificate" {
			out = append(out, r.ID)
		}
	}
	return out
}

func TestACertificateChangeImportsTheNewOneSwapsItThenDeletesTheOld(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	ensure(t, p, shop().https(certificate(t, "shop.example.com")).d)
	old := certificates(cloud)
	if len(old) != 1 {
		t.Fatalf("certificates in ACM %v, want the Secret's", old)
	}
	w := writesSince(cloud, func() { converge(t, p, shop().https(certificate(t, "shop.example.com")).d) })
	if want := []string{"ImportCertificate", "ModifyListener", "DeleteCertificate"}; !slices.Equal(w, want) {
		t.Errorf("rotating the certificate wrote %v, want %v", w, want)
	}
	if now := certificates(cloud); len(now) != 1 || now[0] == old[0] {
		t.Errorf("certificates in ACM %v, want only a new one", now)
	}
	w = writesSince(cloud, func() { converge(t, cloud.provider(testCluster), shop().https(certificate(t, "shop.example.com")).d) })
	if len(w) == 0 {
		t.Error("a third certificate wrote nothing")
	}
	steady := shop().https(certificate(t, "shop.example.com"))
	converge(t, p, steady.d)
	w = writesSince(cloud, func() { ensure(t, cloud.provider(testCluster), steady.d) })
	if len(w) != 0 {
		t.Errorf("a restart with the same certificate wrote %v: it must find the imported one by its tags", w)
	}
}

func TestMinimumTLSVersionIsAModifyListener(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	cert := certificate(t, "shop.example.com")
	ensure(t, p, shop().https(cert).d)
	w := writesSince(cloud, func() { converge(t, p, shop().https(cert).minTLS("1.3").d) })
	if !slices.Equal(w, []string{"ModifyListener"}) {
		t.Errorf("raising the minimum TLS version wrote %v, want one ModifyListener", w)
	}
}

func TestAnotherLoadBalancersImportedCertificateIsRefused(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	ensure(t, p, shop().https(certificate(t, "shop.example.com")).d)
	arn := certificates(cloud)[0]
	thief := lbNamed("thief").backend("web", "10.0.1.5").host("thief.example.com", prefix("/", "web"))
	thief.d.Spec.Frontends.HTTPS = true
	thief.d.Spec.TLS = []v1alpha1.TLSCertificate{{PreShared: arn}}
	obs, err := p.Ensure(context.Background(), thief.d)
	if !providers.IsInvalid(err) || !strings.Contains(err.Error(), "shop-web") {
		t.Errorf("naming another load balancer's imported certificate: %v; want an invalid error naming its owner", err)
	}
	for _, port := range obs.Ports {
		if port.Port == 443 && port.Error == "" {
			t.Error("the HTTPS port serves another load balancer's certificate")
		}
	}
	thief.d.Granted.Certificates = []string{arn}
	if _, err := p.Ensure(context.Background(), thief.d); err != nil {
		t.Errorf("a granted certificate: %v", err)
	}
}
