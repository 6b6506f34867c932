package awstest_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

// A policy that lets listeners and rules be made only on what the cluster owns, written
// as AWS checks those creates: CreateListener on the load balancer, CreateRule on the
// listener, each with its tags (Service Authorization Reference).
const createOnOwnedPolicy = `{"Version":"2012-10-17","Statement":[
	{"Effect":"Allow","Action":["elasticloadbalancing:CreateLoadBalancer","elasticloadbalancing:CreateTargetGroup",
		"elasticloadbalancing:AddTags","elasticloadbalancing:Describe*"],"Resource":"*"},
	{"Effect":"Allow","Action":["elasticloadbalancing:CreateListener","elasticloadbalancing:CreateRule"],"Resource":"*",
		"Condition":{"Null":{"aws:ResourceTag/` + clusterTag + `":"false"}}}]}`

func TestCreatesAreCheckedOnWhatTheyGoInto(t *testing.T) {
	e := policyEnv(t, []byte(createOnOwnedPolicy))
	owned := e.createLB(t, "owned", elbtypes.Tag{Key: aws.String(clusterTag), Value: aws.String("c1")})
	foreign := e.createLB(t, "foreign")
	tg := e.createTG(t, "tg", elbtypes.TargetTypeEnumIp)
	listen := func(lb elbtypes.LoadBalancer) (*elb.CreateListenerOutput, error) {
		return e.elb.CreateListener(e.ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp,
			Port: aws.Int32(80), DefaultActions: forward(*tg.TargetGroupArn), Tags: []elbtypes.Tag{{Key: aws.String(clusterTag), Value: aws.String("c1")}}}, noRetry)
	}
	_, err := listen(foreign)
	wantCode(t, err, "AccessDenied")
	if !strings.Contains(err.Error(), "CreateListener on resource: "+*foreign.LoadBalancerArn+" ") {
		t.Errorf("refusal %v, want one on the load balancer", err)
	}
	out, err := listen(owned)
	if err != nil {
		t.Fatalf("a listener on an owned load balancer: %v", err)
	}
	rule := func(l elbtypes.Listener) error {
		_, err := e.elb.CreateRule(e.ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(1),
			Conditions: hostPath("a.example.com", "/"), Actions: forward(*tg.TargetGroupArn)}, noRetry)
		return err
	}
	if err := rule(out.Listeners[0]); err != nil {
		t.Fatalf("a rule on an owned listener: %v", err)
	}
	untagged := e.createListener(t, *owned.LoadBalancerArn, 8080, *tg.TargetGroupArn)
	wantCode(t, rule(untagged), "AccessDenied")
}

// What IAM is asked for the creates that tag what they make and for ACM's reads.
func TestAuthorizeSeesTheResourcesAWSChecks(t *testing.T) {
	var asked []awstest.AuthRequest
	e := newEnv(t, awstest.Options{Authorize: func(r awstest.AuthRequest) error {
		asked = append(asked, r)
		return nil
	}})
	last := func(action string) awstest.AuthRequest {
		for i := len(asked) - 1; i >= 0; i-- {
			if asked[i].Action == action {
				return asked[i]
			}
		}
		t.Fatalf("%s was not asked", action)
		return awstest.AuthRequest{}
	}
	e.createSG(t, "lb", map[string]string{clusterTag: "c1"})
	create := last("ec2:CreateSecurityGroup")
	if len(create.Resources) != 2 || !strings.HasSuffix(create.Resources[1].ARN, ":vpc/"+awstest.DefaultVPC) {
		t.Errorf("CreateSecurityGroup asked about %+v, want the new group and its VPC", create.Resources)
	}
	if tagging := last("ec2:CreateTags"); len(tagging.Resources) != 1 || !strings.Contains(tagging.Resources[0].ARN, ":security-group/") {
		t.Errorf("the group's tags were asked about %+v, want the group alone", tagging.Resources)
	}

	certPEM, keyPEM := selfSigned(t, rsaKey(t), "shop.example.com")
	arn := e.importCert(t, certPEM, keyPEM, acmtypes.Tag{Key: aws.String(clusterTag), Value: aws.String("c1")})
	if _, err := e.acm.DescribeCertificate(e.ctx, &acm.DescribeCertificateInput{CertificateArn: &arn}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.acm.ListTagsForCertificate(e.ctx, &acm.ListTagsForCertificateInput{CertificateArn: &arn}); err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"acm:DescribeCertificate", "acm:ListTagsForCertificate"} {
		if got := last(action).Resources; len(got) != 1 || got[0].ARN != arn || got[0].Tags[clusterTag] != "c1" {
			t.Errorf("%s asked about %+v, want the certificate with its tags", action, got)
		}
	}
	if _, err := e.ec2.DescribeVpcs(e.ctx, &ec2.DescribeVpcsInput{}); err != nil {
		t.Fatal(err)
	}
	if got := last("ec2:DescribeVpcs").Resources; len(got) != 1 || got[0].ARN != "*" {
		t.Errorf("DescribeVpcs asked about %+v, want *", got)
	}
}

