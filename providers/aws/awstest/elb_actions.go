package awstest

import (
	"regexp"
	"sort"

	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

var (
	fixedStatus  = regexp.MustCompile(`^(2|4|5)\d\d$`)
	contentTypes = []string{"text/plain", "text/css", "text/html", "application/javascript", "application/json"}
)

// normalizeActions checks a listener's or rule's actions as AWS does and
// returns them as AWS reports them: ordered, a single-group forward with
// both TargetGroupArn and ForwardConfig (weight 1, stickiness off), a
// redirect with its #{...} defaults filled in.
func (s *Server) normalizeActions(actions []elbtypes.Action, lb *loadBalancer) ([]elbtypes.Action, error) {
	if len(actions) == 0 {
		return nil, errValidation("At least one action must be specified")
	}
	out := make([]elbtypes.Action, len(actions))
	copy(out, actions)
	for i := range out {
		if out[i].Order == nil {
			out[i].Order = ptr(int32(i + 1))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return *out[i].Order < *out[j].Order })
	for i := range out {
		if i > 0 && *out[i].Order == *out[i-1].Order {
			return nil, errValidation("Action orders must be unique")
		}
		last := i == len(out)-1
		if err := s.normalizeAction(&out[i], lb, last); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Server) normalizeAction(a *elbtypes.Action, lb *loadBalancer, last bool) error {
	switch a.Type {
	case elbtypes.ActionTypeEnumForward:
		if !last {
			return apiErr("InvalidLoadBalancerAction", "A forward action must be the last action")
		}
		return s.normalizeForward(a, lb)
	case elbtypes.ActionTypeEnumRedirect:
		if !last {
			return apiErr("InvalidLoadBalancerAction", "A redirect action must be the last action")
		}
		return normalizeRedirect(a)
	case elbtypes.ActionTypeEnumFixedResponse:
		if !last {
			return apiErr("InvalidLoadBalancerAction", "A fixed-response action must be the last action")
		}
		return checkFixedResponse(a.FixedResponseConfig)
	}
	return errValidation("Action type '%s' is not served by the emulator", a.Type)
}

func (s *Server) normalizeForward(a *elbtypes.Action, lb *loadBalancer) error {
	var groups []elbtypes.TargetGroupTuple
	if a.ForwardConfig != nil {
		groups = a.ForwardConfig.TargetGroups
	}
	if a.TargetGroupArn != nil {
		if len(groups) > 1 || len(groups) == 1 && deref(groups[0].TargetGroupArn) != *a.TargetGroupArn {
			return errValidation("You cannot specify both a target group ARN and a forward config with other target groups")
		}
		if len(groups) == 0 {
			groups = []elbtypes.TargetGroupTuple{{TargetGroupArn: a.TargetGroupArn}}
		}
	}
	if len(groups) == 0 || len(groups) > 5 {
		return errValidation("A forward action needs 1 to 5 target groups")
	}
	norm := make([]elbtypes.TargetGroupTuple, len(groups))
	for i, g := range groups {
		if err := s.checkForwardTarget(deref(g.TargetGroupArn), lb); err != nil {
			return err
		}
		w := g.Weight
		if w == nil {
			w = ptr(int32(1))
		}
		norm[i] = elbtypes.TargetGroupTuple{TargetGroupArn: g.TargetGroupArn, Weight: w}
	}
	sticky := &elbtypes.TargetGroupStickinessConfig{Enabled: ptr(false)}
	if a.ForwardConfig != nil && a.ForwardConfig.TargetGroupStickinessConfig != nil {
		sticky = a.ForwardConfig.TargetGroupStickinessConfig
	}
	a.ForwardConfig = &elbtypes.ForwardActionConfig{TargetGroups: norm, TargetGroupStickinessConfig: sticky}
	a.TargetGroupArn = nil
	if len(norm) == 1 {
		a.TargetGroupArn = norm[0].TargetGroupArn
	}
	return nil
}

// checkForwardTarget applies AWS's rules for a forward's target group: it
// exists, is in the load balancer's VPC, and no other load balancer uses it.
func (s *Server) checkForwardTarget(arn string, lb *loadBalancer) error {
	tg, ok := s.elb.tgs[arn]
	if !ok {
		return errNotFound("TargetGroupNotFound", "Target group '%s' not found", arn)
	}
	if deref(tg.v.VpcId) != deref(lb.v.VpcId) {
		return errValidation("Target group '%s' is in VPC '%s', not the load balancer's VPC '%s'", arn, deref(tg.v.VpcId), deref(lb.v.VpcId))
	}
	for _, user := range s.elb.targetGroupUsers(arn) {
		if user != *lb.v.LoadBalancerArn {
			return apiErr("TargetGroupAssociationLimit", "The following target groups cannot be associated with more than one load balancer: %s", arn)
		}
	}
	return nil
}

func normalizeRedirect(a *elbtypes.Action) error {
	c := a.RedirectConfig
	if c == nil || (c.StatusCode != elbtypes.RedirectActionStatusCodeEnumHttp301 && c.StatusCode != elbtypes.RedirectActionStatusCodeEnumHttp302) {
		return errValidation("A redirect action needs a status code of HTTP_301 or HTTP_302")
	}
	n := *c
	def := func(p **string, v string) {
		if *p == nil {
			*p = ptr(v)
		}
	}
	def(&n.Protocol, "#{protocol}")
	def(&n.Port, "#{port}")
	def(&n.Host, "#{host}")
	def(&n.Path, "/#{path}")
	def(&n.Query, "#{query}")
	if p := *n.Protocol; p != "HTTP" && p != "HTTPS" && p != "#{protocol}" {
		return errValidation("Redirect protocol '%s' must be HTTP, HTTPS or #{protocol}", p)
	}
	a.RedirectConfig = &n
	return nil
}

func checkFixedResponse(c *elbtypes.FixedResponseActionConfig) error {
	if c == nil || !fixedStatus.MatchString(deref(c.StatusCode)) {
		return errValidation("A fixed-response action needs a 2XX, 4XX or 5XX status code")
	}
	if c.ContentType != nil && !contains(contentTypes, *c.ContentType) {
		return errValidation("Content type '%s' is not valid for a fixed response", *c.ContentType)
	}
	if len(deref(c.MessageBody)) > 1024 {
		return errValidation("A fixed response's message body can be at most 1024 characters")
	}
	return nil
}
