package gcptest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"
	"time"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/api/googleapi"
	"google.golang.org/protobuf/proto"
)

const (
	proj = "p"
	zone = "us-central1-a"
)

// env is a server and the SDK clients pointed at it.
type env struct {
	t   *testing.T
	ctx context.Context
	srv *Server
	c   *Clients
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	if opts.Project == "" {
		opts.Project = proj
	}
	srv := New(opts)
	t.Cleanup(srv.Close)
	c, err := srv.Clients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &env{t: t, ctx: context.Background(), srv: srv, c: c}
}

// done waits for an operation the SDK returned and fails the test on any error.
func (e *env) done(op *compute.Operation, err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := op.Wait(e.ctx); err != nil {
		e.t.Fatal(err)
	}
}

// apiCode returns the HTTP status and reason of a Google API error.
func apiCode(err error) (int, string) {
	var g *googleapi.Error
	if !errors.As(err, &g) {
		return 0, ""
	}
	reason := ""
	if len(g.Errors) > 0 {
		reason = g.Errors[0].Reason
	}
	return g.Code, reason
}

func wantAPIError(t *testing.T, err error, code int, reason string) {
	t.Helper()
	got, gotReason := apiCode(err)
	if got != code || (reason != "" && gotReason != reason) {
		t.Fatalf("error = %v (%d %q), want %d %q", err, got, gotReason, code, reason)
	}
}

func global(collection, name string) string { return "global/" + collection + "/" + name }

func link(collection, name string) string {
	return googleBase + "projects/" + proj + "/" + global(collection, name)
}

func negLink(name string) string {
	return googleBase + "projects/" + proj + "/zones/" + zone + "/networkEndpointGroups/" + name
}

// Typed builders for the resources of one load balancer.

func healthCheck(name, path string) *computepb.HealthCheck {
	return &computepb.HealthCheck{Name: proto.String(name), Type: proto.String("HTTP"),
		HttpHealthCheck: &computepb.HTTPHealthCheck{RequestPath: proto.String(path), Port: proto.Int32(8080)}}
}

func neg(name string) *computepb.NetworkEndpointGroup {
	return &computepb.NetworkEndpointGroup{Name: proto.String(name), NetworkEndpointType: proto.String("GCE_VM_IP_PORT"),
		Network: proto.String("global/networks/default"), DefaultPort: proto.Int32(8080)}
}

func backendService(name, hc string, negs ...string) *computepb.BackendService {
	b := &computepb.BackendService{Name: proto.String(name), LoadBalancingScheme: proto.String(externalManaged),
		Protocol: proto.String("HTTP")}
	if hc != "" {
		b.HealthChecks = []string{global("healthChecks", hc)}
	}
	for _, n := range negs {
		b.Backends = append(b.Backends, &computepb.Backend{Group: proto.String("zones/" + zone + "/networkEndpointGroups/" + n),
			BalancingMode: proto.String("RATE"), MaxRatePerEndpoint: proto.Float32(100)})
	}
	return b
}

// urlMapBuilder builds a URL map: urlMap("um", "def").host("pm", "a.com").path("pm", "/x/*", "svc").
type urlMapBuilder struct{ m *computepb.UrlMap }

func urlMap(name, defaultService string) *urlMapBuilder {
	return &urlMapBuilder{m: &computepb.UrlMap{Name: proto.String(name), DefaultService: proto.String(global("backendServices", defaultService))}}
}

func (b *urlMapBuilder) matcher(name, defaultService string) *computepb.PathMatcher {
	for _, pm := range b.m.PathMatchers {
		if pm.GetName() == name {
			return pm
		}
	}
	pm := &computepb.PathMatcher{Name: proto.String(name), DefaultService: proto.String(global("backendServices", defaultService))}
	b.m.PathMatchers = append(b.m.PathMatchers, pm)
	return pm
}

// host sends hosts to a matcher whose default service is defaultService.
func (b *urlMapBuilder) host(matcher, defaultService string, hosts ...string) *urlMapBuilder {
	b.matcher(matcher, defaultService)
	b.m.HostRules = append(b.m.HostRules, &computepb.HostRule{Hosts: hosts, PathMatcher: proto.String(matcher)})
	return b
}

func (b *urlMapBuilder) path(matcher, service string, paths ...string) *urlMapBuilder {
	pm := b.matcher(matcher, service)
	pm.PathRules = append(pm.PathRules, &computepb.PathRule{Paths: paths, Service: proto.String(global("backendServices", service))})
	return b
}

func (b *urlMapBuilder) route(matcher, service string, priority int32, matches ...*computepb.HttpRouteRuleMatch) *urlMapBuilder {
	pm := b.matcher(matcher, service)
	pm.RouteRules = append(pm.RouteRules, &computepb.HttpRouteRule{Priority: proto.Int32(priority),
		MatchRules: matches, Service: proto.String(global("backendServices", service))})
	return b
}

func (b *urlMapBuilder) build() *computepb.UrlMap { return b.m }

func prefix(p string) *computepb.HttpRouteRuleMatch {
	return &computepb.HttpRouteRuleMatch{PrefixMatch: proto.String(p)}
}

func fullPath(p string) *computepb.HttpRouteRuleMatch {
	return &computepb.HttpRouteRuleMatch{FullPathMatch: proto.String(p)}
}

func regex(p string) *computepb.HttpRouteRuleMatch {
	return &computepb.HttpRouteRuleMatch{RegexMatch: proto.String(p)}
}

// withHost adds a host header condition (exact, or a regex when regex is true).
func withHost(m *computepb.HttpRouteRuleMatch, host string, isRegex bool) *computepb.HttpRouteRuleMatch {
	hm := &computepb.HttpHeaderMatch{HeaderName: proto.String("host")}
	if isRegex {
		hm.RegexMatch = proto.String(host)
	} else {
		hm.ExactMatch = proto.String(host)
	}
	m.HeaderMatches = append(m.HeaderMatches, hm)
	return m
}

func forwardingRule(name, target, port, ip string) *computepb.ForwardingRule {
	f := &computepb.ForwardingRule{Name: proto.String(name), LoadBalancingScheme: proto.String(externalManaged),
		Target: proto.String(target), PortRange: proto.String(port), IPProtocol: proto.String("TCP")}
	if ip != "" {
		f.IPAddress = proto.String(ip)
	}
	return f
}

// selfSigned returns a PEM certificate for hosts and its PEM key.
func selfSigned(t *testing.T, hosts ...string) (certPEM, keyPEM string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: hosts[0]},
		DNSNames: hosts, NotBefore: time.Now(), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
}
