package aws

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws/albrules"
	"github.com/portico-dev/portico/providers/plan"
)

// passInfo is what a pass tells the reads: the target groups whose health a readiness gate
// waits for, and what the status lets it trust (nil for nothing).
type passInfo struct {
	await map[string]bool
	trust *trusted
	// shared are the resources of the cluster the load balancer uses (see sgrules.go).
	shared []plan.Key
}

// owned returns what a load balancer owns in a region: every listed kind from the shared
// snapshot, target groups with their targets, and each ALB's listeners and rules, all in
// the plan's terms (references by name).
func (r *reads) owned(ctx context.Context, region string, o providers.Owner, pass *passInfo) ([]plan.Resource, error) {
	if pass == nil {
		pass = &passInfo{}
	}
	cs, err := r.p.clients.get(ctx, region)
	if err != nil {
		return nil, err
	}
	byKind := map[string][]plan.Resource{}
	for _, kind := range r.kinds() {
		rs, err := r.cache.Group(ctx, region, kind, groupOf(o))
		if err != nil {
			return nil, fmt.Errorf("read load balancer %s: %w", o.LoadBalancer, err)
		}
		byKind[kind] = rs
	}
	for _, k := range pass.shared {
		res, ok, err := r.cache.Get(ctx, region, k.Kind, k.Name)
		if err != nil {
			return nil, fmt.Errorf("read load balancer %s: %w", o.LoadBalancer, err)
		}
		if ok {
			byKind[k.Kind] = append(byKind[k.Kind], res)
		}
	}
	sgNames, certNames := map[string]string{}, map[string]string{}
	for _, sg := range byKind[KindSecurityGroup] {
		sgNames[sg.Spec.(sgSpec).ID] = sg.Name
	}
	for _, c := range byKind[KindCertificate] {
		certNames[c.Spec.(certSpec).ARN] = c.Name
	}
	var out []plan.Resource
	out = append(out, byKind[KindSecurityGroup]...)
	for _, rule := range byKind[KindSecurityGroupRule] {
		s := rule.Spec.(sgRuleSpec)
		s.Source = nameOr(sgNames, s.SourceID)
		out = append(out, observed(KindSecurityGroupRule, rule.Name, s))
	}
	for _, tg := range byKind[KindTargetGroup] {
		s := tg.Spec.(tgSpec)
		if ts, ok := pass.trust.targets(tg.Name); ok {
			r.targets.seed(s.ARN, ts, r.p.opts.Clock.Now())
		}
		ts, err := r.targetsOf(ctx, cs, s.ARN, pass.await[tg.Name])
		if err != nil {
			return nil, fmt.Errorf("read load balancer %s: %w", o.LoadBalancer, err)
		}
		s.Targets, s.Health = descriptions(ts), ts
		out = append(out, observed(KindTargetGroup, tg.Name, s))
	}
	out = append(out, byKind[KindCertificate]...)
	for _, lb := range byKind[KindLoadBalancer] {
		r.seedDetails(ctx, region, lb, pass.trust)
		rs, err := r.ownedLoadBalancer(ctx, cs, o, lb, sgNames, certNames)
		if err != nil {
			return nil, fmt.Errorf("read load balancer %s: %w", o.LoadBalancer, err)
		}
		out = append(out, rs...)
	}
	for i := range out {
		out[i] = withRefs(out[i])
	}
	return out, nil
}

// ownedLoadBalancer returns an ALB, its security groups named, with its listeners and rules.
func (r *reads) ownedLoadBalancer(ctx context.Context, cs *Clients, o providers.Owner, lb plan.Resource, sgNames, certNames map[string]string) ([]plan.Resource, error) {
	s := lb.Spec.(lbSpec)
	groups := make([]string, 0, len(s.SecurityGroups))
	for _, id := range s.SecurityGroups {
		groups = append(groups, nameOr(sgNames, id))
	}
	s.SecurityGroups = groups
	out := []plan.Resource{observed(KindLoadBalancer, lb.Name, s)}
	ds, err := r.listenersOf(ctx, cs, s.ARN)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		port := aws.ToInt32(d.Listener.Port)
		name := listenerName(r.p.namer, o.LoadBalancer, lb.Name, port)
		ls := listenerOf(d, lb.Name, o, certNames)
		out = append(out, observed(KindListener, name, ls))
		if len(d.Rules) > 0 {
			rs := rulesSpec{Listener: name, Rules: rulesOf(d.Rules), Tags: o.Tags()}
			out = append(out, observed(KindListenerRules, rulesName(r.p.namer, o.LoadBalancer, lb.Name, port), rs))
		}
	}
	return out, nil
}

