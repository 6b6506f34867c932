package awstest

import (
	"reflect"
	"sort"
	"strings"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

func init() {
	register(serviceELB, map[string]operation{
		"CreateTargetGroup":    op(true, (*Server).createTargetGroup),
		"DescribeTargetGroups": op(false, (*Server).describeTargetGroups),
		"ModifyTargetGroup":    op(true, (*Server).modifyTargetGroup),
		"DeleteTargetGroup":    op(true, (*Server).deleteTargetGroup),
	})
}

func (s *Server) createTargetGroup(r *request, in *elb.CreateTargetGroupInput) (smithy.Serializable, error) {
	name := deref(in.Name)
	if err := checkELBName("Target group", name); err != nil {
		return nil, err
	}
	tags, err := tagMap(in.Tags, s.opts.Limits.TagsPerResource)
	if err != nil {
		return nil, err
	}
	want, err := s.newTargetGroup(name, in)
	if err != nil {
		return nil, err
	}
	ctx := map[string]string{"elasticloadbalancing:CreateAction": r.action}
	if old := s.tgByName(name); old != nil {
		if err := s.authorize(r, []AuthResource{resource(*old.v.TargetGroupArn, old.tags)}, tags, ctx); err != nil {
			return nil, err
		}
		if !sameTargetGroup(old.v, want) {
			return nil, apiErr("DuplicateTargetGroupName", "A target group with the same name '%s' exists, but with different settings", name)
		}
		return &elb.CreateTargetGroupOutput{TargetGroups: []elbtypes.TargetGroup{s.tgView(old)}}, nil
	}
	if err := s.authorizeCreate(r, *want.TargetGroupArn, tags); err != nil {
		return nil, err
	}
	if len(s.elb.tgs) >= s.opts.Limits.TargetGroups {
		return nil, apiErr("TooManyTargetGroups", "You have reached the limit of %d target groups", s.opts.Limits.TargetGroups)
	}
	s.nextID++
	tg := &targetGroup{meta: meta{seq: s.nextID, hidden: s.opts.VisibilityDelay, tags: tags}, v: want,
		attrs: defaultTGAttributes(), targets: map[string]*target{}}
	s.elb.tgs[*want.TargetGroupArn] = tg
	return &elb.CreateTargetGroupOutput{TargetGroups: []elbtypes.TargetGroup{s.tgView(tg)}}, nil
}

// newTargetGroup checks a create and fills in AWS's defaults: an HTTP
// health check on the traffic port at "/" (gRPC: /AWS.ALB/healthcheck, code
// 12) every 30 s, 5 s timeout, 5 healthy and 2 unhealthy.
func (s *Server) newTargetGroup(name string, in *elb.CreateTargetGroupInput) (elbtypes.TargetGroup, error) {
	ttype := in.TargetType
	if ttype == "" {
		ttype = elbtypes.TargetTypeEnumInstance
	}
	if ttype != elbtypes.TargetTypeEnumInstance && ttype != elbtypes.TargetTypeEnumIp {
		return elbtypes.TargetGroup{}, errValidation("the emulator serves target types instance and ip, not '%s'", ttype)
	}
	if in.Protocol != elbtypes.ProtocolEnumHttp && in.Protocol != elbtypes.ProtocolEnumHttps {
		return elbtypes.TargetGroup{}, errValidation("A protocol of HTTP or HTTPS must be specified for an application load balancer's target group, not '%s'", in.Protocol)
	}
	if in.Port == nil || *in.Port < 1 || *in.Port > 65535 {
		return elbtypes.TargetGroup{}, errValidation("A port between 1 and 65535 must be specified")
	}
	if _, ok := s.ec2.vpcs[deref(in.VpcId)]; !ok {
		return elbtypes.TargetGroup{}, errValidation("The VPC ID '%s' is not found", deref(in.VpcId))
	}
	version := deref(in.ProtocolVersion)
	if version == "" {
		version = "HTTP1"
	}
	if version != "HTTP1" && version != "HTTP2" && version != "GRPC" {
		return elbtypes.TargetGroup{}, errValidation("Protocol version '%s' is not valid", version)
	}
	tg := elbtypes.TargetGroup{
		TargetGroupArn: ptr(s.elbARN("targetgroup/" + name + "/" + s.hex(16))), TargetGroupName: ptr(name),
		Protocol: in.Protocol, Port: in.Port, VpcId: in.VpcId, TargetType: ttype, ProtocolVersion: &version,
		IpAddressType: elbtypes.TargetGroupIpAddressTypeEnumIpv4, LoadBalancerArns: []string{},
		HealthCheckEnabled: ptr(true), HealthCheckProtocol: in.Protocol, HealthCheckPort: ptr("traffic-port"),
		HealthCheckPath: ptr("/"), HealthCheckIntervalSeconds: ptr(int32(30)), HealthCheckTimeoutSeconds: ptr(int32(5)),
		HealthyThresholdCount: ptr(int32(5)), UnhealthyThresholdCount: ptr(int32(2)), Matcher: &elbtypes.Matcher{HttpCode: ptr("200")},
	}
	if version == "GRPC" {
		tg.HealthCheckPath, tg.Matcher = ptr("/AWS.ALB/healthcheck"), &elbtypes.Matcher{GrpcCode: ptr("12")}
	}
	hc := healthCheck{in.HealthCheckEnabled, in.HealthCheckProtocol, in.HealthCheckPort, in.HealthCheckPath,
		in.HealthCheckIntervalSeconds, in.HealthCheckTimeoutSeconds, in.HealthyThresholdCount, in.UnhealthyThresholdCount, in.Matcher}
	return tg, hc.apply(&tg)
}

// healthCheck is the health check part of a create or modify.
type healthCheck struct {
	enabled                         *bool
	protocol                        elbtypes.ProtocolEnum
	port, path                      *string
	interval, timeout, healthy, bad *int32
	matcher                         *elbtypes.Matcher
}

func (h healthCheck) apply(tg *elbtypes.TargetGroup) error {
	set := func(dst **int32, v *int32, lo, hi int32, what string) error {
		if v == nil {
			return nil
		}
		if *v < lo || *v > hi {
			return errValidation("Health check %s must be between %d and %d", what, lo, hi)
		}
		*dst = v
		return nil
	}
	for _, e := range []error{set(&tg.HealthCheckIntervalSeconds, h.interval, 5, 300, "interval"),
		set(&tg.HealthCheckTimeoutSeconds, h.timeout, 2, 120, "timeout"),
		set(&tg.HealthyThresholdCount, h.healthy, 2, 10, "healthy threshold"),
		set(&tg.UnhealthyThresholdCount, h.bad, 2, 10, "unhealthy threshold")} {
		if e != nil {
			return e
		}
	}
	if *tg.HealthCheckTimeoutSeconds >= *tg.HealthCheckIntervalSeconds {
		return errValidation("Health check interval must be greater than the timeout")
	}
	if h.enabled != nil {
		tg.HealthCheckEnabled = h.enabled
	}
	if h.protocol != "" {
		if h.protocol != elbtypes.ProtocolEnumHttp && h.protocol != elbtypes.ProtocolEnumHttps {
			return errValidation("Health check protocol '%s' is not supported for an application load balancer", h.protocol)
		}
		tg.HealthCheckProtocol = h.protocol
	}
	if h.port != nil {
		if *h.port != "traffic-port" && (atoi(*h.port) < 1 || atoi(*h.port) > 65535) {
			return errValidation("Health check port '%s' must be 'traffic-port' or between 1 and 65535", *h.port)
		}
		tg.HealthCheckPort = h.port
	}
	if h.path != nil {
		if !strings.HasPrefix(*h.path, "/") || len(*h.path) > 1024 {
			return errValidation("Health check path '%s' must begin with '/' and be at most 1024 characters", *h.path)
		}
		tg.HealthCheckPath = h.path
	}
	if h.matcher != nil {
		tg.Matcher = h.matcher
	}
	return nil
}

func sameTargetGroup(a, b elbtypes.TargetGroup) bool {
	a.TargetGroupArn, b.TargetGroupArn = nil, nil
	a.LoadBalancerArns, b.LoadBalancerArns = nil, nil
	return reflect.DeepEqual(a, b)
}

func (s *Server) tgByName(name string) *targetGroup {
	for _, tg := range s.elb.tgs {
		if *tg.v.TargetGroupName == name {
			return tg
		}
	}
	return nil
}

func (s *Server) tgView(tg *targetGroup) elbtypes.TargetGroup {
	v := tg.v
	v.LoadBalancerArns = s.elb.targetGroupUsers(*tg.v.TargetGroupArn)
	return v
}

func (s *Server) describeTargetGroups(r *request, in *elb.DescribeTargetGroupsInput) (smithy.Serializable, error) {
	size, err := s.pageSize(int(deref(in.PageSize)))
	if err != nil {
		return nil, err
	}
	found, err := s.selectTargetGroups(in)
	if err != nil {
		return nil, err
	}
	pg, next, err := page(found, deref(in.Marker), size)
	if err != nil {
		return nil, err
	}
	out := &elb.DescribeTargetGroupsOutput{TargetGroups: []elbtypes.TargetGroup{}}
	for _, tg := range pg {
		out.TargetGroups = append(out.TargetGroups, s.tgView(tg))
	}
	if next != "" {
		out.NextMarker = &next
	}
	return out, nil
}

func (s *Server) selectTargetGroups(in *elb.DescribeTargetGroupsInput) ([]*targetGroup, error) {
	given := 0
	for _, set := range []bool{len(in.TargetGroupArns) > 0, len(in.Names) > 0, in.LoadBalancerArn != nil} {
		if set {
			given++
		}
	}
	if given > 1 {
		return nil, errValidation("Only one of target group ARNs, names or a load balancer ARN can be specified")
	}
	var found []*targetGroup
	switch {
	case len(in.TargetGroupArns) > 0:
		for _, arn := range in.TargetGroupArns {
			tg, ok := s.elb.tgs[arn]
			if !ok || !tg.seen() {
				return nil, errNotFound("TargetGroupNotFound", "One or more target groups not found")
			}
			found = append(found, tg)
		}
		return found, nil
	case len(in.Names) > 0:
		for _, name := range in.Names {
			tg := s.tgByName(name)
			if tg == nil || !tg.seen() {
				return nil, errNotFound("TargetGroupNotFound", "One or more target groups not found")
			}
			found = append(found, tg)
		}
		return found, nil
	case in.LoadBalancerArn != nil:
		if _, ok := s.elb.lbs[*in.LoadBalancerArn]; !ok {
			return nil, notFoundFor(*in.LoadBalancerArn)
		}
	}
	for _, tg := range s.elb.tgs {
		if in.LoadBalancerArn != nil && !contains(s.elb.targetGroupUsers(*tg.v.TargetGroupArn), *in.LoadBalancerArn) {
			continue
		}
		if tg.seen() {
			found = append(found, tg)
		}
	}
	sort.Slice(found, func(i, j int) bool { return *found[i].v.TargetGroupName < *found[j].v.TargetGroupName })
	return found, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// tgFor looks up a target group a write names, after IAM has seen it.
func (s *Server) tgFor(r *request, arn string) (*targetGroup, error) {
	tg, ok := s.elb.tgs[arn]
	var tags map[string]string
	if ok {
		tags = tg.tags
	}
	if err := s.authorize(r, []AuthResource{resource(arn, tags)}, nil, nil); err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNotFound("TargetGroupNotFound", "Target groups '%s' not found", arn)
	}
	return tg, nil
}

func (s *Server) modifyTargetGroup(r *request, in *elb.ModifyTargetGroupInput) (smithy.Serializable, error) {
	tg, err := s.tgFor(r, deref(in.TargetGroupArn))
	if err != nil {
		return nil, err
	}
	next := tg.v
	hc := healthCheck{in.HealthCheckEnabled, in.HealthCheckProtocol, in.HealthCheckPort, in.HealthCheckPath,
		in.HealthCheckIntervalSeconds, in.HealthCheckTimeoutSeconds, in.HealthyThresholdCount, in.UnhealthyThresholdCount, in.Matcher}
	if err := hc.apply(&next); err != nil {
		return nil, err
	}
	tg.v = next
	return &elb.ModifyTargetGroupOutput{TargetGroups: []elbtypes.TargetGroup{s.tgView(tg)}}, nil
}

func (s *Server) deleteTargetGroup(r *request, in *elb.DeleteTargetGroupInput) (smithy.Serializable, error) {
	arn := deref(in.TargetGroupArn)
	if _, err := s.tgFor(r, arn); err != nil {
		return nil, err
	}
	if len(s.elb.forwards[arn]) > 0 {
		return nil, apiErr("ResourceInUse", "Target group '%s' is currently in use by a listener or a rule", arn)
	}
	delete(s.elb.tgs, arn)
	return &elb.DeleteTargetGroupOutput{}, nil
}
