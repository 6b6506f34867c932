package awstest_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/smithy-go"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

// iamMessage is IAM's refusal of action on arn when no statement allows it.
func iamMessage(action, arn string) string {
	return "User: " + awstest.DefaultPrincipal + " is not authorized to perform: " + action + " on resource: " + arn +
		" because no identity-based policy allows the " + action + " action"
}

// wantRefusal checks what the SDK's error parsing makes of a refused call: the service's
// code and IAM's message, exactly, with EC2's sentence before it.
func wantRefusal(t *testing.T, err error, code, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want an API error", err)
	}
	if ae.ErrorCode() != code || ae.ErrorMessage() != message {
		t.Fatalf("refusal = %s: %q\nwant      %s: %q", ae.ErrorCode(), ae.ErrorMessage(), code, message)
	}
	if n := strings.Count(err.Error(), "is not authorized to perform"); n != 1 {
		t.Fatalf("the error says IAM's message %d times: %v", n, err)
	}
}

// A refused call answers as each service does, whatever error Options.Authorize refused
// with: the SDK reads IAM's words, once, and the code a caller tests for.
func TestRefusalsReadAsIAMs(t *testing.T) {
	const certARN = "arn:aws:acm:us-west-2:123456789012:certificate/0b0b0b0b-0000-4000-8000-000000000000"
	p, err := awstest.PolicyAuthorizer(porticoPolicyJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	for name, authorize := range map[string]func(awstest.AuthRequest) error{
		"the policy":          p.Authorize,
		"an error of its own": func(awstest.AuthRequest) error { return errors.New("not yours") },
		"a wrapped refusal":   func(r awstest.AuthRequest) error { return fmt.Errorf("policy: %w", p.Authorize(r)) },
		"an API error of IAM's": func(r awstest.AuthRequest) error {
			return &awstest.APIError{Status: 403, Code: "AccessDenied", Message: "no"}
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awstest.Options{Authorize: func(r awstest.AuthRequest) error {
				if strings.HasPrefix(r.Action, "ec2:Describe") {
					return nil
				}
				return authorize(r)
			}})
			sg := "arn:aws:ec2:us-west-2:123456789012:security-group/" + awstest.DefaultNodeSecurityGroup
			_, err := e.ec2.DeleteSecurityGroup(e.ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(awstest.DefaultNodeSecurityGroup)})
			wantRefusal(t, err, "UnauthorizedOperation", "You are not authorized to perform this operation. "+iamMessage("ec2:DeleteSecurityGroup", sg))
			_, err = e.acm.DeleteCertificate(e.ctx, &acm.DeleteCertificateInput{CertificateArn: aws.String(certARN)})
			wantRefusal(t, err, "AccessDeniedException", iamMessage("acm:DeleteCertificate", certARN))
			_, err = e.elb.DescribeLoadBalancers(e.ctx, &elb.DescribeLoadBalancersInput{}, noRetry)
			if name != "the policy" {
				wantRefusal(t, err, "AccessDenied", iamMessage("elasticloadbalancing:DescribeLoadBalancers", "*"))
			} else if err != nil {
				t.Fatalf("a describe the policy allows: %v", err)
			}
		})
	}
}