// An EC2 dry run asks IAM what the call itself would: the policy's answer for the group,
// its VPC and its tags, not one for "*", and nothing changes.
func TestDryRunAsksWhatTheCallWould(t *testing.T) {
	e := policyEnv(t, porticoPolicyJSON(t))
	create := func(tags map[string]string) error {
		spec := ec2types.TagSpecification{ResourceType: ec2types.ResourceTypeSecurityGroup}
		for k, v := range tags {
			spec.Tags = append(spec.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		_, err := e.ec2.CreateSecurityGroup(e.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("dry"), Description: aws.String("dry"),
			VpcId: aws.String(awstest.DefaultVPC), TagSpecifications: []ec2types.TagSpecification{spec}, DryRun: aws.Bool(true)})
		return err
	}
	wantCode(t, create(map[string]string{clusterTag: "c1"}), "DryRunOperation")
	wantCode(t, create(map[string]string{"team": "a"}), "UnauthorizedOperation")
	owned := e.createSG(t, "owned", map[string]string{clusterTag: "c1"})
	del := func(id string) error {
		_, err := e.ec2.DeleteSecurityGroup(e.ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id), DryRun: aws.Bool(true)})
		return err
	}
	wantCode(t, del(owned), "DryRunOperation")
	wantCode(t, del(awstest.DefaultNodeSecurityGroup), "UnauthorizedOperation")
	for _, r := range e.srv.Inventory() {
		if r.Name == "dry" {
			t.Fatal("a dry run created a group")
		}
	}
	if _, ok := e.srv.SecurityGroup(owned); !ok {
		t.Fatal("a dry run deleted a group")
	}
}

// Under portico's policy a listener goes only onto a load balancer the cluster owns: a
// user's ALB, which a request tagged for the cluster would otherwise get a listener on,
// is refused.
func TestPolicyKeepsListenersOffAUsersLoadBalancer(t *testing.T) {
	p, err := awstest.PolicyAuthorizer(porticoPolicyJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	seeding := true
	e := newEnv(t, awstest.Options{Authorize: func(r awstest.AuthRequest) error {
		if seeding {
			return nil
		}
		return p.Authorize(r)
	}})
	users := e.createLB(t, "users")
	owned := e.createLB(t, "owned", elbtypes.Tag{Key: aws.String(clusterTag), Value: aws.String("c1")})
	tg := e.createTG(t, "tg", elbtypes.TargetTypeEnumIp)
	seeding = false
	listen := func(lb elbtypes.LoadBalancer) error {
		_, err := e.elb.CreateListener(e.ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp,
			Port: aws.Int32(80), DefaultActions: forward(*tg.TargetGroupArn), Tags: []elbtypes.Tag{{Key: aws.String(clusterTag), Value: aws.String("c1")}}}, noRetry)
		return err
	}
	wantCode(t, listen(users), "AccessDenied")
	if err := listen(owned); err != nil {
		t.Fatalf("a listener on the cluster's load balancer: %v", err)
	}
}

// A policy that keeps the role in one region, with the global aws:RequestedRegion key,
// refuses calls to any other.
func TestPolicySeesTheRequestedRegion(t *testing.T) {
	p, err := awstest.PolicyAuthorizer([]byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["ec2:Describe*","elasticloadbalancing:Describe*"],"Resource":"*"},
		{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for region, want := range map[string]string{"eu-west-1": "", "us-west-2": "AccessDenied"} {
		e := newEnv(t, awstest.Options{Region: region, Authorize: p.Authorize})
		_, err := e.elb.DescribeLoadBalancers(e.ctx, &elb.DescribeLoadBalancersInput{}, noRetry)
		wantCode(t, err, want)
	}
}
