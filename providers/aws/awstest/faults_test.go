package awstest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

func TestFaultsWithoutRetriesShowAWSCodes(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	e.srv.ThrottleNext(1)
	_, err := e.elb.DescribeLoadBalancers(e.ctx, &elb.DescribeLoadBalancersInput{}, noRetry)
	wantCode(t, err, "Throttling")
	e.srv.FailNext(1)
	_, err = e.elb.DescribeLoadBalancers(e.ctx, &elb.DescribeLoadBalancersInput{}, noRetry)
	wantCode(t, err, "InternalFailure")
	e.srv.ThrottleNext(1)
	_, err = e.ec2.DescribeVpcs(e.ctx, &ec2.DescribeVpcsInput{}, func(o *ec2.Options) { o.RetryMaxAttempts = 1 })
	wantCode(t, err, "RequestLimitExceeded")
	calls := e.srv.Calls()
	last := calls[len(calls)-1]
	if last.Service != "ec2" || last.Action != "DescribeVpcs" || last.Code != "RequestLimitExceeded" || last.Status != 503 || last.Write {
		t.Errorf("call log: %+v", last)
	}
}

func TestStandardRetryerRidesOutFaults(t *testing.T) {
	e := newEnv(t, awstest.Options{Faults: awstest.Faults{ThrottleRate: 0.2, ServerErrorRate: 0.2, Seed: 7}})
	fast := func(o *elb.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 10
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}
	for i := range 20 {
		if _, err := e.elb.DescribeLoadBalancers(e.ctx, &elb.DescribeLoadBalancersInput{}, fast); err != nil {
			t.Fatalf("call %d failed through retries: %v", i, err)
		}
	}
	failed := 0
	for _, c := range e.srv.Calls() {
		if c.Code != "" {
			failed++
		}
	}
	if failed == 0 {
		t.Error("no fault was injected at 40%")
	}
}

func TestAuthorizeSeesResourcesAndTags(t *testing.T) {
	var seen []awstest.AuthRequest
	e := newEnv(t, awstest.Options{Authorize: func(r awstest.AuthRequest) error {
		seen = append(seen, r)
		if r.Action == "elasticloadbalancing:DeleteLoadBalancer" && r.Resources[0].Tags["owner"] != "me" {
			return errors.New("not yours")
		}
		return nil
	}})
	lb := e.createLB(t, "web", elbtypes.Tag{Key: aws.String("owner"), Value: aws.String("someone")})
	create := seen[0]
	if create.Action != "elasticloadbalancing:CreateLoadBalancer" || create.RequestTags["owner"] != "someone" ||
		create.Context["elasticloadbalancing:CreateAction"] != "CreateLoadBalancer" || !strings.Contains(create.Resources[0].ARN, ":loadbalancer/app/web/") {
		t.Errorf("create asked %+v", create)
	}
	_, err := e.elb.DeleteLoadBalancer(e.ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: lb.LoadBalancerArn})
	wantCode(t, err, "AccessDenied")
	if _, _, ok := e.srv.LoadBalancer(*lb.LoadBalancerArn); !ok {
		t.Error("a denied delete deleted")
	}
	if _, err := e.elb.DescribeLoadBalancers(e.ctx, &elb.DescribeLoadBalancersInput{}); err != nil {
		t.Fatal(err)
	}
	if last := seen[len(seen)-1]; last.Resources[0].ARN != "*" {
		t.Errorf("a describe asked about %+v", last.Resources)
	}
}

// TestLostResponses: a write whose answer is lost happened anyway, so the
// SDK's retry meets what AWS answers a repeated call: the existing load
// balancer, PriorityInUse for a rule, InvalidGroup.Duplicate for a group.
func TestLostResponses(t *testing.T) {
	e, l, tg := listenerEnv(t, awstest.Options{})
	e.srv.LoseNextResponses(1)
	lb, err := e.elb.CreateLoadBalancer(e.ctx, &elb.CreateLoadBalancerInput{Name: aws.String("lost"), Subnets: awstest.DefaultPublicSubnets})
	if err != nil || *lb.LoadBalancers[0].LoadBalancerName != "lost" {
		t.Fatalf("a retried create of a load balancer: %v", err)
	}
	e.srv.LoseNextResponses(1)
	_, err = e.elb.CreateRule(e.ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(1),
		Conditions: hostPath("a.example.com", "/"), Actions: forward(*tg.TargetGroupArn)})
	wantCode(t, err, "PriorityInUse")
	e.srv.LoseNextResponses(1)
	_, err = e.ec2.CreateSecurityGroup(e.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("lost"),
		Description: aws.String("lost"), VpcId: aws.String(awstest.DefaultVPC)})
	wantCode(t, err, "InvalidGroup.Duplicate")
	lbs, rules, groups := 0, 0, 0
	for _, r := range e.srv.Inventory() {
		switch r.Kind {
		case "LoadBalancer":
			lbs++
		case "Rule":
			rules++
		case "SecurityGroup":
			groups++
		}
	}
	if lbs != 2 || rules != 2 || groups != 2 {
		t.Errorf("inventory has %d load balancers, %d rules, %d groups; want each change once (2, 2, 2)", lbs, rules, groups)
	}
}
