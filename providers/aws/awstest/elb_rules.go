package awstest

import (
	"strconv"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

func init() {
	register(serviceELB, map[string]operation{
		"CreateRule":        op(true, (*Server).createRule),
		"DescribeRules":     op(false, (*Server).describeRules),
		"ModifyRule":        op(true, (*Server).modifyRule),
		"DeleteRule":        op(true, (*Server).deleteRule),
		"SetRulePriorities": op(true, (*Server).setRulePriorities),
	})
}

func checkPriority(p int32) error {
	if p < 1 || p > 50000 {
		return errValidation("Priority '%d' must be between 1 and 50000", p)
	}
	return nil
}

func (s *Server) createRule(r *request, in *elb.CreateRuleInput) (smithy.Serializable, error) {
	tags, err := tagMap(in.Tags, s.opts.Limits.TagsPerResource)
	if err != nil {
		return nil, err
	}
	lARN := deref(in.ListenerArn)
	l, ok := s.elb.listeners[lARN]
	newARN := ruleARN(lARN, s.hex(16))
	var ltags map[string]string
	if ok {
		ltags = l.tags
	}
	// IAM checks CreateRule on the listener, with its tags, and the tags on the new rule.
	if err := s.authorizeCreateOf(r, []AuthResource{resource(lARN, ltags)}, []string{newARN}, tags); err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNotFound("ListenerNotFound", "Listener '%s' not found", lARN)
	}
	prio := deref(in.Priority)
	if err := checkPriority(prio); err != nil {
		return nil, err
	}
	conds, err := s.normalizeConditions(in.Conditions)
	if err != nil {
		return nil, err
	}
	actions, err := s.normalizeActions(in.Actions, s.elb.lbs[*l.v.LoadBalancerArn])
	if err != nil {
		return nil, err
	}
	rules := s.elb.rulesOf(lARN)
	for _, other := range rules {
		if deref(other.v.Priority) == strconv.Itoa(int(prio)) {
			return nil, apiErr("PriorityInUse", "Priority '%d' is currently in use", prio)
		}
	}
	if len(rules)-1 >= s.opts.Limits.RulesPerListener {
		return nil, apiErr("TooManyRules", "You have reached the limit of %d rules per listener", s.opts.Limits.RulesPerListener)
	}
	s.nextID++
	rl := &rule{meta: meta{seq: s.nextID, hidden: s.opts.VisibilityDelay, tags: tags}, listener: lARN,
		v: elbtypes.Rule{RuleArn: &newARN, Priority: ptr(strconv.Itoa(int(prio))), IsDefault: ptr(false), Conditions: conds, Actions: actions}}
	s.elb.putRule(rl)
	return &elb.CreateRuleOutput{Rules: []elbtypes.Rule{rl.v}}, nil
}

func (s *Server) describeRules(r *request, in *elb.DescribeRulesInput) (smithy.Serializable, error) {
	size, err := s.pageSize(int(deref(in.PageSize)))
	if err != nil {
		return nil, err
	}
	var found []*rule
	switch {
	case len(in.RuleArns) > 0:
		for _, arn := range in.RuleArns {
			rl, ok := s.elb.rules[arn]
			if !ok || !rl.seen() {
				return nil, errNotFound("RuleNotFound", "One or more rules not found")
			}
			found = append(found, rl)
		}
	case in.ListenerArn != nil:
		if _, ok := s.elb.listeners[*in.ListenerArn]; !ok {
			return nil, errNotFound("ListenerNotFound", "Listener '%s' not found", *in.ListenerArn)
		}
		for _, rl := range s.elb.rulesOf(*in.ListenerArn) {
			if rl.seen() {
				found = append(found, rl)
			}
		}
	default:
		return nil, errValidation("A listener ARN or rule ARNs must be specified")
	}
	pg, next, err := page(found, deref(in.Marker), size)
	if err != nil {
		return nil, err
	}
	out := &elb.DescribeRulesOutput{Rules: []elbtypes.Rule{}}
	for _, rl := range pg {
		out.Rules = append(out.Rules, rl.v)
	}
	if next != "" {
		out.NextMarker = &next
	}
	return out, nil
}