// listenerOf is a listener as read, in the plan's terms. A listener has the owner of its
// load balancer: AWS lists it only under one.
func listenerOf(d *listenerDetail, lb string, o providers.Owner, certNames map[string]string) listenerSpec {
	l := d.Listener
	s := listenerSpec{LoadBalancer: lb, Port: aws.ToInt32(l.Port), Protocol: l.Protocol, SSLPolicy: aws.ToString(l.SslPolicy),
		Default: actionOf(l.DefaultActions), Tags: o.Tags(), ARN: aws.ToString(l.ListenerArn)}
	for _, a := range d.Certs {
		if name, ok := certNames[a]; ok {
			s.Certificates = append(s.Certificates, certRef{Resource: name, ARN: a})
		} else {
			s.Certificates = append(s.Certificates, certRef{ARN: a})
		}
	}
	return s
}

// actionOf reads the action of a rule or listener in the plan's terms.
func actionOf(as []elbtypes.Action) action {
	for _, a := range as {
		switch a.Type {
		case elbtypes.ActionTypeEnumForward:
			arn := aws.ToString(a.TargetGroupArn)
			if arn == "" && a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) == 1 {
				arn = aws.ToString(a.ForwardConfig.TargetGroups[0].TargetGroupArn)
			}
			return action{TargetGroup: nameOfARN(arn)}
		case elbtypes.ActionTypeEnumFixedResponse:
			status, _ := strconv.Atoi(aws.ToString(a.FixedResponseConfig.StatusCode))
			return action{FixedStatus: int32(status)}
		case elbtypes.ActionTypeEnumRedirect:
			return action{Redirect: true}
		}
	}
	return action{}
}

// rulesOf reads rules in the plan's terms, in priority order. A rule portico never writes
// (another condition or action) gets a key no wanted rule has, so it is deleted.
func rulesOf(rules []elbtypes.Rule) []ruleSpec {
	out := make([]ruleSpec, 0, len(rules))
	for _, r := range rules {
		prio, _ := strconv.Atoi(aws.ToString(r.Priority))
		rule, ok := albrules.FromSDK(r, func(arn string) (string, bool) { return nameOfARN(arn), true })
		if !ok {
			rule = albrules.Rule{Paths: []string{"foreign rule " + aws.ToString(r.RuleArn)}}
		}
		out = append(out, ruleSpec{Rule: rule, Priority: int32(prio), ARN: aws.ToString(r.RuleArn)})
	}
	slices.SortFunc(out, func(a, b ruleSpec) int { return int(a.Priority - b.Priority) })
	return out
}

func nameOr(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	return id
}

// withRefs returns a resource read from AWS with the references its spec makes, as the
// graph's resources carry them, so that the plan deletes nothing still used before its
// user lets go of it.
func withRefs(r plan.Resource) plan.Resource {
	key := func(kind, name string) plan.Key { return plan.Key{Kind: kind, Name: name} }
	switch s := r.Spec.(type) {
	case sgRuleSpec:
		r.Refs = []plan.Key{key(KindSecurityGroup, s.Source)}
	case lbSpec:
		for _, g := range s.SecurityGroups {
			r.Refs = append(r.Refs, key(KindSecurityGroup, g))
		}
	case listenerSpec:
		r.Refs = []plan.Key{key(KindLoadBalancer, s.LoadBalancer)}
		for _, c := range s.Certificates {
			if c.Resource != "" {
				r.Refs = append(r.Refs, key(KindCertificate, c.Resource))
			}
		}
		if s.Default.TargetGroup != "" {
			r.Refs = append(r.Refs, key(KindTargetGroup, s.Default.TargetGroup))
		}
	case rulesSpec:
		r.Refs = []plan.Key{key(KindListener, s.Listener)}
		for _, rule := range s.Rules {
			if rule.Rule.Action.Backend != "" {
				r.Refs = append(r.Refs, key(KindTargetGroup, rule.Rule.Action.Backend))
			}
		}
		r.Refs = dedup(r.Refs)
	}
	return r
}
