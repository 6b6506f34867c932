package fake

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/providers"
)

// TestEndpointGroupsAreZonalAndBatched: an ip backend gets one endpoint group per zone of its
// targets, in that zone; endpoints change by one attach and one detach call per group,
// whatever their number; a zone left empty loses its group after the backend lets go of it.
func TestEndpointGroupsAreZonalAndBatched(t *testing.T) {
	c := NewCloud()
	p := newProvider(c)
	want := shop()
	want.Targets["cart"] = []providers.Target{
		{IP: "10.0.1.1", Port: 8080, Zone: "zone-b"}, {IP: "10.0.1.2", Port: 8080, Zone: "zone-c"}, {IP: "10.0.1.3", Port: 8080},
	}
	ensure(t, p, want)
	zones := map[string][]string{}
	for _, r := range c.Inventory() {
		if neg, ok := r.Spec.(NetworkEndpointGroupSpec); ok {
			for _, e := range neg.Endpoints {
				zones[neg.Zone] = append(zones[neg.Zone], e.IP)
			}
		}
	}
	if len(zones) != 3 || !slices.Equal(zones["zone-b"], []string{"10.0.1.1"}) || !slices.Equal(zones["zone-c"], []string{"10.0.1.2"}) ||
		!slices.Equal(zones[DefaultZone], []string{"10.0.1.3"}) {
		t.Fatalf("endpoints by zone %v", zones)
	}

	// Three endpoints join zone-b, one leaves it: one attach and one detach call.
	want.Targets["cart"] = []providers.Target{
		{IP: "10.0.1.4", Port: 8080, Zone: "zone-b"}, {IP: "10.0.1.5", Port: 8080, Zone: "zone-b"}, {IP: "10.0.1.6", Port: 8080, Zone: "zone-b"},
		{IP: "10.0.1.2", Port: 8080, Zone: "zone-c"}, {IP: "10.0.1.3", Port: 8080},
	}
	c.ResetCalls()
	ensure(t, p, want)
	if got := writes(c); !slices.Equal(got, []string{"attachNetworkEndpoints NetworkEndpointGroup", "detachNetworkEndpoints NetworkEndpointGroup"}) {
		t.Errorf("writes %v, want one attach and one detach", got)
	}

	// zone-c empties: the backend service lets go of its group, then the group goes.
	want.Targets["cart"] = slices.DeleteFunc(want.Targets["cart"], func(t providers.Target) bool { return t.Zone == "zone-c" })
	c.ResetCalls()
	ensure(t, p, want)
	if got := writes(c); !slices.Equal(got, []string{"patch BackendService", "delete NetworkEndpointGroup"}) {
		t.Errorf("writes %v, want the backend service to let go of zone-c's group first", got)
	}
	c.ResetCalls()
	if ensure(t, p, want); len(writes(c)) != 0 {
		t.Errorf("a second Ensure wrote %v", writes(c))
	}
}

