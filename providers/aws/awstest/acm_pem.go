package awstest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"slices"

	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
)

// parsedCert is what ACM reads from an imported certificate.
type parsedCert struct {
	cert *x509.Certificate
	algo acmtypes.KeyAlgorithm
}

// parseImport checks an import as ACM does: exactly one PEM certificate, a
// private key that matches it, a chain of PEM certificates if any.
func parseImport(certPEM, keyPEM, chainPEM []byte) (*parsedCert, error) {
	block, rest := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, apiErr("ValidationException", "The certificate field must contain a PEM-encoded certificate")
	}
	if next, _ := pem.Decode(rest); next != nil {
		return nil, apiErr("ValidationException", "The certificate field contains more than one certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, apiErr("ValidationException", "Could not parse the certificate: %v", err)
	}
	key, err := parseKey(keyPEM)
	if err != nil {
		return nil, err
	}
	if pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(cert.PublicKey) {
		return nil, apiErr("ValidationException", "The private key does not match the public key in the certificate")
	}
	for rest := chainPEM; len(rest) > 0; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil || b.Type != "CERTIFICATE" {
			return nil, apiErr("ValidationException", "The certificate chain is not valid PEM certificates")
		}
	}
	algo, err := keyAlgorithm(cert.PublicKey)
	if err != nil {
		return nil, err
	}
	return &parsedCert{cert: cert, algo: algo}, nil
}

func parseKey(keyPEM []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, apiErr("ValidationException", "The private key field must contain a PEM-encoded private key")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, apiErr("ValidationException", "Could not parse the private key")
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, apiErr("ValidationException", "Unsupported private key type %T", k)
	}
	return signer, nil
}

func keyAlgorithm(pub crypto.PublicKey) (acmtypes.KeyAlgorithm, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		algo := acmtypes.KeyAlgorithm(fmt.Sprintf("RSA_%d", k.N.BitLen()))
		if slices.Contains(algo.Values(), algo) {
			return algo, nil
		}
	case *ecdsa.PublicKey:
		switch k.Curve.Params().Name {
		case "P-256":
			return acmtypes.KeyAlgorithmEcPrime256v1, nil
		case "P-384":
			return acmtypes.KeyAlgorithmEcSecp384r1, nil
		case "P-521":
			return acmtypes.KeyAlgorithmEcSecp521r1, nil
		}
	}
	return "", apiErr("ValidationException", "The certificate's key algorithm is not supported by ACM")
}

// names are a certificate's domain name (its subject's common name, else
// its first DNS name) and its subject alternative names.
func (p *parsedCert) names() (string, []string) {
	sans := slices.Clone(p.cert.DNSNames)
	domain := p.cert.Subject.CommonName
	if domain == "" && len(sans) > 0 {
		domain = sans[0]
	}
	if domain != "" && !slices.Contains(sans, domain) {
		sans = append([]string{domain}, sans...)
	}
	return domain, sans
}
