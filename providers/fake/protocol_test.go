package fake

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// The fake records a backend's protocol on its backend service and probes it the same way,
// so that a plan shows what a cloud would get; a change updates both in place.
func TestBackendProtocolIsRecordedAndUpdatedInPlace(t *testing.T) {
	c := NewCloud()
	p := newProvider(c)
	want := shop()
	want.Spec.Backends[0].Protocol = v1alpha1.ProtocolGRPC
	pl, err := p.Plan(context.Background(), want)
	if err != nil {
		t.Fatal(err)
	}
	shown := false
	for _, a := range pl.Actions {
		shown = shown || a.Kind == KindBackendService && strings.HasPrefix(a.Detail, "GRPC to ")
	}
	if !shown {
		t.Errorf("the plan does not show the GRPC backend service: %+v", pl.Actions)
	}
	ensure(t, p, want)
	if bs, hc := protocolsOf(t, c, "cart"); bs != "GRPC" || hc != "HTTP2" {
		t.Errorf("backend service %q, health check %q; want GRPC probed over HTTP2", bs, hc)
	}
	if bs, hc := protocolsOf(t, c, "web"); bs != "HTTP" || hc != "HTTP" {
		t.Errorf("the backend without a protocol got %q and %q; want HTTP", bs, hc)
	}

	want.Spec.Backends[0].Protocol = v1alpha1.ProtocolHTTPS
	c.ResetCalls()
	ensure(t, p, want)
	if got := writes(c); len(got) != 2 || !strings.HasPrefix(got[0], "patch") || !strings.HasPrefix(got[1], "patch") {
		t.Errorf("changing the protocol made the writes %v; want the health check and backend service patched", got)
	}
	if bs, hc := protocolsOf(t, c, "cart"); bs != "HTTPS" || hc != "HTTPS" {
		t.Errorf("after the change: backend service %q, health check %q; want HTTPS", bs, hc)
	}
}

// protocolsOf returns the protocol of the backend service and the type of the health check
// of one backend.
func protocolsOf(t *testing.T, c *Cloud, backend string) (string, string) {
	t.Helper()
	var bs, hc string
	for _, r := range c.Inventory() {
		if !strings.Contains(r.Name, backend) {
			continue
		}
		switch s := r.Spec.(type) {
		case BackendServiceSpec:
			bs = s.Protocol
		case HealthCheckSpec:
			hc = s.Type
		}
	}
	return bs, hc
}

// The fake keeps the minimum TLS version on the HTTPS proxy, so a plan shows it, and a
// change updates the proxy in place.
func TestMinTLSVersionIsShownAndUpdatedInPlace(t *testing.T) {
	c := NewCloud()
	p := newProvider(c)
	want := withTLS(shop(), testCertificate(t, "shop.example.com"))
	want.Spec.Frontends.MinTLSVersion = "1.2"
	pl, err := p.Plan(context.Background(), want)
	if err != nil {
		t.Fatal(err)
	}
	shown := false
	for _, a := range pl.Actions {
		shown = shown || a.Kind == KindTargetHTTPSProxy && strings.Contains(a.Detail, "TLS 1.2 at least")
	}
	if !shown {
		t.Errorf("the plan does not show TLS 1.2 on the HTTPS proxy: %+v", pl.Actions)
	}
	ensure(t, p, want)
	want.Spec.Frontends.MinTLSVersion = "1.3"
	c.ResetCalls()
	ensure(t, p, want)
	if got := writes(c); len(got) != 1 || got[0] != "patch "+KindTargetHTTPSProxy {
		t.Errorf("1.2 to 1.3 made the writes %v; want the HTTPS proxy patched", got)
	}
}
