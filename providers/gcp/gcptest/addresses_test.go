package gcptest

import (
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
)

// A forwarding rule created with an address's URL reads back with the address's IP, as
// Google reports it, and still holds the address: the address lists it, is IN_USE, and
// cannot be deleted under it.
func TestForwardingRuleReportsTheAddressIP(t *testing.T) {
	e := newEnv(t, Options{})
	c, ctx := e.c, e.ctx
	e.createGraph()
	e.done(c.ForwardingRules.Insert(ctx, &computepb.InsertGlobalForwardingRuleRequest{Project: proj,
		ForwardingRuleResource: forwardingRule("by-url", global("targetHttpProxies", "lb-http"), "8080", link("addresses", "lb-ip"))}))
	addr, err := c.Addresses.Get(ctx, &computepb.GetGlobalAddressRequest{Project: proj, Address: "lb-ip"})
	if err != nil {
		t.Fatal(err)
	}
	fr, err := c.ForwardingRules.Get(ctx, &computepb.GetGlobalForwardingRuleRequest{Project: proj, ForwardingRule: "by-url"})
	if err != nil {
		t.Fatal(err)
	}
	if fr.GetIPAddress() != addr.GetAddress() {
		t.Errorf("IPAddress = %q, want the address's IP %q", fr.GetIPAddress(), addr.GetAddress())
	}
	if addr.GetStatus() != "IN_USE" || !contains(addr.GetUsers(), link("forwardingRules", "by-url")) {
		t.Errorf("address %s users %v, want IN_USE and used by the rule", addr.GetStatus(), addr.GetUsers())
	}
	_, err = c.ForwardingRules.Insert(ctx, &computepb.InsertGlobalForwardingRuleRequest{Project: proj,
		ForwardingRuleResource: forwardingRule("same-port", global("targetHttpProxies", "lb-http"), "8080", global("addresses", "lb-ip"))})
	wantAPIError(t, err, 400, "invalid")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
