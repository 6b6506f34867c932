package awstest

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func sdkTags(kv ...string) []types.Tag {
	var out []types.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func sdkForward(tg string) []types.Action {
	return []types.Action{{Type: types.ActionTypeEnumForward, ForwardConfig: &types.ForwardActionConfig{
		TargetGroups: []types.TargetGroupTuple{{TargetGroupArn: aws.String(tg), Weight: aws.Int32(1)}}}}}
}

// What the provider sends passes, through the SDK's own serializer: every member name,
// list and nested structure below must be where the model says.
func TestELBv2RequestsTheSDKBuildsPass(t *testing.T) {
	c := elbv2Client(t)
	runSDKCases(t, []sdkCase{
		{name: "create load balancer", call: func(ctx context.Context) error {
			_, err := c.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{
				Name: aws.String("pt-shop-1a2b"), Type: types.LoadBalancerTypeEnumApplication,
				Scheme: types.LoadBalancerSchemeEnumInternetFacing, IpAddressType: types.IpAddressTypeDualstack,
				Subnets: []string{"subnet-1", "subnet-2"}, SecurityGroups: []string{"sg-1"},
				Tags: sdkTags(tagCluster, "c1", "portico.dev/load-balancer", "shop")})
			return err
		}},
		{name: "create target group", call: func(ctx context.Context) error {
			_, err := c.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{
				Name: aws.String("pt-shop-web-80"), Protocol: types.ProtocolEnumHttp, ProtocolVersion: aws.String("GRPC"),
				Port: aws.Int32(8080), VpcId: aws.String("vpc-1"), TargetType: types.TargetTypeEnumIp,
				HealthCheckPath: aws.String("/healthz"), HealthCheckIntervalSeconds: aws.Int32(10),
				HealthyThresholdCount: aws.Int32(2), Matcher: &types.Matcher{GrpcCode: aws.String("0-99")},
				Tags: sdkTags(tagCluster, "c1")})
			return err
		}},
		{name: "create listener with a certificate and a redirect", call: func(ctx context.Context) error {
			_, err := c.CreateListener(ctx, &elbv2.CreateListenerInput{
				LoadBalancerArn: aws.String(arnLB), Port: aws.Int32(443), Protocol: types.ProtocolEnumHttps,
				SslPolicy:    aws.String("ELBSecurityPolicy-TLS13-1-2-2021-06"),
				Certificates: []types.Certificate{{CertificateArn: aws.String(arnCert)}},
				DefaultActions: []types.Action{{Type: types.ActionTypeEnumRedirect, RedirectConfig: &types.RedirectActionConfig{
					Protocol: aws.String("HTTPS"), Port: aws.String("443"), StatusCode: types.RedirectActionStatusCodeEnumHttp301}}},
				Tags: sdkTags(tagCluster, "c1")})
			return err
		}},
		{name: "create rule", call: func(ctx context.Context) error {
			_, err := c.CreateRule(ctx, &elbv2.CreateRuleInput{
				ListenerArn: aws.String(arnListener), Priority: aws.Int32(10), Actions: sdkForward(arnTG),
				Conditions: []types.RuleCondition{
					{Field: aws.String("host-header"), HostHeaderConfig: &types.HostHeaderConditionConfig{Values: []string{"shop.example.com"}}},
					{Field: aws.String("path-pattern"), PathPatternConfig: &types.PathPatternConditionConfig{Values: []string{"/api", "/api/*"}}},
				},
				Tags: sdkTags(tagCluster, "c1")})
			return err
		}},
		{name: "fixed response default action", call: func(ctx context.Context) error {
			_, err := c.ModifyListener(ctx, &elbv2.ModifyListenerInput{ListenerArn: aws.String(arnListener),
				DefaultActions: []types.Action{{Type: types.ActionTypeEnumFixedResponse, FixedResponseConfig: &types.FixedResponseActionConfig{
					StatusCode: aws.String("404"), ContentType: aws.String("text/plain"), MessageBody: aws.String("not found")}}}})
			return err
		}},
		{name: "set rule priorities", call: func(ctx context.Context) error {
			_, err := c.SetRulePriorities(ctx, &elbv2.SetRulePrioritiesInput{RulePriorities: []types.RulePriorityPair{
				{RuleArn: aws.String(arnRule), Priority: aws.Int32(1)}, {RuleArn: aws.String(arnRule + "0"), Priority: aws.Int32(2)}}})
			return err
		}},
		{name: "register targets", call: func(ctx context.Context) error {
			_, err := c.RegisterTargets(ctx, &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(arnTG),
				Targets: []types.TargetDescription{{Id: aws.String("10.0.1.7"), Port: aws.Int32(8080), AvailabilityZone: aws.String("eu-west-1a")}}})
			return err
		}},
		{name: "describe load balancers by name, paged", call: func(ctx context.Context) error {
			_, err := c.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{"a", "b"}, Marker: aws.String("m"), PageSize: aws.Int32(400)})
			return err
		}},
		{name: "describe with an empty list", call: func(ctx context.Context) error {
			_, err := c.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{Names: []string{}})
			return err
		}},
		{name: "describe tags", call: func(ctx context.Context) error {
			_, err := c.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: []string{arnLB, arnTG}})
			return err
		}},
		{name: "remove tags", call: func(ctx context.Context) error {
			_, err := c.RemoveTags(ctx, &elbv2.RemoveTagsInput{ResourceArns: []string{arnLB}, TagKeys: []string{"team"}})
			return err
		}},
		{name: "target group attributes", call: func(ctx context.Context) error {
			_, err := c.ModifyTargetGroupAttributes(ctx, &elbv2.ModifyTargetGroupAttributesInput{TargetGroupArn: aws.String(arnTG),
				Attributes: []types.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("30")}}})
			return err
		}},
		{name: "load balancer attributes", call: func(ctx context.Context) error {
			_, err := c.ModifyLoadBalancerAttributes(ctx, &elbv2.ModifyLoadBalancerAttributesInput{LoadBalancerArn: aws.String(arnLB),
				Attributes: []types.LoadBalancerAttribute{{Key: aws.String("idle_timeout.timeout_seconds"), Value: aws.String("60")}}})
			return err
		}},
		{name: "set subnets with mappings", call: func(ctx context.Context) error {
			_, err := c.SetSubnets(ctx, &elbv2.SetSubnetsInput{LoadBalancerArn: aws.String(arnLB),
				SubnetMappings: []types.SubnetMapping{{SubnetId: aws.String("subnet-1")}, {SubnetId: aws.String("subnet-2")}}})
			return err
		}},
	})
}

