package gcptest

import (
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// The certificate a proxy serves for an SNI name is the one whose names match it, an exact
// name before a wildcard one, and otherwise the first of the proxy's list.
func TestProxyServesTheCertificateSNISelects(t *testing.T) {
	e := newEnv(t, Options{})
	for name, hosts := range map[string][]string{"wild": {"*.foo.com"}, "exact": {"a.foo.com", "b.bar.com"}} {
		cert, key := selfSigned(t, hosts...)
		e.done(e.c.SSLCertificates.Insert(e.ctx, &computepb.InsertSslCertificateRequest{Project: proj,
			SslCertificateResource: &computepb.SslCertificate{Name: proto.String(name), Certificate: &cert, PrivateKey: &key}}))
	}
	e.done(e.c.BackendServices.Insert(e.ctx, &computepb.InsertBackendServiceRequest{Project: proj, BackendServiceResource: backendService("web", "")}))
	e.done(e.c.URLMaps.Insert(e.ctx, &computepb.InsertUrlMapRequest{Project: proj, UrlMapResource: urlMap("um", "web").m}))
	e.done(e.c.TargetHTTPSProxies.Insert(e.ctx, &computepb.InsertTargetHttpsProxyRequest{Project: proj,
		TargetHttpsProxyResource: &computepb.TargetHttpsProxy{Name: proto.String("px"), UrlMap: proto.String(global("urlMaps", "um")),
			SslCertificates: []string{global("sslCertificates", "wild"), global("sslCertificates", "exact")}}}))
	for _, tc := range []struct{ host, want string }{
		{"a.foo.com", "exact"},    // exact before the wildcard that also matches
		{"A.Foo.Com.", "exact"},   // names compare without case or the root's dot
		{"b.bar.com", "exact"},    // a second subject alternative name
		{"c.foo.com", "wild"},     // the wildcard covers one label
		{"x.c.foo.com", "wild"},   // not two: no match, so the primary certificate
		{"foo.com", "wild"},       // nor none: the primary certificate
		{"other.example", "wild"}, // no match: the primary certificate
		{"", "wild"},              // no SNI name: the primary certificate
	} {
		if got, ok := e.srv.Certificate("px", tc.host); !ok || got != tc.want {
			t.Errorf("SNI %q: the proxy serves %q (%v), want %q", tc.host, got, ok, tc.want)
		}
	}
	if _, ok := e.srv.Certificate("nope", "a.foo.com"); ok {
		t.Error("a proxy that does not exist serves a certificate")
	}
}

// With the exact certificate first, a host only the wildcard covers still gets the wildcard.
func TestSelectCertificatePrefersAMatchOverThePrimary(t *testing.T) {
	exact, key := selfSigned(t, "a.foo.com")
	wild, _ := selfSigned(t, "*.foo.com")
	certs := []*computepb.SslCertificate{{Certificate: &exact, PrivateKey: &key}, {Certificate: &wild},
		{Type: proto.String("MANAGED"), Managed: &computepb.SslCertificateManagedSslCertificate{Domains: []string{"m.example"}}}}
	for host, want := range map[string]int{"a.foo.com": 0, "z.foo.com": 1, "m.example": 2, "nothing.example": 0} {
		if got := SelectCertificate(certs, host); got != want {
			t.Errorf("SNI %q selects certificate %d, want %d", host, got, want)
		}
	}
	if got := SelectCertificate(nil, "a.foo.com"); got != -1 {
		t.Errorf("no certificate selects %d", got)
	}
}