// TestCloudRefusesWhatGCERefuses: a patch of a forwarding rule's address, port, scheme or
// network, a second rule on one address and port, and an endpoint in the wrong zone.
func TestCloudRefusesWhatGCERefuses(t *testing.T) {
	ctx := context.Background()
	c := NewCloud()
	seed(t, c)
	for _, step := range []struct {
		name string
		spec Spec
	}{
		{"ad", AddressSpec{}}, {"hp", TargetHTTPProxySpec{URLMap: "um"}},
		{"fr", ForwardingRuleSpec{Address: "ad", TargetKind: KindTargetHTTPProxy, Target: "hp", Port: 80, IPProtocol: "TCP", LoadBalancingScheme: "EXTERNAL_MANAGED", Network: "default"}},
	} {
		if _, err := c.Insert(ctx, step.name, "", step.spec); err != nil {
			t.Fatal(err)
		}
	}
	rule := func(f func(*ForwardingRuleSpec)) ForwardingRuleSpec {
		s := ForwardingRuleSpec{Address: "ad", TargetKind: KindTargetHTTPProxy, Target: "hp", Port: 80, IPProtocol: "TCP", LoadBalancingScheme: "EXTERNAL_MANAGED", Network: "default"}
		f(&s)
		return s
	}
	for field, change := range map[string]func(*ForwardingRuleSpec){
		"port":                func(s *ForwardingRuleSpec) { s.Port = 8080 },
		"loadBalancingScheme": func(s *ForwardingRuleSpec) { s.LoadBalancingScheme = "INTERNAL_MANAGED" },
		"network":             func(s *ForwardingRuleSpec) { s.Network = "other" },
	} {
		_, _, err := c.Patch(ctx, "fr", rule(change))
		if CodeOf(err) != CodeInvalid || !strings.Contains(err.Error(), field) || providers.ReasonOf(classify(err)) != ReasonFieldImmutable {
			t.Errorf("patching %s: %v", field, err)
		}
	}
	if _, _, err := c.Patch(ctx, "fr", rule(func(*ForwardingRuleSpec) {})); err != nil {
		t.Errorf("a patch that changes nothing fixed: %v", err)
	}
	if _, err := c.Insert(ctx, "hp2", "", TargetHTTPProxySpec{URLMap: "um"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Patch(ctx, "fr", rule(func(s *ForwardingRuleSpec) { s.Target = "hp2" })); CodeOf(err) != CodeInvalid || !strings.Contains(err.Error(), "setTarget") {
		t.Errorf("a patch of the target: %v", err)
	}
	if r, err := c.In("").SetTarget(ctx, "fr", KindTargetHTTPProxy, "hp2"); err != nil || r.Spec.(ForwardingRuleSpec).Target != "hp2" {
		t.Errorf("setTarget: %+v, %v", r, err)
	}
	if err := c.Delete(ctx, KindTargetHTTPProxy, "hp2"); CodeOf(err) != CodeInUse {
		t.Errorf("the new target is not in use after setTarget: %v", err)
	}
	if _, err := c.In("").SetTarget(ctx, "fr", KindTargetHTTPProxy, "hp"); err != nil {
		t.Fatal(err)
	}

	_, err := c.Insert(ctx, "fr2", "", rule(func(*ForwardingRuleSpec) {}))
	if CodeOf(err) != CodeIPInUse || !strings.Contains(err.Error(), "port 80 is already used by forwarding rule fr") {
		t.Errorf("a second rule on one address and port: %v", err)
	}
	if err := classify(err); !providers.IsConflict(err) || providers.ReasonOf(err) != ReasonAddressPortInUse {
		t.Errorf("classified as %v", err)
	}
	if _, err := c.Insert(ctx, "fr3", "", rule(func(s *ForwardingRuleSpec) { s.Port = 443 })); err != nil {
		t.Errorf("another port of the same address: %v", err)
	}

	if _, err := c.In(GlobalLocation).AttachEndpoints(ctx, "neg", []Endpoint{{IP: "10.0.0.9", Port: 80, Zone: "zone-z"}}); CodeOf(err) != CodeInvalid {
		t.Errorf("an endpoint of another zone: %v", err)
	}
	if _, _, err := c.Patch(ctx, "neg", NetworkEndpointGroupSpec{NetworkEndpointType: "GCE_VM_IP_PORT", Zone: DefaultZone}); CodeOf(err) != CodeInvalid {
		t.Errorf("a patch of an endpoint group: %v", err)
	}
}

// TestClientMovesATargetWithSetTarget: the provider's client changes a forwarding rule's
// target with setTarget, never with a patch the cloud refuses.
func TestClientMovesATargetWithSetTarget(t *testing.T) {
	ctx := context.Background()
	c := NewCloud()
	p := newProvider(c)
	want := shop()
	ensure(t, p, want)
	d, err := p.desired(want)
	if err != nil {
		t.Fatal(err)
	}
	fr := d.ports[80]
	old := d.specs[fr].(ForwardingRuleSpec)
	if _, err := c.Insert(ctx, "other-proxy", d.description, TargetHTTPProxySpec{URLMap: p.namer.Name("um", want.Ref.Name)}); err != nil {
		t.Fatal(err)
	}
	moved := old
	moved.Target = "other-proxy"
	c.ResetCalls()
	if err := (client{p, d}).Patch(ctx, node(fr, old), node(fr, moved), []string{"target"}); err != nil {
		t.Fatal(err)
	}
	if got := writes(c); !slices.Equal(got, []string{"setTarget ForwardingRule"}) {
		t.Errorf("writes %v, want one setTarget", got)
	}
	if r, _ := c.Lookup(KindForwardingRule, fr.Name); r.Spec.(ForwardingRuleSpec).Target != "other-proxy" {
		t.Errorf("the rule targets %s", r.Spec.(ForwardingRuleSpec).Target)
	}
}
