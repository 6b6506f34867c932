package awstest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

// env is a seeded server with the SDK's three clients pointed at it.
type env struct {
	srv *awstest.Server
	elb *elb.Client
	ec2 *ec2.Client
	acm *acm.Client
	ctx context.Context
}

func newEnv(t *testing.T, opts awstest.Options) *env {
	t.Helper()
	srv := awstest.New(opts)
	t.Cleanup(srv.Close)
	srv.SeedDefault()
	cfg := srv.Config()
	return &env{srv: srv, elb: elb.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg), acm: acm.NewFromConfig(cfg), ctx: context.Background()}
}

// noRetry turns the SDK's retries off, to see the first answer.
func noRetry(o *elb.Options) { o.RetryMaxAttempts = 1 }

// code is the AWS error code of err, "" for nil.
func code(err error) string {
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return "not an API error: " + err.Error()
}

func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := code(err); got != want {
		t.Fatalf("error code = %q, want %q (err: %v)", got, want, err)
	}
}

func (e *env) createLB(t *testing.T, name string, tags ...elbtypes.Tag) elbtypes.LoadBalancer {
	t.Helper()
	out, err := e.elb.CreateLoadBalancer(e.ctx, &elb.CreateLoadBalancerInput{Name: aws.String(name),
		Subnets: awstest.DefaultPublicSubnets[:2], SecurityGroups: []string{awstest.DefaultNodeSecurityGroup}, Tags: tags})
	if err != nil {
		t.Fatalf("CreateLoadBalancer: %v", err)
	}
	return out.LoadBalancers[0]
}

func (e *env) createTG(t *testing.T, name string, ttype elbtypes.TargetTypeEnum) elbtypes.TargetGroup {
	t.Helper()
	out, err := e.elb.CreateTargetGroup(e.ctx, &elb.CreateTargetGroupInput{Name: aws.String(name),
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(8080), VpcId: aws.String(awstest.DefaultVPC), TargetType: ttype})
	if err != nil {
		t.Fatalf("CreateTargetGroup: %v", err)
	}
	return out.TargetGroups[0]
}

func forward(tgARN string) []elbtypes.Action {
	return []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tgARN)}}
}

func (e *env) createListener(t *testing.T, lbARN string, port int32, tgARN string) elbtypes.Listener {
	t.Helper()
	out, err := e.elb.CreateListener(e.ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(lbARN),
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(port), DefaultActions: forward(tgARN)})
	if err != nil {
		t.Fatalf("CreateListener: %v", err)
	}
	return out.Listeners[0]
}
