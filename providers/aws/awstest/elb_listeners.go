package awstest

import (
	"reflect"
	"slices"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

// DefaultSSLPolicy is the policy an HTTPS listener gets when none is named.
const DefaultSSLPolicy = "ELBSecurityPolicy-2016-08"

// sslPolicies are the predefined policies an ALB listener may name.
var sslPolicies = []string{DefaultSSLPolicy, "ELBSecurityPolicy-2015-05", "ELBSecurityPolicy-TLS-1-0-2015-04",
	"ELBSecurityPolicy-TLS-1-1-2017-01", "ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
	"ELBSecurityPolicy-FS-2018-06", "ELBSecurityPolicy-FS-1-1-2019-08", "ELBSecurityPolicy-FS-1-2-2019-08",
	"ELBSecurityPolicy-FS-1-2-Res-2019-08", "ELBSecurityPolicy-FS-1-2-Res-2020-10",
	"ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", "ELBSecurityPolicy-TLS13-1-1-2021-06", "ELBSecurityPolicy-TLS13-1-0-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06"}

func init() {
	register(serviceELB, map[string]operation{
		"CreateListener":    op(true, (*Server).createListener),
		"DescribeListeners": op(false, (*Server).describeListeners),
		"ModifyListener":    op(true, (*Server).modifyListener),
		"DeleteListener":    op(true, (*Server).deleteListener),
	})
}

func (s *Server) createListener(r *request, in *elb.CreateListenerInput) (smithy.Serializable, error) {
	lbARN := deref(in.LoadBalancerArn)
	lb, ok := s.elb.lbs[lbARN]
	tags, err := tagMap(in.Tags, s.opts.Limits.TagsPerResource)
	if err != nil {
		return nil, err
	}
	if !ok {
		if err := s.authorize(r, []AuthResource{resource(lbARN, nil)}, tags, nil); err != nil {
			return nil, err
		}
		return nil, notFoundFor(lbARN)
	}
	want, err := s.newListener(lb, in)
	if err != nil {
		return nil, err
	}
	for _, l := range s.elb.listenersOf(lbARN) {
		if *l.v.Port != *want.Port {
			continue
		}
		if err := s.authorizeCreateOf(r, []AuthResource{resource(lbARN, lb.tags)}, []string{*l.v.ListenerArn}, tags); err != nil {
			return nil, err
		}
		if !sameListener(l.v, want) {
			return nil, apiErr("DuplicateListener", "A listener already exists on port %d of load balancer '%s'", *want.Port, lbARN)
		}
		return &elb.CreateListenerOutput{Listeners: []elbtypes.Listener{l.v}}, nil
	}
	// IAM checks CreateListener on the load balancer, and the tags on the new listener.
	if err := s.authorizeCreateOf(r, []AuthResource{resource(lbARN, lb.tags)}, []string{*want.ListenerArn}, tags); err != nil {
		return nil, err
	}
	if len(s.elb.listenersOf(lbARN)) >= s.opts.Limits.ListenersPerLB {
		return nil, apiErr("TooManyListeners", "You have reached the limit of %d listeners per load balancer", s.opts.Limits.ListenersPerLB)
	}
	s.nextID++
	l := &listener{meta: meta{seq: s.nextID, hidden: s.opts.VisibilityDelay, tags: tags}, v: want}
	s.elb.listeners[*want.ListenerArn] = l
	s.putDefaultRule(l)
	return &elb.CreateListenerOutput{Listeners: []elbtypes.Listener{l.v}}, nil
}

// newListener checks a listener's protocol, port, certificate and actions.
func (s *Server) newListener(lb *loadBalancer, in *elb.CreateListenerInput) (elbtypes.Listener, error) {
	l := elbtypes.Listener{LoadBalancerArn: lb.v.LoadBalancerArn, Port: in.Port, Protocol: in.Protocol,
		SslPolicy: in.SslPolicy, Certificates: in.Certificates}
	if err := s.checkListener(&l); err != nil {
		return l, err
	}
	actions, err := s.normalizeActions(in.DefaultActions, lb)
	if err != nil {
		return l, err
	}
	l.DefaultActions = actions
	_, lbID := lbNameAndID(*lb.v.LoadBalancerArn)
	l.ListenerArn = ptr(s.elbARN("listener/app/" + *lb.v.LoadBalancerName + "/" + lbID + "/" + s.hex(16)))
	return l, nil
}

// checkListener checks and completes a listener's protocol settings.
func (s *Server) checkListener(l *elbtypes.Listener) error {
	if l.Port == nil || *l.Port < 1 || *l.Port > 65535 {
		return errValidation("A listener port between 1 and 65535 must be specified")
	}
	switch l.Protocol {
	case elbtypes.ProtocolEnumHttp:
		l.SslPolicy, l.Certificates = nil, nil
		return nil
	case elbtypes.ProtocolEnumHttps:
	default:
		return apiErr("UnsupportedProtocol", "Protocol '%s' is not supported by an application load balancer", l.Protocol)
	}
	if len(l.Certificates) != 1 {
		return errValidation("An HTTPS listener needs exactly one default certificate")
	}
	if err := s.checkCertificate(deref(l.Certificates[0].CertificateArn)); err != nil {
		return err
	}
	l.Certificates = []elbtypes.Certificate{{CertificateArn: l.Certificates[0].CertificateArn}}
	if l.SslPolicy == nil {
		l.SslPolicy = ptr(DefaultSSLPolicy)
	}
	if !slices.Contains(sslPolicies, *l.SslPolicy) {
		return apiErr("SSLPolicyNotFound", "SSL policy '%s' not found", *l.SslPolicy)
	}
	return nil
}

// checkCertificate finds a certificate in ACM, the only source the emulator serves.
func (s *Server) checkCertificate(arn string) error {
	if _, ok := s.acm.certs[arn]; !ok {
		return errNotFound("CertificateNotFound", "Certificate '%s' not found", arn)
	}
	return nil
}

func sameListener(a, b elbtypes.Listener) bool {
	a.ListenerArn, b.ListenerArn = nil, nil
	return reflect.DeepEqual(a, b)
}

// putDefaultRule stores the listener's default rule, which DescribeRules
// lists with priority "default".
func (s *Server) putDefaultRule(l *listener) {
	for _, r := range s.elb.rulesOf(*l.v.ListenerArn) {
		if *r.v.IsDefault {
			r.v.Actions = l.v.DefaultActions
			s.elb.reindex(r)
			return
		}
	}
	s.nextID++
	arn := ruleARN(*l.v.ListenerArn, s.hex(16))
	s.elb.putRule(&rule{meta: meta{seq: s.nextID}, listener: *l.v.ListenerArn,
		v: elbtypes.Rule{RuleArn: &arn, Priority: ptr("default"), IsDefault: ptr(true),
			Conditions: []elbtypes.RuleCondition{}, Actions: l.v.DefaultActions}})
}

func (s *Server) describeListeners(r *request, in *elb.DescribeListenersInput) (smithy.Serializable, error) {
	size, err := s.pageSize(int(deref(in.PageSize)))
	if err != nil {
		return nil, err
	}
	var found []*listener
	switch {
	case len(in.ListenerArns) > 0:
		for _, arn := range in.ListenerArns {
			l, ok := s.elb.listeners[arn]
			if !ok || !l.seen() {
				return nil, notFoundFor(arn)
			}
			found = append(found, l)
		}
	case in.LoadBalancerArn != nil:
		if _, ok := s.elb.lbs[*in.LoadBalancerArn]; !ok {
			return nil, notFoundFor(*in.LoadBalancerArn)
		}
		for _, l := range s.elb.listenersOf(*in.LoadBalancerArn) {
			if l.seen() {
				found = append(found, l)
			}
		}
	default:
		return nil, errValidation("A load balancer ARN or listener ARNs must be specified")
	}
	pg, next, err := page(found, deref(in.Marker), size)
	if err != nil {
		return nil, err
	}
	out := &elb.DescribeListenersOutput{Listeners: []elbtypes.Listener{}}
	for _, l := range pg {
		out.Listeners = append(out.Listeners, l.v)
	}
	if next != "" {
		out.NextMarker = &next
	}
	return out, nil
}

// listenerFor looks up a listener a write names, after IAM has seen it.
func (s *Server) listenerFor(r *request, arn string) (*listener, error) {
	l, ok := s.elb.listeners[arn]
	var tags map[string]string
	if ok {
		tags = l.tags
	}
	if err := s.authorize(r, []AuthResource{resource(arn, tags)}, nil, nil); err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNotFound("ListenerNotFound", "Listener '%s' not found", arn)
	}
	return l, nil
}

