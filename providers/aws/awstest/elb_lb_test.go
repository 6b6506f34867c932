package awstest_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

func TestCreateLoadBalancerRoundTrip(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	lb := e.createLB(t, "web", elbtypes.Tag{Key: aws.String("cluster"), Value: aws.String("c1")})
	if !strings.HasPrefix(*lb.LoadBalancerArn, "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/web/") {
		t.Errorf("ARN = %s", *lb.LoadBalancerArn)
	}
	if lb.State.Code != elbtypes.LoadBalancerStateEnumProvisioning {
		t.Errorf("create answered state %s, want provisioning", lb.State.Code)
	}
	out, err := e.elb.DescribeLoadBalancers(e.ctx, &elb.DescribeLoadBalancersInput{Names: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	got := out.LoadBalancers[0]
	if got.Scheme != elbtypes.LoadBalancerSchemeEnumInternetFacing || *got.VpcId != awstest.DefaultVPC ||
		len(got.AvailabilityZones) != 2 || *got.AvailabilityZones[0].ZoneName != "us-west-2a" ||
		len(got.SecurityGroups) != 1 || got.State.Code != elbtypes.LoadBalancerStateEnumActive || got.CreatedTime == nil {
		t.Errorf("described %+v", got)
	}
	tags, err := e.elb.DescribeTags(e.ctx, &elb.DescribeTagsInput{ResourceArns: []string{*lb.LoadBalancerArn}})
	if err != nil || len(tags.TagDescriptions) != 1 || len(tags.TagDescriptions[0].Tags) != 1 || *tags.TagDescriptions[0].Tags[0].Value != "c1" {
		t.Fatalf("DescribeTags = %+v, %v", tags, err)
	}
}

func TestCreateLoadBalancerIsIdempotent(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	first := e.createLB(t, "web")
	again := e.createLB(t, "web")
	if *first.LoadBalancerArn != *again.LoadBalancerArn {
		t.Fatalf("same settings made a second load balancer: %s, %s", *first.LoadBalancerArn, *again.LoadBalancerArn)
	}
	_, err := e.elb.CreateLoadBalancer(e.ctx, &elb.CreateLoadBalancerInput{Name: aws.String("web"),
		Subnets: awstest.DefaultPublicSubnets, Scheme: elbtypes.LoadBalancerSchemeEnumInternal})
	wantCode(t, err, "DuplicateLoadBalancerName")
}

func TestCreateLoadBalancerErrors(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	e.srv.AddVPC("vpc-other", "10.1.0.0/16")
	e.srv.AddSubnet("subnet-other", "vpc-other", "us-west-2b", "10.1.0.0/20", nil)
	e.srv.AddSubnet("subnet-samezone", awstest.DefaultVPC, "us-west-2a", "10.0.64.0/20", nil)
	pub := awstest.DefaultPublicSubnets
	for _, tc := range []struct {
		name string
		in   elb.CreateLoadBalancerInput
		code string
	}{
		{"name too long", elb.CreateLoadBalancerInput{Name: aws.String(strings.Repeat("a", 33)), Subnets: pub}, "ValidationError"},
		{"name starts with hyphen", elb.CreateLoadBalancerInput{Name: aws.String("-web"), Subnets: pub}, "ValidationError"},
		{"name has underscore", elb.CreateLoadBalancerInput{Name: aws.String("my_lb"), Subnets: pub}, "ValidationError"},
		{"internal- prefix", elb.CreateLoadBalancerInput{Name: aws.String("internal-web"), Subnets: pub}, "ValidationError"},
		{"one zone", elb.CreateLoadBalancerInput{Name: aws.String("a"), Subnets: pub[:1]}, "ValidationError"},
		{"unknown subnet", elb.CreateLoadBalancerInput{Name: aws.String("a"), Subnets: []string{"subnet-nope", pub[0]}}, "SubnetNotFound"},
		{"two VPCs", elb.CreateLoadBalancerInput{Name: aws.String("a"), Subnets: []string{pub[0], "subnet-other"}}, "InvalidSubnet"},
		{"same zone twice", elb.CreateLoadBalancerInput{Name: aws.String("a"), Subnets: []string{pub[0], "subnet-samezone", pub[1]}}, "InvalidConfigurationRequest"},
		{"unknown group", elb.CreateLoadBalancerInput{Name: aws.String("a"), Subnets: pub, SecurityGroups: []string{"sg-nope"}}, "InvalidSecurityGroup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.elb.CreateLoadBalancer(e.ctx, &tc.in)
			wantCode(t, err, tc.code)
		})
	}
	if inv := e.srv.Inventory(); len(inv) != 1 { // the seeded node group only
		t.Errorf("failed creates left %v", inv)
	}
}

func TestDescribeLoadBalancersPages(t *testing.T) {
	e := newEnv(t, awstest.Options{PageSize: 2})
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		e.createLB(t, n)
	}
	var names []string
	p := elb.NewDescribeLoadBalancersPaginator(e.elb, &elb.DescribeLoadBalancersInput{})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, lb := range out.LoadBalancers {
			names = append(names, *lb.LoadBalancerName)
		}
	}
	if strings.Join(names, ",") != "a,b,c,d,e" || pages != 3 {
		t.Fatalf("walked %d pages: %v", pages, names)
	}
	_, err := e.elb.DescribeLoadBalancers(e.ctx, &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(401)})
	wantCode(t, err, "ValidationError")
	_, err = e.elb.DescribeLoadBalancers(e.ctx, &elb.DescribeLoadBalancersInput{Marker: aws.String("garbage")})
	wantCode(t, err, "ValidationError")
	_, err = e.elb.DescribeLoadBalancers(e.ctx, &elb.DescribeLoadBalancersInput{Names: []string{"a", "zzz"}})
	wantCode(t, err, "LoadBalancerNotFound")
}

