package gcp

import (
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers/plan"
)

// Google reads a forwarding rule's IPAddress back as the IP, whatever it was created with:
// a rule on the IP of the address the load balancer owns must plan nothing, a rule on
// another IP a replacement.
func TestForwardingRuleReadWithItsIP(t *testing.T) {
	engine := newEngine()
	d := loadBalancer("ip").http().backend("web").defaultBackend("web").d
	g := mustGraph(t, d)
	var have []plan.Resource
	for _, r := range g.Resources {
		switch r.Kind {
		case KindAddress:
			a := proto.Clone(r.Spec.(*computepb.Address)).(*computepb.Address)
			a.Address = proto.String("203.0.113.7")
			a.SelfLink = proto.String(googleBase + "projects/" + testProject + "/global/addresses/" + r.Name)
			r = observed(KindAddress, r.Name, a)
		case KindForwardingRule:
			fr := proto.Clone(r.Spec.(*computepb.ForwardingRule)).(*computepb.ForwardingRule)
			fr.IPAddress = proto.String("203.0.113.7")
			r = observed(KindForwardingRule, r.Name, fr)
		}
		have = append(have, r)
	}
	if pl := engine.Plan(g, withOwnedAddressRefs(have)); len(pl.Steps) != 0 {
		t.Errorf("a rule on the owned address's IP plans %v", pl.Actions())
	}
	for i := range have {
		if have[i].Kind == KindForwardingRule {
			fr := proto.Clone(have[i].Spec.(*computepb.ForwardingRule)).(*computepb.ForwardingRule)
			fr.IPAddress = proto.String("198.51.100.1")
			have[i] = observed(KindForwardingRule, have[i].Name, fr)
		}
	}
	pl := engine.Plan(g, withOwnedAddressRefs(have))
	if len(pl.Steps) == 0 {
		t.Error("a rule on another IP plans nothing")
	}
	for _, a := range pl.Actions() {
		if a.Kind != KindForwardingRule {
			t.Errorf("a rule on another IP plans %v, want only the rule replaced", a)
		}
	}
}
