package gcp

import (
	"context"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/plan"
)

// Google reads a forwarding rule's IPAddress back as the IP, whatever it was created with:
// a rule on the wanted address must plan nothing, a rule on another IP a replacement.
func TestForwardingRuleReadWithItsIP(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	p := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api})
	d := loadBalancer("ip").http().backend("web").defaultBackend("web").d
	g := mustGraph(t, d)
	var have []plan.Resource
	for _, r := range g.Resources {
		switch r.Kind {
		case KindAddress:
			a := proto.Clone(r.Spec.(*computepb.Address)).(*computepb.Address)
			a.Address = proto.String("203.0.113.7")
			r.Spec = a
		case KindForwardingRule:
			fr := proto.Clone(r.Spec.(*computepb.ForwardingRule)).(*computepb.ForwardingRule)
			fr.IPAddress = proto.String("203.0.113.7")
			r = observed(KindForwardingRule, r.Name, fr)
		}
		have = append(have, r)
	}
	if pl := p.engine.Plan(g, p.withAddressRefs(context.Background(), testProject, d, g, have)); len(pl.Steps) != 0 {
		t.Errorf("a rule on the wanted address's IP plans %v", pl.Actions())
	}
	for i := range have {
		if have[i].Kind == KindForwardingRule {
			have[i] = observed(KindForwardingRule, have[i].Name, &computepb.ForwardingRule{IPAddress: proto.String("198.51.100.1")})
		}
	}
	if pl := p.engine.Plan(g, p.withAddressRefs(context.Background(), testProject, d, g, have)); len(pl.Steps) == 0 {
		t.Error("a rule on another IP plans nothing")
	}
}