func TestProvisioningThenActive(t *testing.T) {
	e := newEnv(t, awstest.Options{ProvisioningReads: 2})
	lb := e.createLB(t, "web")
	var states []elbtypes.LoadBalancerStateEnum
	for range 3 {
		out, err := e.elb.DescribeLoadBalancers(e.ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{*lb.LoadBalancerArn}})
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, out.LoadBalancers[0].State.Code)
	}
	want := []elbtypes.LoadBalancerStateEnum{"provisioning", "provisioning", "active"}
	for i := range want {
		if states[i] != want[i] {
			t.Fatalf("states = %v, want %v", states, want)
		}
	}
	waiter := elb.NewLoadBalancerAvailableWaiter(e.elb)
	if err := waiter.Wait(e.ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{*lb.LoadBalancerArn}}, 1e9); err != nil {
		t.Fatalf("the SDK's waiter: %v", err)
	}
}

func TestVisibilityDelay(t *testing.T) {
	e := newEnv(t, awstest.Options{VisibilityDelay: 2})
	lb := e.createLB(t, "web")
	in := &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{*lb.LoadBalancerArn}}
	for i := range 2 {
		_, err := e.elb.DescribeLoadBalancers(e.ctx, in, noRetry)
		if code(err) != "LoadBalancerNotFound" {
			t.Fatalf("read %d of a just-created load balancer: %v, want LoadBalancerNotFound", i, err)
		}
	}
	if _, err := e.elb.DescribeLoadBalancers(e.ctx, in); err != nil {
		t.Fatalf("after the delay: %v", err)
	}
}

func TestLoadBalancerUpdates(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	lb := e.createLB(t, "web")
	arn := lb.LoadBalancerArn
	if _, err := e.elb.SetSubnets(e.ctx, &elb.SetSubnetsInput{LoadBalancerArn: arn, Subnets: awstest.DefaultPublicSubnets}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.elb.SetSecurityGroups(e.ctx, &elb.SetSecurityGroupsInput{LoadBalancerArn: arn, SecurityGroups: []string{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.elb.SetIpAddressType(e.ctx, &elb.SetIpAddressTypeInput{LoadBalancerArn: arn, IpAddressType: elbtypes.IpAddressTypeDualstack}); err != nil {
		t.Fatal(err)
	}
	got, _, _ := e.srv.LoadBalancer(*arn)
	if len(got.AvailabilityZones) != 3 || len(got.SecurityGroups) != 0 || got.IpAddressType != elbtypes.IpAddressTypeDualstack {
		t.Errorf("after updates: %+v", got)
	}
	_, err := e.elb.ModifyLoadBalancerAttributes(e.ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerArn: arn,
		Attributes: []elbtypes.LoadBalancerAttribute{{Key: aws.String("deletion_protection.enabled"), Value: aws.String("true")}}})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := e.elb.DescribeLoadBalancerAttributes(e.ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerArn: arn})
	if err != nil || !hasAttr(attrs.Attributes, "deletion_protection.enabled", "true") || !hasAttr(attrs.Attributes, "idle_timeout.timeout_seconds", "60") {
		t.Fatalf("attributes = %+v, %v", attrs, err)
	}
	_, err = e.elb.DeleteLoadBalancer(e.ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: arn})
	wantCode(t, err, "OperationNotPermitted")
	_, err = e.elb.ModifyLoadBalancerAttributes(e.ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerArn: arn,
		Attributes: []elbtypes.LoadBalancerAttribute{{Key: aws.String("idle_timeout.timeout_seconds"), Value: aws.String("0")}}})
	wantCode(t, err, "ValidationError")
}

func hasAttr(attrs []elbtypes.LoadBalancerAttribute, k, v string) bool {
	for _, a := range attrs {
		if *a.Key == k && *a.Value == v {
			return true
		}
	}
	return false
}

func TestDeleteLoadBalancerDeletesListenersAndRules(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	lb := e.createLB(t, "web")
	tg := e.createTG(t, "tg", elbtypes.TargetTypeEnumIp)
	e.createListener(t, *lb.LoadBalancerArn, 80, *tg.TargetGroupArn)
	if _, err := e.elb.DeleteLoadBalancer(e.ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: lb.LoadBalancerArn}); err != nil {
		t.Fatal(err)
	}
	for _, r := range e.srv.Inventory() {
		if r.Kind == "Listener" || r.Kind == "Rule" || r.Kind == "LoadBalancer" {
			t.Errorf("left after delete: %+v", r)
		}
	}
	if _, err := e.elb.DeleteLoadBalancer(e.ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: lb.LoadBalancerArn}); err != nil {
		t.Errorf("deleting what is gone: %v, AWS succeeds", err)
	}
	if _, err := e.elb.DeleteTargetGroup(e.ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: tg.TargetGroupArn}); err != nil {
		t.Errorf("the target group is free once its load balancer is gone: %v", err)
	}
}