// What AWS would refuse is refused with ValidationError and AWS's wording.
func TestELBv2InvalidRequestsAreRefused(t *testing.T) {
	c := elbv2Client(t)
	runSDKCases(t, []sdkCase{
		{name: "scheme outside the enum", code: "ValidationError",
			msg: "1 validation error detected: Value 'public' at 'scheme' failed to satisfy constraint: Member must satisfy enum value set: [internet-facing, internal]",
			call: func(ctx context.Context) error {
				_, err := c.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("lb"), Scheme: "public"})
				return err
			}},
		{name: "port out of range", code: "ValidationError",
			msg: "Value '70000' at 'port' failed to satisfy constraint: Member must have value less than or equal to 65535",
			call: func(ctx context.Context) error {
				_, err := c.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String("tg"), Port: aws.Int32(70000)})
				return err
			}},
		{name: "tag key too long", code: "ValidationError",
			msg: "at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128",
			call: func(ctx context.Context) error {
				_, err := c.AddTags(ctx, &elbv2.AddTagsInput{ResourceArns: []string{arnLB}, Tags: sdkTags(strings.Repeat("k", 129), "v")})
				return err
			}},
		{name: "an empty tag list", code: "ValidationError",
			msg: "Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1",
			call: func(ctx context.Context) error {
				_, err := c.AddTags(ctx, &elbv2.AddTagsInput{ResourceArns: []string{arnLB}, Tags: []types.Tag{}})
				return err
			}},
		{name: "priority zero and two errors at once", code: "ValidationError",
			msg: "2 validation errors detected: Value 'teapot' at 'actions.1.member.type' failed to satisfy constraint: Member must satisfy enum value set: [forward, authenticate-oidc, authenticate-cognito, redirect, fixed-response]; Value '0' at 'priority' failed to satisfy constraint: Member must have value greater than or equal to 1",
			call: func(ctx context.Context) error {
				_, err := c.CreateRule(ctx, &elbv2.CreateRuleInput{ListenerArn: aws.String(arnListener), Priority: aws.Int32(0),
					Actions: []types.Action{{Type: "teapot"}}, Conditions: []types.RuleCondition{{Field: aws.String("path-pattern")}}})
				return err
			}},
		{name: "a fixed response status outside the pattern", code: "ValidationError",
			msg: "Value '600' at 'defaultActions.1.member.fixedResponseConfig.statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(2|4|5)\\d\\d$",
			call: func(ctx context.Context) error {
				_, err := c.ModifyListener(ctx, &elbv2.ModifyListenerInput{ListenerArn: aws.String(arnListener),
					DefaultActions: []types.Action{{Type: types.ActionTypeEnumFixedResponse, FixedResponseConfig: &types.FixedResponseActionConfig{StatusCode: aws.String("600")}}}})
				return err
			}},
		{name: "a tag key with a character AWS refuses", code: "ValidationError",
			msg: "Value 'team#1' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern",
			call: func(ctx context.Context) error {
				_, err := c.AddTags(ctx, &elbv2.AddTagsInput{ResourceArns: []string{arnLB}, Tags: sdkTags("team#1", "v")})
				return err
			}},
		{name: "page size over the limit", code: "ValidationError",
			msg: "Value '401' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 400",
			call: func(ctx context.Context) error {
				_, err := c.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{PageSize: aws.Int32(401)})
				return err
			}},
	})
}
