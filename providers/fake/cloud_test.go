package fake

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// seed builds a minimal chain: health check <- NEG-backed backend service <- URL map.
func seed(t *testing.T, c *Cloud) {
	t.Helper()
	ctx := context.Background()
	steps := []struct {
		name string
		spec Spec
	}{
		{"hc", HealthCheckSpec{Type: "HTTP", RequestPath: "/", CheckIntervalSec: 5, TimeoutSec: 5, HealthyThreshold: 2, UnhealthyThreshold: 2}},
		{"neg", NetworkEndpointGroupSpec{NetworkEndpointType: "GCE_VM_IP_PORT", Zone: DefaultZone}},
		{"bs", BackendServiceSpec{Protocol: "HTTP", TimeoutSec: 30, HealthCheck: "hc", GroupKind: KindNetworkEndpointGroup, Groups: []string{"neg"}}},
		{"um", URLMapSpec{DefaultService: "bs"}},
	}
	for _, s := range steps {
		if _, err := c.Insert(ctx, s.name, "", s.spec); err != nil {
			t.Fatalf("insert %s: %v", s.name, err)
		}
	}
}

func TestCloudEnforcesRules(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name     string
		call     func(c *Cloud) error
		wantCode string
		wantText string
	}{
		{"duplicate name", func(c *Cloud) error {
			_, err := c.Insert(ctx, "um", "", URLMapSpec{})
			return err
		}, CodeAlreadyExists, "URLMap/um already exists"},
		{"insert with a missing reference", func(c *Cloud) error {
			_, err := c.Insert(ctx, "hp", "", TargetHTTPProxySpec{URLMap: "nope"})
			return err
		}, CodeNotFound, "URLMap/nope referred to by TargetHTTPProxy/hp"},
		{"patch to a missing reference", func(c *Cloud) error {
			_, _, err := c.Patch(ctx, "um", URLMapSpec{DefaultService: "gone"})
			return err
		}, CodeNotFound, "BackendService/gone"},
		{"patch a missing resource", func(c *Cloud) error {
			_, _, err := c.Patch(ctx, "other", URLMapSpec{})
			return err
		}, CodeNotFound, "URLMap/other was not found"},
		{"get a missing resource", func(c *Cloud) error {
			_, err := c.Get(ctx, KindURLMap, "other")
			return err
		}, CodeNotFound, "not found"},
		{"delete a missing resource", func(c *Cloud) error { return c.Delete(ctx, KindURLMap, "other") }, CodeNotFound, "not found"},
		{"delete in use names the referrer", func(c *Cloud) error { return c.Delete(ctx, KindHealthCheck, "hc") }, CodeInUse, "in use by BackendService/bs"},
		{"invalid name", func(c *Cloud) error {
			_, err := c.Insert(ctx, "Bad_Name", "", AddressSpec{})
			return err
		}, CodeInvalid, "invalid name"},
		{"health check timeout above interval", func(c *Cloud) error {
			_, err := c.Insert(ctx, "hc2", "", HealthCheckSpec{Type: "HTTP", RequestPath: "/", CheckIntervalSec: 2, TimeoutSec: 5})
			return err
		}, CodeInvalid, "must not exceed"},
		{"URL map path twice in a matcher", func(c *Cloud) error {
			_, err := c.Insert(ctx, "um2", "", URLMapSpec{PathMatchers: []PathMatcher{{Name: "m", PathRules: []PathRule{{Paths: []string{"/a"}, Service: "bs"}, {Paths: []string{"/a"}, Service: "bs"}}}}})
			return err
		}, CodeInvalid, "appears twice"},
		{"URL map wildcard inside a path", func(c *Cloud) error {
			_, err := c.Insert(ctx, "um2", "", URLMapSpec{PathMatchers: []PathMatcher{{Name: "m", PathRules: []PathRule{{Paths: []string{"/a*"}, Service: "bs"}}}}})
			return err
		}, CodeInvalid, "invalid path"},
		{"HTTPS proxy without certificate", func(c *Cloud) error {
			_, err := c.Insert(ctx, "sp", "", TargetHTTPSProxySpec{URLMap: "um"})
			return err
		}, CodeInvalid, "needs 1 to 15 certificates"},
		{"certificate patch", func(c *Cloud) error {
			_, _, err := c.Patch(ctx, "x", SslCertificateSpec{})
			return err
		}, CodeNotFound, "not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCloud()
			seed(t, c)
			before := c.Inventory()
			err := tc.call(c)
			if CodeOf(err) != tc.wantCode || !strings.Contains(err.Error(), tc.wantText) {
				t.Fatalf("got %v (code %q), want code %s and %q", err, CodeOf(err), tc.wantCode, tc.wantText)
			}
			if after := c.Inventory(); len(after) != len(before) {
				t.Errorf("a refused call changed the inventory: %d -> %d resources", len(before), len(after))
			}
		})
	}
}

