package awstest_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

func hostPath(host, path string) []elbtypes.RuleCondition {
	return []elbtypes.RuleCondition{
		{Field: aws.String("host-header"), HostHeaderConfig: &elbtypes.HostHeaderConditionConfig{Values: []string{host}}},
		{Field: aws.String("path-pattern"), Values: []string{path}},
	}
}

// listenerEnv is a load balancer with an HTTP listener forwarding to a target group.
func listenerEnv(t *testing.T, opts awstest.Options) (*env, elbtypes.Listener, elbtypes.TargetGroup) {
	e := newEnv(t, opts)
	lb := e.createLB(t, "web")
	tg := e.createTG(t, "tg", elbtypes.TargetTypeEnumIp)
	return e, e.createListener(t, *lb.LoadBalancerArn, 80, *tg.TargetGroupArn), tg
}

func TestDescribeRulesListsTheDefaultRuleLast(t *testing.T) {
	e, l, tg := listenerEnv(t, awstest.Options{})
	for _, p := range []int32{20, 10} {
		_, err := e.elb.CreateRule(e.ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(p),
			Conditions: hostPath("a.example.com", fmt.Sprintf("/p%d/*", p)), Actions: forward(*tg.TargetGroupArn)})
		if err != nil {
			t.Fatal(err)
		}
	}
	out, err := e.elb.DescribeRules(e.ctx, &elb.DescribeRulesInput{ListenerArn: l.ListenerArn})
	if err != nil {
		t.Fatal(err)
	}
	var prios []string
	for _, r := range out.Rules {
		prios = append(prios, *r.Priority)
	}
	if fmt.Sprint(prios) != "[10 20 default]" || !*out.Rules[2].IsDefault || *out.Rules[0].IsDefault {
		t.Fatalf("priorities = %v", prios)
	}
	c := out.Rules[0].Conditions
	if c[0].Values[0] != "a.example.com" || c[0].HostHeaderConfig.Values[0] != "a.example.com" || c[1].PathPatternConfig.Values[0] != "/p10/*" {
		t.Errorf("conditions are not reported with both Values and their config: %+v", c)
	}
	a := out.Rules[0].Actions[0]
	if *a.Order != 1 || *a.TargetGroupArn != *tg.TargetGroupArn || *a.ForwardConfig.TargetGroups[0].Weight != 1 {
		t.Errorf("forward action = %+v", a)
	}
	rules, ok := e.srv.ListenerRules(*l.LoadBalancerArn, 80)
	if !ok || len(rules) != 3 || *rules[2].Priority != "default" {
		t.Errorf("ListenerRules = %v, %v", rules, ok)
	}
}

func TestRuleErrors(t *testing.T) {
	e, l, tg := listenerEnv(t, awstest.Options{Limits: awstest.Limits{RulesPerListener: 2}})
	mk := func(p int32, conds []elbtypes.RuleCondition) error {
		_, err := e.elb.CreateRule(e.ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(p),
			Conditions: conds, Actions: forward(*tg.TargetGroupArn)})
		return err
	}
	six := []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/a", "/b", "/c", "/d", "/e", "/f"}}}
	wantCode(t, mk(1, six), "ValidationError")
	wantCode(t, mk(0, hostPath("a.example.com", "/")), "ValidationError")
	wantCode(t, mk(50001, hostPath("a.example.com", "/")), "ValidationError")
	wantCode(t, mk(1, []elbtypes.RuleCondition{{Field: aws.String("cookie"), Values: []string{"x"}}}), "ValidationError")
	wantCode(t, mk(1, hostPath("a.example.com", "/")), "")
	wantCode(t, mk(1, hostPath("b.example.com", "/")), "PriorityInUse")
	wantCode(t, mk(2, hostPath("b.example.com", "/")), "")
	wantCode(t, mk(3, hostPath("c.example.com", "/")), "TooManyRules")
	_, err := e.elb.CreateRule(e.ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(9),
		Conditions: hostPath("a.example.com", "/"), Actions: forward("arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/nope/0000000000000000")})
	wantCode(t, err, "TargetGroupNotFound")
}