// ruleFor looks up a rule a write names, after IAM has seen it.
func (s *Server) ruleFor(r *request, arn string) (*rule, error) {
	rl, ok := s.elb.rules[arn]
	var tags map[string]string
	if ok {
		tags = rl.tags
	}
	if err := s.authorize(r, []AuthResource{resource(arn, tags)}, nil, nil); err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNotFound("RuleNotFound", "Rule '%s' not found", arn)
	}
	return rl, nil
}

func (s *Server) modifyRule(r *request, in *elb.ModifyRuleInput) (smithy.Serializable, error) {
	rl, err := s.ruleFor(r, deref(in.RuleArn))
	if err != nil {
		return nil, err
	}
	l := s.elb.listeners[rl.listener]
	next := rl.v
	if in.Conditions != nil {
		if *rl.v.IsDefault {
			return nil, apiErr("OperationNotPermitted", "The conditions of a default rule cannot be modified")
		}
		if next.Conditions, err = s.normalizeConditions(in.Conditions); err != nil {
			return nil, err
		}
	}
	if in.Actions != nil {
		if next.Actions, err = s.normalizeActions(in.Actions, s.elb.lbs[*l.v.LoadBalancerArn]); err != nil {
			return nil, err
		}
	}
	rl.v = next
	s.elb.reindex(rl)
	if *rl.v.IsDefault {
		l.v.DefaultActions = rl.v.Actions
	}
	return &elb.ModifyRuleOutput{Rules: []elbtypes.Rule{rl.v}}, nil
}

func (s *Server) deleteRule(r *request, in *elb.DeleteRuleInput) (smithy.Serializable, error) {
	rl, err := s.ruleFor(r, deref(in.RuleArn))
	if err != nil {
		return nil, err
	}
	if *rl.v.IsDefault {
		return nil, apiErr("OperationNotPermitted", "A default rule cannot be deleted")
	}
	s.elb.dropRule(rl)
	return &elb.DeleteRuleOutput{}, nil
}

// setRulePriorities changes every priority or none: the rules must exist,
// none may be a default rule, and afterwards no two rules of a listener may
// share a priority.
func (s *Server) setRulePriorities(r *request, in *elb.SetRulePrioritiesInput) (smithy.Serializable, error) {
	if len(in.RulePriorities) == 0 {
		return nil, errValidation("At least one rule priority must be specified")
	}
	var res []AuthResource
	for _, p := range in.RulePriorities {
		arn := deref(p.RuleArn)
		var tags map[string]string
		if rl, ok := s.elb.rules[arn]; ok {
			tags = rl.tags
		}
		res = append(res, resource(arn, tags))
	}
	if err := s.authorize(r, res, nil, nil); err != nil {
		return nil, err
	}
	want := map[string]string{} // rule ARN → new priority
	for _, p := range in.RulePriorities {
		rl, ok := s.elb.rules[deref(p.RuleArn)]
		if !ok {
			return nil, errNotFound("RuleNotFound", "Rule '%s' not found", deref(p.RuleArn))
		}
		if *rl.v.IsDefault {
			return nil, apiErr("OperationNotPermitted", "The priority of a default rule cannot be changed")
		}
		if err := checkPriority(deref(p.Priority)); err != nil {
			return nil, err
		}
		want[*rl.v.RuleArn] = strconv.Itoa(int(deref(p.Priority)))
	}
	if err := s.checkPriorityClash(want); err != nil {
		return nil, err
	}
	out := &elb.SetRulePrioritiesOutput{Rules: []elbtypes.Rule{}}
	for _, p := range in.RulePriorities {
		rl := s.elb.rules[deref(p.RuleArn)]
		rl.v.Priority = ptr(want[*rl.v.RuleArn])
		out.Rules = append(out.Rules, rl.v)
	}
	return out, nil
}

// checkPriorityClash reports PriorityInUse if the new priorities would give
// two rules of one listener the same priority.
func (s *Server) checkPriorityClash(want map[string]string) error {
	taken := map[string]string{} // listener + priority → rule
	for arn, rl := range s.elb.rules {
		if *rl.v.IsDefault {
			continue
		}
		prio := *rl.v.Priority
		if p, ok := want[arn]; ok {
			prio = p
		}
		key := rl.listener + "#" + prio
		if other, dup := taken[key]; dup && other != arn {
			return apiErr("PriorityInUse", "Priority '%s' is currently in use", prio)
		}
		taken[key] = arn
	}
	return nil
}