func TestCloudDeletesOnceUnreferenced(t *testing.T) {
	ctx := context.Background()
	c := NewCloud()
	seed(t, c)
	// Repointing the backend service releases the old group.
	if _, err := c.Insert(ctx, "ig", "", InstanceGroupSpec{}); err != nil {
		t.Fatal(err)
	}
	_, fields, err := c.Patch(ctx, "bs", BackendServiceSpec{Protocol: "HTTP", TimeoutSec: 30, HealthCheck: "hc", GroupKind: KindInstanceGroup, Groups: []string{"ig"}})
	if err != nil || strings.Join(fields, ",") != "groupKind,groups" {
		t.Fatalf("patch: fields %v, err %v", fields, err)
	}
	for _, k := range []Key{{KindNetworkEndpointGroup, "neg"}, {KindURLMap, "um"}, {KindBackendService, "bs"}, {KindHealthCheck, "hc"}, {KindInstanceGroup, "ig"}} {
		if err := c.Delete(ctx, k.Kind, k.Name); err != nil {
			t.Fatalf("delete %s: %v", k, err)
		}
	}
	if inv := c.Inventory(); len(inv) != 0 {
		t.Errorf("left %v", inv)
	}
}

func TestCloudCertificates(t *testing.T) {
	ctx := context.Background()
	certPEM, keyPEM := testCert(t, "shop.example.com")
	_, otherKey := testCert(t, "other.example.com")
	c := NewCloud()
	r, err := c.Insert(ctx, "cert", "", SslCertificateSpec{Certificate: string(certPEM), PrivateKey: string(keyPEM)})
	if err != nil {
		t.Fatal(err)
	}
	got := r.Spec.(SslCertificateSpec)
	if got.PrivateKey != "" || got.SHA256 == "" || got.SubjectAlternativeNames[0] != "shop.example.com" {
		t.Errorf("stored %+v", got)
	}
	for name, spec := range map[string]SslCertificateSpec{
		"garbage":      {Certificate: "not a pem", PrivateKey: string(keyPEM)},
		"no key":       {Certificate: string(certPEM)},
		"key mismatch": {Certificate: string(certPEM), PrivateKey: string(otherKey)},
		"key as cert":  {Certificate: string(keyPEM), PrivateKey: string(keyPEM)},
	} {
		_, err := c.Insert(ctx, "bad", "", spec)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != CodeInvalid || apiErr.Reason != ReasonCertificateInvalid {
			t.Errorf("%s: got %v", name, err)
			continue
		}
		assertNoKeyMaterial(t, err.Error(), keyPEM, otherKey)
	}
	if _, _, err := c.Patch(ctx, "cert", SslCertificateSpec{Certificate: string(certPEM)}); CodeOf(err) != CodeInvalid {
		t.Errorf("a certificate patch gave %v, want invalid", err)
	}
}

