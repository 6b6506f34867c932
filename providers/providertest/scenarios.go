package providertest

import (
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/providers"
)

// suite holds what every check shares: the harness and two certificates of one host.
type suite struct {
	h            Harness
	certA, certB providers.Certificate
}

func newSuite(t *testing.T, h Harness) *suite {
	return &suite{h: h, certA: certificate(t, "shop.example.com"), certB: certificate(t, "shop.example.com")}
}

// certificate returns a self-signed certificate whose key the provider loads on demand.
func certificate(t *testing.T, host string) providers.Certificate {
	t.Helper()
	certPEM, keyPEM, err := testcert.SelfSigned(host)
	if err != nil {
		t.Fatal(err)
	}
	return providers.Certificate{CertPEM: certPEM, Key: providers.StaticKey(keyPEM), Hash: providers.CertificateHash(certPEM, keyPEM)}
}

// The clusters of the suite: two share each cloud.
const (
	clusterA = "contract-a"
	clusterB = "contract-b"
)

// scenario is one state of a load balancer, built for a provider.
type scenario struct {
	name  string
	build func(s *suite, name string) *lbBuilder
}

// web is the smallest useful load balancer: HTTP, a host with two backends, a default.
func web(_ *suite, name string) *lbBuilder {
	return loadBalancer(name).http().
		backend("web", v1alpha1.TargetTypeIP).backend("cart", v1alpha1.TargetTypeInstance).
		host("shop.example.com", prefix("/cart", "cart"), prefix("/", "web")).
		defaultBackend("web")
}

// secure is web behind HTTPS with TLS 1.2 at least, with plain HTTP redirected.
func secure(s *suite, name string) *lbBuilder {
	return web(s, name).https("contract/shop-tls", s.certA, "shop.example.com").sslRedirect().minTLS("1.2")
}

// changed is secure after a day of edits: the certificate rotated, TLS 1.3 required, cart
// moved from nodes to pods (a new endpoint group), a new backend behind an Exact path, web's
// pods replaced, and no default backend.
func changed(s *suite, name string) *lbBuilder {
	return loadBalancer(name).http().https("contract/shop-tls", s.certB, "shop.example.com").sslRedirect().minTLS("1.3").
		backend("web", v1alpha1.TargetTypeIP).backend("cart", v1alpha1.TargetTypeIP).backend("api", v1alpha1.TargetTypeIP).
		targets("web", providers.Target{IP: "10.9.0.7", Port: 8080, Zone: "zone-a"}).
		host("shop.example.com", prefix("/cart", "cart"), exact("/api", "api"), prefix("/", "web"))
}

// plainAgain is changed without HTTPS: the certificate, HTTPS proxy and redirect go.
func plainAgain(s *suite, name string) *lbBuilder {
	b := changed(s, name)
	b.d.Spec.Frontends = v1alpha1.Frontends{HTTP: true}
	b.d.Spec.TLS = nil
	b.d.Certificates = map[string]providers.Certificate{}
	return b
}

var scenarios = []scenario{{"web", web}, {"secure", secure}, {"changed", changed}, {"plain again", plainAgain}}

// transition takes a load balancer from one scenario to the next; a nil to deletes it.
type transition struct {
	name     string
	from, to func(s *suite, name string) *lbBuilder
}

// updates are the transitions Ensure makes: a create, updates in place and replacements,
// and updates that delete resources.
var updates = []transition{
	{"create", nil, secure},
	{"add HTTPS", web, secure},
	{"rotate, retarget, add a backend", secure, changed},
	{"drop HTTPS", changed, plainAgain},
}

// lifecycle is create, update and delete: the transitions of the crash checks.
var lifecycle = []transition{
	{"create", nil, secure},
	{"update", secure, changed},
	{"delete", changed, nil},
}
