package fake

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"time"

	"github.com/portico-dev/portico/providers"
)

// ReasonCertificateInvalid is the reason of a certificate the Cloud refuses.
const ReasonCertificateInvalid = "CertificateInvalid"

// SslCertificateSpec is a certificate chain and its key. Certificates are immutable: a new
// certificate is a new resource.
type SslCertificateSpec struct {
	// Certificate is the PEM chain, leaf first.
	Certificate string `json:"certificate"`
	// PrivateKey is input only: the Cloud checks it against the chain and never stores it.
	PrivateKey string `json:"-" diff:"-"`
	// SHA256 is output only: providers.CertificateHash of the chain and the key.
	SHA256 string `json:"sha256,omitempty" diff:"-"`
	// SubjectAlternativeNames and ExpireTime are output only, read from the leaf.
	SubjectAlternativeNames []string  `json:"subjectAlternativeNames,omitempty" diff:"-"`
	ExpireTime              time.Time `json:"expireTime,omitzero" diff:"-"`
}

// Kind implements Spec.
func (SslCertificateSpec) Kind() string { return KindSslCertificate }

// References implements Spec.
func (SslCertificateSpec) References() []Key { return nil }

// Summary implements Spec.
func (s SslCertificateSpec) Summary() string {
	if s.SHA256 == "" {
		return "certificate"
	}
	return "certificate sha256 " + s.SHA256[:min(12, len(s.SHA256))]
}
func (s SslCertificateSpec) clone() Spec {
	s.SubjectAlternativeNames = cloneSlice(s.SubjectAlternativeNames)
	return s
}

// certificateStored checks a certificate as the Cloud does at insert and returns what it
// keeps: the chain and what it read from it, never the key. Messages name the fault, not the
// content, so that no key material can reach a log or a status.
func certificateStored(s SslCertificateSpec) (SslCertificateSpec, error) {
	invalid := func(msg string) error {
		return apiError(CodeInvalid, ReasonCertificateInvalid, "%s", msg)
	}
	block, _ := pem.Decode([]byte(s.Certificate))
	if block == nil || block.Type != "CERTIFICATE" {
		return s, invalid("the certificate chain holds no PEM CERTIFICATE block")
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return s, invalid("the first certificate of the chain is not valid X.509")
	}
	if key, _ := pem.Decode([]byte(s.PrivateKey)); key == nil {
		return s, invalid("the private key holds no PEM block")
	}
	if _, err := tls.X509KeyPair([]byte(s.Certificate), []byte(s.PrivateKey)); err != nil {
		// The tls error is left out on purpose: some of its messages quote parser state.
		return s, invalid("the private key does not parse or does not match the certificate")
	}
	out := SslCertificateSpec{
		Certificate:             s.Certificate,
		SHA256:                  providers.CertificateHash([]byte(s.Certificate), []byte(s.PrivateKey)),
		SubjectAlternativeNames: cloneSlice(leaf.DNSNames),
		ExpireTime:              leaf.NotAfter.UTC(),
	}
	return out, nil
}

// String never prints the key.
func (s SslCertificateSpec) String() string {
	return fmt.Sprintf("SslCertificate{sha256: %s, names: %v}", s.SHA256, s.SubjectAlternativeNames)
}
