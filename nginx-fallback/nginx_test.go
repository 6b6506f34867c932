package nginxfallback

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/portico-dev/portico/providers"
)

// nginxBinary returns the nginx to test with. Without one the test is skipped, except in CI
// (the CI variable is set), where .ci/run installs nginx and a missing one is a failure.
func nginxBinary(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("nginx")
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("nginx is not installed, and CI is set: .ci/run must install it (%v)", err)
	}
	t.Skipf("nginx is not installed (apt-get install -y nginx); skipping the test that needs a real nginx")
	return ""
}

// selfSigned makes a certificate and key for hosts, valid for an hour.
func selfSigned(t *testing.T, hosts ...string) providers.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: hosts[0]},
		DNSNames:     hosts,
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	return certificate(certPEM, keyPEM)
}

// certificate wraps PEM contents as the controller would, hash included.
func certificate(certPEM, keyPEM []byte) providers.Certificate {
	sum := sha256.Sum256(append(append([]byte{}, certPEM...), keyPEM...))
	return providers.Certificate{CertPEM: certPEM, Key: providers.StaticKey(keyPEM), Hash: hex.EncodeToString(sum[:])}
}