func (s *Server) modifyListener(r *request, in *elb.ModifyListenerInput) (smithy.Serializable, error) {
	l, err := s.listenerFor(r, deref(in.ListenerArn))
	if err != nil {
		return nil, err
	}
	lb := s.elb.lbs[*l.v.LoadBalancerArn]
	next := l.v
	if in.Port != nil {
		next.Port = in.Port
	}
	if in.Protocol != "" {
		next.Protocol = in.Protocol
	}
	if in.SslPolicy != nil {
		next.SslPolicy = in.SslPolicy
	}
	if in.Certificates != nil {
		next.Certificates = in.Certificates
	}
	if err := s.checkListener(&next); err != nil {
		return nil, err
	}
	for _, other := range s.elb.listenersOf(*l.v.LoadBalancerArn) {
		if other != l && *other.v.Port == *next.Port {
			return nil, apiErr("DuplicateListener", "A listener already exists on port %d", *next.Port)
		}
	}
	if in.DefaultActions != nil {
		if next.DefaultActions, err = s.normalizeActions(in.DefaultActions, lb); err != nil {
			return nil, err
		}
	}
	if next.Protocol != elbtypes.ProtocolEnumHttps {
		l.certs = nil // an HTTP listener serves no certificates
	}
	l.v = next
	s.putDefaultRule(l)
	return &elb.ModifyListenerOutput{Listeners: []elbtypes.Listener{l.v}}, nil
}

func (s *Server) deleteListener(r *request, in *elb.DeleteListenerInput) (smithy.Serializable, error) {
	l, err := s.listenerFor(r, deref(in.ListenerArn))
	if err != nil {
		return nil, err
	}
	s.removeListener(l)
	return &elb.DeleteListenerOutput{}, nil
}

// removeListener deletes a listener with its rules.
func (s *Server) removeListener(l *listener) {
	for _, r := range s.elb.rulesOf(*l.v.ListenerArn) {
		s.elb.dropRule(r)
	}
	delete(s.elb.listeners, *l.v.ListenerArn)
}
