package awstest_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

// TestRouteAnswersWhatTheListenerDoes writes rules through the SDK and asks the server where
// requests go: a forward, a fixed response, a redirect, and the default rule.
func TestRouteAnswersWhatTheListenerDoes(t *testing.T) {
	e, l, deflt := listenerEnv(t, awstest.Options{})
	api := e.createTG(t, "api", elbtypes.TargetTypeEnumIp)
	rules := []struct {
		prio    int32
		conds   []elbtypes.RuleCondition
		actions []elbtypes.Action
	}{
		{1, hostPath("api.example.com", "/v1/*"), forward(*api.TargetGroupArn)},
		{2, hostPath("api.example.com", "/gone"), []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse,
			FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("410"), ContentType: aws.String("text/plain")}}}},
		{3, hostPath("old.example.com", "/*"), []elbtypes.Action{{Type: elbtypes.ActionTypeEnumRedirect,
			RedirectConfig: &elbtypes.RedirectActionConfig{StatusCode: elbtypes.RedirectActionStatusCodeEnumHttp301,
				Host: aws.String("new.example.com"), Protocol: aws.String("HTTPS"), Port: aws.String("443")}}}},
	}
	for _, r := range rules {
		if _, err := e.elb.CreateRule(e.ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(r.prio),
			Conditions: r.conds, Actions: r.actions}); err != nil {
			t.Fatalf("CreateRule %d: %v", r.prio, err)
		}
	}
	cases := []struct {
		host, path string
		want       awstest.Routed
	}{
		{"api.example.com", "/v1/users", awstest.Routed{TargetGroupARN: *api.TargetGroupArn}},
		{"API.example.com:80", "/v1/users?page=2", awstest.Routed{TargetGroupARN: *api.TargetGroupArn}},
		{"api.example.com", "/gone", awstest.Routed{FixedStatus: 410}},
		{"old.example.com", "/a/b?x=1", awstest.Routed{FixedStatus: 301, Redirect: "https://new.example.com:443/a/b?x=1"}},
		{"api.example.com", "/v2", awstest.Routed{TargetGroupARN: *deflt.TargetGroupArn}},
	}
	for _, c := range cases {
		got, ok := e.srv.Route(*l.LoadBalancerArn, 80, awstest.Request{Host: c.host, Path: c.path, Method: "GET"})
		if !ok || got != c.want {
			t.Errorf("%s%s: got %+v, %v; want %+v", c.host, c.path, got, ok, c.want)
		}
	}
	if _, ok := e.srv.Route(*l.LoadBalancerArn, 443, awstest.Request{Host: "api.example.com", Path: "/"}); ok {
		t.Error("a port without listener routed a request")
	}
	if _, ok := e.srv.Route("arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/none/1", 80, awstest.Request{Path: "/"}); ok {
		t.Error("a load balancer that does not exist routed a request")
	}
}
