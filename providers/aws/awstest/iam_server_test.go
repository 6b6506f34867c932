package awstest_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

// The emulator under portico's policy, through the real SDK: a create that carries the
// cluster tag and a delete of what it created pass; an untagged create is refused with
// AWS's AccessDenied, and nothing is created.
func TestServerEnforcesThePolicy(t *testing.T) {
	doc, err := os.ReadFile("../policy.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := awstest.PolicyAuthorizer(doc)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, awstest.Options{Authorize: p.Authorize})
	create := func(name string, tags ...elbtypes.Tag) (*elb.CreateLoadBalancerOutput, error) {
		return e.elb.CreateLoadBalancer(e.ctx, &elb.CreateLoadBalancerInput{Name: aws.String(name),
			Subnets: awstest.DefaultPublicSubnets[:2], Tags: tags}, noRetry)
	}
	_, err = create("untagged")
	wantCode(t, err, "AccessDenied")
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 403 || !strings.Contains(err.Error(),
		"is not authorized to perform: elasticloadbalancing:CreateLoadBalancer on resource: arn:aws:elasticloadbalancing:") {
		t.Fatalf("err = %v, want 403 and IAM's message", err)
	}
	out, err := create("shop", elbtypes.Tag{Key: aws.String("portico.dev/cluster"), Value: aws.String("c1")})
	if err != nil {
		t.Fatalf("tagged create: %v", err)
	}
	lbs, err := e.elb.DescribeLoadBalancers(e.ctx, &elb.DescribeLoadBalancersInput{})
	if err != nil || len(lbs.LoadBalancers) != 1 {
		t.Fatalf("describe: %v, %d load balancers, want only the tagged one", err, len(lbs.LoadBalancers))
	}
	if _, err := e.elb.DeleteLoadBalancer(e.ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: out.LoadBalancers[0].LoadBalancerArn}); err != nil {
		t.Fatalf("delete of an owned load balancer: %v", err)
	}
	used := p.Used()
	for _, a := range []string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DeleteLoadBalancer"} {
		if !slices.Contains(used, a) {
			t.Errorf("Used() = %v, want %s", used, a)
		}
	}
}
