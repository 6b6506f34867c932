package fake

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/portico-dev/portico/providers"
)

// testCert returns a self-signed certificate and key for the hosts, PEM encoded.
func testCert(t *testing.T, hosts ...string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: hosts[0]},
		DNSNames:     hosts,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
}

// testCertificate returns a provider certificate for the hosts.
func testCertificate(t *testing.T, hosts ...string) providers.Certificate {
	c, k := testCert(t, hosts...)
	return providers.Certificate{CertPEM: c, KeyPEM: k, Hash: providers.CertificateHash(c, k)}
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
