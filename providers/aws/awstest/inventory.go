package awstest

import (
	"fmt"
	"sort"

	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
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

// ListenerRules returns the rules of a load balancer's listener on a port as
// DescribeRules returns them (by priority, the default rule last), for rule
// evaluation; false if there is no such listener. The rules share their
// slices with the server: read them, do not change them.
func (s *Server) ListenerRules(lbARN string, port int32) ([]elbtypes.Rule, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.elb.listenersOf(lbARN) {
		if *l.v.Port == port {
			var out []elbtypes.Rule
			for _, r := range s.elb.rulesOf(*l.v.ListenerArn) {
				out = append(out, r.v)
			}
			return out, true
		}
	}
	return nil, false
}

// TargetGroup returns a target group as DescribeTargetGroups reports it.
func (s *Server) TargetGroup(arn string) (elbtypes.TargetGroup, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tg, ok := s.elb.tgs[arn]
	if !ok {
		return elbtypes.TargetGroup{}, false
	}
	return s.tgView(tg), true
}

// Target is a registered target and the state DescribeTargetHealth would
// report, without counting as a read.
type Target struct {
	ID    string
	Port  int32
	State elbtypes.TargetHealthStateEnum
}

// Targets lists a target group's targets (draining ones included, until
// their delay passes), in registration order.
func (s *Server) Targets(tgARN string) []Target {
	s.mu.Lock()
	defer s.mu.Unlock()
	tg, ok := s.elb.tgs[tgARN]
	if !ok {
		return nil
	}
	tg.prune(s.now())
	used := len(s.elb.targetGroupUsers(tgARN)) > 0
	var ts []*target
	for _, t := range tg.targets {
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].seq < ts[j].seq })
	out := make([]Target, 0, len(ts))
	for _, t := range ts {
		saved := t.initial
		h := s.healthOf(tg, t, used)
		t.initial = saved
		out = append(out, Target{ID: t.id, Port: t.port, State: h.TargetHealth.State})
	}
	return out
}

// LoadBalancer returns a load balancer as DescribeLoadBalancers reports it,
// with its attributes, without counting as a read.
func (s *Server) LoadBalancer(arn string) (elbtypes.LoadBalancer, map[string]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lb, ok := s.elb.lbs[arn]
	if !ok {
		return elbtypes.LoadBalancer{}, nil, false
	}
	return lb.v, cloneTags(lb.attrs), true
}