func TestSetRulePrioritiesIsAllOrNothing(t *testing.T) {
	e, l, tg := listenerEnv(t, awstest.Options{})
	var arns []string
	for _, p := range []int32{1, 2, 3} {
		out, err := e.elb.CreateRule(e.ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(p),
			Conditions: hostPath("h.example.com", fmt.Sprintf("/%d", p)), Actions: forward(*tg.TargetGroupArn)})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, *out.Rules[0].RuleArn)
	}
	// Moving rule 1 onto 3 without moving 3 clashes: nothing changes.
	_, err := e.elb.SetRulePriorities(e.ctx, &elb.SetRulePrioritiesInput{RulePriorities: []elbtypes.RulePriorityPair{
		{RuleArn: &arns[0], Priority: aws.Int32(3)}, {RuleArn: &arns[1], Priority: aws.Int32(7)}}})
	wantCode(t, err, "PriorityInUse")
	rules, _ := e.srv.ListenerRules(*l.LoadBalancerArn, 80)
	if *rules[1].Priority != "2" {
		t.Fatalf("a refused SetRulePriorities changed rule 2 to %s", *rules[1].Priority)
	}
	// A swap in one call is fine.
	_, err = e.elb.SetRulePriorities(e.ctx, &elb.SetRulePrioritiesInput{RulePriorities: []elbtypes.RulePriorityPair{
		{RuleArn: &arns[0], Priority: aws.Int32(3)}, {RuleArn: &arns[2], Priority: aws.Int32(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	rules, _ = e.srv.ListenerRules(*l.LoadBalancerArn, 80)
	if *rules[0].RuleArn != arns[2] || *rules[2].RuleArn != arns[0] {
		t.Errorf("after the swap: %v", rules)
	}
	def := rules[len(rules)-1].RuleArn
	_, err = e.elb.SetRulePriorities(e.ctx, &elb.SetRulePrioritiesInput{RulePriorities: []elbtypes.RulePriorityPair{{RuleArn: def, Priority: aws.Int32(9)}}})
	wantCode(t, err, "OperationNotPermitted")
	_, err = e.elb.DeleteRule(e.ctx, &elb.DeleteRuleInput{RuleArn: def})
	wantCode(t, err, "OperationNotPermitted")
}

func TestModifyDefaultRuleChangesTheListener(t *testing.T) {
	e, l, _ := listenerEnv(t, awstest.Options{})
	rules, _ := e.srv.ListenerRules(*l.LoadBalancerArn, 80)
	fixed := []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse,
		FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("404"), ContentType: aws.String("text/plain")}}}
	if _, err := e.elb.ModifyRule(e.ctx, &elb.ModifyRuleInput{RuleArn: rules[0].RuleArn, Actions: fixed}); err != nil {
		t.Fatal(err)
	}
	out, err := e.elb.DescribeListeners(e.ctx, &elb.DescribeListenersInput{ListenerArns: []string{*l.ListenerArn}})
	if err != nil || out.Listeners[0].DefaultActions[0].Type != elbtypes.ActionTypeEnumFixedResponse {
		t.Fatalf("listener default actions = %+v, %v", out, err)
	}
}

func TestListenerIdempotentAndDuplicate(t *testing.T) {
	e, l, tg := listenerEnv(t, awstest.Options{})
	again := e.createListener(t, *l.LoadBalancerArn, 80, *tg.TargetGroupArn)
	if *again.ListenerArn != *l.ListenerArn {
		t.Fatalf("same settings made a second listener")
	}
	_, err := e.elb.CreateListener(e.ctx, &elb.CreateListenerInput{LoadBalancerArn: l.LoadBalancerArn, Port: aws.Int32(80),
		Protocol: elbtypes.ProtocolEnumHttp, DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumRedirect,
			RedirectConfig: &elbtypes.RedirectActionConfig{StatusCode: elbtypes.RedirectActionStatusCodeEnumHttp301, Protocol: aws.String("HTTPS"), Port: aws.String("443")}}}})
	wantCode(t, err, "DuplicateListener")
	_, err = e.elb.CreateListener(e.ctx, &elb.CreateListenerInput{LoadBalancerArn: l.LoadBalancerArn, Port: aws.Int32(443),
		Protocol: elbtypes.ProtocolEnumHttps, DefaultActions: forward(*tg.TargetGroupArn)})
	wantCode(t, err, "ValidationError")
	_, err = e.elb.CreateListener(e.ctx, &elb.CreateListenerInput{LoadBalancerArn: l.LoadBalancerArn, Port: aws.Int32(443),
		Protocol: elbtypes.ProtocolEnumHttps, DefaultActions: forward(*tg.TargetGroupArn),
		Certificates: []elbtypes.Certificate{{CertificateArn: aws.String("arn:aws:acm:us-west-2:123456789012:certificate/nope")}}})
	wantCode(t, err, "CertificateNotFound")
}

