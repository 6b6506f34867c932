package albrules_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers/aws/albrules"
	"github.com/portico-dev/portico/providers/aws/awstest"
	"github.com/portico-dev/portico/providers/providertest"
)

// TestTheEmulatorTakesTheRulesAndRoutesAsKubernetes writes each routing table's rules through
// the real SDK into awstest, which checks them as AWS does, and asks it where each request
// goes: the rules must be accepted, and route as the reference router does.
func TestTheEmulatorTakesTheRulesAndRoutesAsKubernetes(t *testing.T) {
	srv := awstest.New(awstest.Options{})
	t.Cleanup(srv.Close)
	srv.SeedDefault()
	c := elb.NewFromConfig(srv.Config())
	ctx := context.Background()
	for i, table := range providertest.RoutingTables() {
		t.Run(table.Name, func(t *testing.T) {
			lbARN, backendOf := writeListener(ctx, t, c, fmt.Sprintf("routes-%02d", i), &table.Spec)
			for _, req := range table.Requests {
				want := model.Route(&table.Spec, req.Host, req.Path)
				got, ok := srv.Route(lbARN, 80, awstest.Request{Host: req.Host, Path: req.Path, Method: "GET"})
				backend := backendOf[got.TargetGroupARN]
				if !ok || backend != want.Backend || (backend == "" && got.FixedStatus != 404) {
					t.Errorf("%s%s: the emulator answers %+v (backend %q); the reference router %s (%s)",
						req.Host, req.Path, got, backend, orNotFound(want.Backend), want.Reason)
				}
			}
		})
	}
}

// writeListener creates a load balancer, a target group per backend and an HTTP listener
// with the translated rules, through the SDK; it returns the load balancer's ARN and the
// backend of each target group ARN.
func writeListener(ctx context.Context, t *testing.T, c *elb.Client, name string, spec *v1alpha1.LoadBalancerSpec) (string, map[string]string) {
	t.Helper()
	l, err := albrules.Translate(spec, albrules.Limits{})
	if err != nil {
		t.Fatalf("Translate: %v", err)
	}
	lb, err := c.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String(name),
		Subnets: awstest.DefaultPublicSubnets[:2], SecurityGroups: []string{awstest.DefaultNodeSecurityGroup}})
	if err != nil {
		t.Fatalf("CreateLoadBalancer: %v", err)
	}
	lbARN := aws.ToString(lb.LoadBalancers[0].LoadBalancerArn)
	arns, backendOf := map[string]string{}, map[string]string{}
	for _, b := range spec.Backends {
		tgName := name + "-" + strings.ReplaceAll(b.Name, "/", "-")
		tg, err := c.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String(tgName[:min(len(tgName), 32)]),
			Protocol: types.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: aws.String(awstest.DefaultVPC), TargetType: types.TargetTypeEnumIp})
		if err != nil {
			t.Fatalf("CreateTargetGroup %s: %v", tgName, err)
		}
		arn := aws.ToString(tg.TargetGroups[0].TargetGroupArn)
		arns[b.Name], backendOf[arn] = arn, b.Name
	}
	arnOf := func(backend string) string { return arns[backend] }
	ln, err := c.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(lbARN), Protocol: types.ProtocolEnumHttp,
		Port: aws.Int32(80), DefaultActions: l.Default.Actions(arnOf)})
	if err != nil {
		t.Fatalf("CreateListener: %v", err)
	}
	for i, r := range l.Rules {
		if _, err := c.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: ln.Listeners[0].ListenerArn, Priority: aws.Int32(int32(i + 1)),
			Conditions: r.Conditions(), Actions: r.Action.Actions(arnOf)}); err != nil {
			t.Fatalf("CreateRule %s: %v", r.Key(), err)
		}
	}
	return lbARN, backendOf
}
