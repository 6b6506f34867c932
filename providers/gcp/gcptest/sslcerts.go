package gcptest

import (
	"crypto/x509"
	"encoding/pem"
	"time"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// sslCertificates are global certificates, self-managed (PEM certificate and
// key uploaded) or Google-managed (domains). They cannot be changed, and the
// private key is never returned.
var sslCertificates = register(&kind{
	collection: "sslCertificates", iamName: "sslCertificates", kindName: "compute#sslCertificate",
	newItem:  func() proto.Message { return &computepb.SslCertificate{} },
	newList:  func() proto.Message { return &computepb.SslCertificateList{} },
	validate: func(_ *project, m proto.Message) error { return validateCertificate(m.(*computepb.SslCertificate)) },
	prepare:  func(_ *Server, _ *project, m proto.Message) { m.(*computepb.SslCertificate).PrivateKey = nil },
})

func init() { addCRUD(sslCertificates) }

func validateCertificate(c *computepb.SslCertificate) error {
	switch c.GetType() {
	case "", "SELF_MANAGED":
		c.Type = proto.String("SELF_MANAGED")
		return parseCertificate(c)
	case "MANAGED":
		if len(c.GetManaged().GetDomains()) == 0 {
			return errRequired("resource.managed.domains")
		}
		c.Managed.Status = proto.String("PROVISIONING")
		return nil
	}
	return errInvalid("Invalid value for field 'resource.type': '%s'", c.GetType())
}

// parseCertificate checks the PEM and fills what Google derives from it:
// the subject alternative names and the expiry.
func parseCertificate(c *computepb.SslCertificate) error {
	if c.GetCertificate() == "" {
		return errRequired("resource.certificate")
	}
	if c.GetPrivateKey() == "" {
		return errRequired("resource.privateKey")
	}
	block, _ := pem.Decode([]byte(c.GetCertificate()))
	if block == nil || block.Type != "CERTIFICATE" {
		return errInvalid("The SSL certificate could not be parsed.")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return errInvalid("The SSL certificate could not be parsed.")
	}
	if key, _ := pem.Decode([]byte(c.GetPrivateKey())); key == nil {
		return errInvalid("The SSL key could not be parsed.")
	}
	c.SubjectAlternativeNames = cert.DNSNames
	c.ExpireTime = proto.String(cert.NotAfter.UTC().Format(time.RFC3339))
	return nil
}
