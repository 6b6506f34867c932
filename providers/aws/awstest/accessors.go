package awstest

import (
	"slices"
	"sort"

	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// The accessors below let a test look at the server's state without a call,
// so that what it checks does not change the call log or read counts.

// SecurityGroup returns a security group as DescribeSecurityGroups reports it.
func (s *Server) SecurityGroup(id string) (ec2types.SecurityGroup, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.ec2.groups[id]
	if !ok {
		return ec2types.SecurityGroup{}, false
	}
	return s.groupView(g), true
}

// Listener returns a listener as DescribeListeners reports it, and the
// certificates added to it besides its default one.
func (s *Server) Listener(arn string) (elbtypes.Listener, []string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.elb.listeners[arn]
	if !ok {
		return elbtypes.Listener{}, nil, false
	}
	return l.v, slices.Clone(l.certs), true
}

// Certificate returns an imported certificate as DescribeCertificate reports it.
func (s *Server) Certificate(arn string) (acmtypes.CertificateDetail, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.acm.certs[arn]
	if !ok {
		return acmtypes.CertificateDetail{}, false
	}
	return s.certView(c), true
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
