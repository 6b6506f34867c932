package gcptest

import (
	"crypto/x509"
	"encoding/pem"
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
)

// Certificate answers which certificate the target HTTPS proxy named proxyName serves to
// a TLS client that sends host as its SNI name, as Google documents it: a certificate whose
// common name or subject alternative names match the host, an exact name before a wildcard
// one (which covers one label); with none, or no SNI name, the primary certificate, the
// first of the proxy's list. ok is false when the proxy does not exist or has no certificate.
func (s *Server) Certificate(proxyName, host string) (certName string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(s.opts.Project)
	m, found := p.lookup(targetHTTPSProxies, "", proxyName)
	if !found {
		return "", false
	}
	var certs []*computepb.SslCertificate
	for _, link := range m.(*computepb.TargetHttpsProxy).GetSslCertificates() {
		r, _ := parseRef(link, p.name)
		c, found := s.project(r.project).lookup(sslCertificates, "", r.name)
		if !found {
			return "", false // a proxy cannot hold a certificate that does not exist
		}
		certs = append(certs, c.(*computepb.SslCertificate))
	}
	i := SelectCertificate(certs, host)
	if i < 0 {
		return "", false
	}
	return certs[i].GetName(), true
}

// SelectCertificate returns the index of the certificate Google serves for the SNI name
// host among a proxy's certificates (Certificate's rule), or -1 when there is none.
func SelectCertificate(certs []*computepb.SslCertificate, host string) int {
	if len(certs) == 0 {
		return -1
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" {
		return 0
	}
	for _, exact := range []bool{true, false} {
		for i, c := range certs {
			for _, name := range certificateNames(c) {
				if nameMatches(name, host, exact) {
					return i
				}
			}
		}
	}
	return 0
}

// nameMatches compares a certificate's name with a host: exactly, or as a wildcard
// ("*.foo.com") that stands for exactly one label, as in RFC 6125.
func nameMatches(name, host string, exact bool) bool {
	name = strings.ToLower(name)
	if exact {
		return name == host
	}
	suffix, ok := strings.CutPrefix(name, "*.")
	if !ok {
		return false
	}
	label, rest, found := strings.Cut(host, ".")
	return found && label != "" && rest == suffix
}

// certificateNames are the names a certificate is served for: a managed one's domains, an
// uploaded one's subject alternative names and common name, read from its PEM.
func certificateNames(c *computepb.SslCertificate) []string {
	if c.GetType() == "MANAGED" {
		return c.GetManaged().GetDomains()
	}
	block, _ := pem.Decode([]byte(c.GetCertificate()))
	if block == nil {
		return nil
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil
	}
	names := append([]string(nil), cert.DNSNames...)
	if cert.Subject.CommonName != "" {
		names = append(names, cert.Subject.CommonName)
	}
	return names
}
