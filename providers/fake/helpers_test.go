package fake

import (
	"testing"

	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/providers"
)

// testCert returns a self-signed certificate and key for the hosts, PEM encoded.
func testCert(t *testing.T, hosts ...string) (certPEM, keyPEM []byte) {
	t.Helper()
	certPEM, keyPEM, err := testcert.SelfSigned(hosts...)
	if err != nil {
		t.Fatal(err)
	}
	return certPEM, keyPEM
}

// testCertificate returns a provider certificate for the hosts.
func testCertificate(t *testing.T, hosts ...string) providers.Certificate {
	c, k := testCert(t, hosts...)
	return providers.Certificate{CertPEM: c, Key: providers.StaticKey(k), Hash: providers.CertificateHash(c, k)}
}

// recorder is a CallObserver that keeps every call.
type recorder struct {
	ops  []string
	errs []error
}

func (r *recorder) ObserveCall(provider, op string, err error) {
	if provider != "fake" {
		panic("observed provider " + provider)
	}
	r.ops = append(r.ops, op)
	r.errs = append(r.errs, err)
}