// assertNoKeyMaterial fails when msg holds any line of a PEM key's body.
func assertNoKeyMaterial(t *testing.T, msg string, keys ...[]byte) {
	t.Helper()
	for _, k := range keys {
		for _, line := range strings.Split(string(k), "\n") {
			if len(line) > 8 && !strings.HasPrefix(line, "-----") && strings.Contains(msg, line[:8]) {
				t.Fatalf("message %q holds key material", msg)
			}
		}
	}
}

func TestCloudFaultsLatencyAndHook(t *testing.T) {
	ctx := context.Background()
	c := NewCloud()
	boom := errors.New("boom")
	c.InjectError(OpInsert, KindURLMap, boom, 2)
	for i := range 2 {
		if _, err := c.Insert(ctx, "um", "", URLMapSpec{}); !errors.Is(err, boom) {
			t.Fatalf("call %d: got %v, want the injected error", i, err)
		}
	}
	if _, ok := c.Lookup(KindURLMap, "um"); ok {
		t.Fatal("a failed insert took effect")
	}
	var hooked []Call
	c.OnCall(func(call Call) { hooked = append(hooked, call) })
	if _, err := c.Insert(ctx, "um", "", URLMapSpec{}); err != nil {
		t.Fatalf("the fault outlived its count: %v", err)
	}
	c.InjectError("", "", boom, -1)
	for range 3 {
		if _, err := c.List(ctx, KindAddress); !errors.Is(err, boom) {
			t.Fatalf("an until-cleared fault stopped: %v", err)
		}
	}
	c.ClearFaults()
	if _, err := c.List(ctx, KindAddress); err != nil {
		t.Fatal(err)
	}

	c.InjectLatency(OpGet, "", time.Hour)
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := c.Get(short, KindURLMap, "um"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("latency did not respect the context: %v", err)
	}
	c.InjectLatency(OpGet, "", 0)
	if _, err := c.Get(ctx, KindURLMap, "um"); err != nil {
		t.Fatal(err)
	}

	calls := c.Calls()
	var ops []string
	for _, call := range calls {
		ops = append(ops, call.Op)
	}
	want := "insert insert insert list list list list get get"
	if strings.Join(ops, " ") != want {
		t.Errorf("call log %v, want %s", ops, want)
	}
	if len(hooked) != 1 || hooked[0].Op != OpInsert || hooked[0].Err != nil {
		t.Errorf("the hook saw %+v, want only the successful insert", hooked)
	}
	c.ResetCalls()
	if len(c.Calls()) != 0 {
		t.Error("ResetCalls kept calls")
	}
}

func TestCloudIDsAndAddressesAreDeterministic(t *testing.T) {
	a, b := NewCloud(), NewCloud()
	ra, err := a.ReserveAddress("static-ip")
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := b.ReserveAddress("static-ip")
	ip := ra.Spec.(AddressSpec).IP
	if ra.ID != rb.ID || ip != rb.Spec.(AddressSpec).IP || !strings.HasPrefix(ip, "192.0.2.") {
		t.Errorf("two clouds disagree: %+v %+v", ra, rb)
	}
	if ip == "192.0.2.0" || ip == "192.0.2.255" {
		t.Errorf("address %s is the network or broadcast address", ip)
	}
	if ResourceID("", KindURLMap, "x") == ResourceID("", KindBackendService, "x") {
		t.Error("two kinds share an id for one name")
	}
	if ResourceID("europe", KindURLMap, "x") == ResourceID("asia", KindURLMap, "x") {
		t.Error("two locations share an id for one name")
	}
	if ResourceID("", KindURLMap, "x") != ResourceID(GlobalLocation, KindURLMap, "x") {
		t.Error("the empty location is not the global one")
	}
	if _, err := a.ReserveAddress("static-ip"); CodeOf(err) != CodeAlreadyExists {
		t.Errorf("reserving twice gave %v", err)
	}
}