func TestTargetGroupUsedByOneLoadBalancer(t *testing.T) {
	e, _, tg := listenerEnv(t, awstest.Options{})
	other := e.createLB(t, "other")
	_, err := e.elb.CreateListener(e.ctx, &elb.CreateListenerInput{LoadBalancerArn: other.LoadBalancerArn, Port: aws.Int32(80),
		Protocol: elbtypes.ProtocolEnumHttp, DefaultActions: forward(*tg.TargetGroupArn)})
	wantCode(t, err, "TargetGroupAssociationLimit")
	_, err = e.elb.DeleteTargetGroup(e.ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: tg.TargetGroupArn})
	wantCode(t, err, "ResourceInUse")
	got, _ := e.srv.TargetGroup(*tg.TargetGroupArn)
	if len(got.LoadBalancerArns) != 1 {
		t.Errorf("LoadBalancerArns = %v", got.LoadBalancerArns)
	}
}

func TestHostConditionsAsAWSChecksThem(t *testing.T) {
	e, l, tg := listenerEnv(t, awstest.Options{})
	prio := int32(0)
	mk := func(c elbtypes.RuleCondition) error {
		prio++
		_, err := e.elb.CreateRule(e.ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(prio),
			Conditions: []elbtypes.RuleCondition{c}, Actions: forward(*tg.TargetGroupArn)})
		return err
	}
	host := func(values, regexes []string) elbtypes.RuleCondition {
		return elbtypes.RuleCondition{Field: aws.String("host-header"), HostHeaderConfig: &elbtypes.HostHeaderConditionConfig{Values: values, RegexValues: regexes}}
	}
	wantCode(t, mk(host([]string{"localhost"}, nil)), "ValidationError")                                             // no dot
	wantCode(t, mk(host([]string{"a.example.c0m"}, nil)), "ValidationError")                                         // digits after the last dot
	wantCode(t, mk(host([]string{"*.example.com"}, nil)), "")                                                        // a wildcard host
	wantCode(t, mk(host(nil, []string{"^localhost$"})), "")                                                          // a dotless host as a regex
	wantCode(t, mk(host(nil, []string{"(unclosed"})), "ValidationError")                                             // not a regex
	wantCode(t, mk(host([]string{"a.example.com"}, []string{"^b$", "^c$", "^d$", "^e$", "^f$"})), "ValidationError") // 6 values
	rules, _ := e.srv.ListenerRules(*l.LoadBalancerArn, 80)
	if c := rules[1].Conditions[0]; c.HostHeaderConfig.RegexValues[0] != "^localhost$" || c.RegexValues[0] != "^localhost$" {
		t.Errorf("regex condition reported as %+v", c)
	}
}
