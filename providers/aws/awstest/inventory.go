package awstest

import (
	"fmt"
	"sort"
)

// Resource is one entry of the inventory.
type Resource struct {
	Kind     string // "LoadBalancer", "TargetGroup", "Listener", "Rule", "SecurityGroup", "Certificate"
	ID       string // the ARN, or a security group's id
	Name     string
	Tags     map[string]string
	Location string // the region
}

// Inventory lists every resource calls created or can delete (the seeded
// VPCs, subnets, instances and interfaces are not listed; seeded security
// groups are), sorted by kind and id, for tests that check nothing leaked and
// nothing is duplicated. Default rules are listed with their listener's.
func (s *Server) Inventory() []Resource {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Resource
	add := func(kind, id, name string, tags map[string]string) {
		out = append(out, Resource{Kind: kind, ID: id, Name: name, Tags: cloneTags(tags), Location: s.opts.Region})
	}
	for arn, lb := range s.elb.lbs {
		add("LoadBalancer", arn, *lb.v.LoadBalancerName, lb.tags)
	}
	for arn, tg := range s.elb.tgs {
		add("TargetGroup", arn, *tg.v.TargetGroupName, tg.tags)
	}
	for arn, l := range s.elb.listeners {
		add("Listener", arn, fmt.Sprintf("%s:%d", l.v.Protocol, deref(l.v.Port)), l.tags)
	}
	for arn, r := range s.elb.rules {
		add("Rule", arn, deref(r.v.Priority), r.tags)
	}
	for id, g := range s.ec2.groups {
		add("SecurityGroup", id, g.name, s.ec2.tags[id])
	}
	for arn, c := range s.acm.certs {
		add("Certificate", arn, deref(c.detail.DomainName), c.tags)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].ID < out[j].ID
	})
	return out
}
