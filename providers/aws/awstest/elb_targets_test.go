package awstest_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Step(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (e *env) states(t *testing.T, tgARN string) string {
	t.Helper()
	out, err := e.elb.DescribeTargetHealth(e.ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: &tgARN})
	if err != nil {
		t.Fatal(err)
	}
	s := ""
	for _, d := range out.TargetHealthDescriptions {
		s += fmt.Sprintf("%s:%d=%s ", *d.Target.Id, *d.Target.Port, d.TargetHealth.State)
	}
	return s
}

func TestTargetHealthLifecycle(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e := newEnv(t, awstest.Options{HealthyAfterReads: 1, Clock: clock})
	lb := e.createLB(t, "web")
	tg := e.createTG(t, "tg", elbtypes.TargetTypeEnumIp)
	arn := *tg.TargetGroupArn
	targets := []elbtypes.TargetDescription{{Id: aws.String("10.0.128.10")}, {Id: aws.String("10.0.128.11"), Port: aws.Int32(9090)}}
	if _, err := e.elb.RegisterTargets(e.ctx, &elb.RegisterTargetsInput{TargetGroupArn: &arn, Targets: targets}); err != nil {
		t.Fatal(err)
	}
	if got := e.states(t, arn); got != "10.0.128.10:8080=unused 10.0.128.11:9090=unused " {
		t.Fatalf("before a listener uses the group: %s", got)
	}
	e.createListener(t, *lb.LoadBalancerArn, 80, arn)
	if got := e.states(t, arn); got != "10.0.128.10:8080=initial 10.0.128.11:9090=initial " {
		t.Fatalf("just registered: %s", got)
	}
	if got := e.states(t, arn); got != "10.0.128.10:8080=healthy 10.0.128.11:9090=healthy " {
		t.Fatalf("after HealthyAfterReads: %s", got)
	}
	if !e.srv.SetTargetHealth(arn, "10.0.128.11", 9090, elbtypes.TargetHealthStateEnumUnhealthy, elbtypes.TargetHealthReasonEnumFailedHealthChecks) {
		t.Fatal("SetTargetHealth found no target")
	}
	if got := e.states(t, arn); got != "10.0.128.10:8080=healthy 10.0.128.11:9090=unhealthy " {
		t.Fatalf("after SetTargetHealth: %s", got)
	}
	_, err := e.elb.ModifyTargetGroupAttributes(e.ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: &arn,
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("30")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.elb.DeregisterTargets(e.ctx, &elb.DeregisterTargetsInput{TargetGroupArn: &arn, Targets: targets[:1]}); err != nil {
		t.Fatal(err)
	}
	if got := e.states(t, arn); got != "10.0.128.10:8080=draining 10.0.128.11:9090=unhealthy " {
		t.Fatalf("deregistered: %s", got)
	}
	clock.Step(30 * time.Second)
	if got := e.states(t, arn); got != "10.0.128.11:9090=unhealthy " {
		t.Fatalf("after the deregistration delay: %s", got)
	}
	_, err = e.elb.DeregisterTargets(e.ctx, &elb.DeregisterTargetsInput{TargetGroupArn: &arn, Targets: targets[:1]})
	wantCode(t, err, "InvalidTarget")
}

func TestRegisterTargetsChecksTargets(t *testing.T) {
	e := newEnv(t, awstest.Options{Limits: awstest.Limits{TargetsPerTargetGroup: 2}})
	e.srv.AddInstance("i-0123456789abcdef0", awstest.DefaultVPC, awstest.DefaultPrivateSubnets[0], "10.0.128.5")
	ipTG := e.createTG(t, "ip", elbtypes.TargetTypeEnumIp)
	instTG := e.createTG(t, "inst", elbtypes.TargetTypeEnumInstance)
	reg := func(tg elbtypes.TargetGroup, ids ...string) error {
		var ts []elbtypes.TargetDescription
		for _, id := range ids {
			ts = append(ts, elbtypes.TargetDescription{Id: aws.String(id)})
		}
		_, err := e.elb.RegisterTargets(e.ctx, &elb.RegisterTargetsInput{TargetGroupArn: tg.TargetGroupArn, Targets: ts})
		return err
	}
	wantCode(t, reg(ipTG, "192.168.0.1"), "InvalidTarget")
	_, err := e.elb.RegisterTargets(e.ctx, &elb.RegisterTargetsInput{TargetGroupArn: ipTG.TargetGroupArn,
		Targets: []elbtypes.TargetDescription{{Id: aws.String("8.8.8.8"), AvailabilityZone: aws.String("all")}}})
	wantCode(t, err, "InvalidTarget") // outside the VPC, zone all, but public
	_, err = e.elb.RegisterTargets(e.ctx, &elb.RegisterTargetsInput{TargetGroupArn: ipTG.TargetGroupArn,
		Targets: []elbtypes.TargetDescription{{Id: aws.String("192.168.0.1"), AvailabilityZone: aws.String("all")}}})
	wantCode(t, err, "") // outside the VPC in a private range, zone all
	_, err = e.elb.DeregisterTargets(e.ctx, &elb.DeregisterTargetsInput{TargetGroupArn: ipTG.TargetGroupArn,
		Targets: []elbtypes.TargetDescription{{Id: aws.String("192.168.0.1")}}})
	wantCode(t, err, "")
	wantCode(t, reg(instTG, "i-unknown"), "InvalidTarget")
	wantCode(t, reg(instTG, "i-0123456789abcdef0"), "")
	wantCode(t, reg(ipTG, "10.0.0.1", "10.0.0.2", "10.0.0.3"), "TooManyTargets")
	wantCode(t, reg(ipTG, "10.0.0.1", "10.0.0.2"), "")
	wantCode(t, reg(ipTG, "10.0.0.1"), "") // again: no change
	_, err = e.elb.RegisterTargets(e.ctx, &elb.RegisterTargetsInput{TargetGroupArn: ipTG.TargetGroupArn,
		Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.9"), Port: aws.Int32(70000)}}})
	wantCode(t, err, "ValidationError")
	if n := len(e.srv.Targets(*ipTG.TargetGroupArn)); n != 2 {
		t.Errorf("targets = %d, want 2", n)
	}
}

func TestTargetGroupIdempotentAndDuplicate(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	a := e.createTG(t, "tg", elbtypes.TargetTypeEnumIp)
	b := e.createTG(t, "tg", elbtypes.TargetTypeEnumIp)
	if *a.TargetGroupArn != *b.TargetGroupArn {
		t.Fatal("same settings made a second target group")
	}
	_, err := e.elb.CreateTargetGroup(e.ctx, &elb.CreateTargetGroupInput{Name: aws.String("tg"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(9999), VpcId: aws.String(awstest.DefaultVPC), TargetType: elbtypes.TargetTypeEnumIp})
	wantCode(t, err, "DuplicateTargetGroupName")
	out, err := e.elb.ModifyTargetGroup(e.ctx, &elb.ModifyTargetGroupInput{TargetGroupArn: a.TargetGroupArn,
		HealthCheckPath: aws.String("/healthz"), HealthCheckIntervalSeconds: aws.Int32(10), Matcher: &elbtypes.Matcher{HttpCode: aws.String("200-399")}})
	if err != nil {
		t.Fatal(err)
	}
	got := out.TargetGroups[0]
	if *got.HealthCheckPath != "/healthz" || *got.HealthCheckIntervalSeconds != 10 || *got.Matcher.HttpCode != "200-399" || *got.HealthCheckPort != "traffic-port" {
		t.Errorf("modified = %+v", got)
	}
	_, err = e.elb.ModifyTargetGroup(e.ctx, &elb.ModifyTargetGroupInput{TargetGroupArn: a.TargetGroupArn, HealthCheckTimeoutSeconds: aws.Int32(20)})
	wantCode(t, err, "ValidationError")
	byName, err := e.elb.DescribeTargetGroups(e.ctx, &elb.DescribeTargetGroupsInput{Names: []string{"tg"}})
	if err != nil || len(byName.TargetGroups) != 1 || *byName.TargetGroups[0].HealthCheckPath != "/healthz" {
		t.Fatalf("by name: %+v, %v", byName, err)
	}
	_, err = e.elb.DescribeTargetGroups(e.ctx, &elb.DescribeTargetGroupsInput{Names: []string{"nope"}})
	wantCode(t, err, "TargetGroupNotFound")
	_, err = e.elb.DescribeTargetGroups(e.ctx, &elb.DescribeTargetGroupsInput{Names: []string{"tg"}, TargetGroupArns: []string{*a.TargetGroupArn}})
	wantCode(t, err, "ValidationError")
}

func TestDescribeTargetGroupsByLoadBalancer(t *testing.T) {
	e, l, tg := listenerEnv(t, awstest.Options{PageSize: 1})
	e.createTG(t, "unused", elbtypes.TargetTypeEnumIp)
	out, err := e.elb.DescribeTargetGroups(e.ctx, &elb.DescribeTargetGroupsInput{LoadBalancerArn: l.LoadBalancerArn})
	if err != nil || len(out.TargetGroups) != 1 || *out.TargetGroups[0].TargetGroupArn != *tg.TargetGroupArn || out.NextMarker != nil {
		t.Fatalf("by load balancer: %+v, %v", out, err)
	}
	var all []string
	p := elb.NewDescribeTargetGroupsPaginator(e.elb, &elb.DescribeTargetGroupsInput{})
	for p.HasMorePages() {
		pg, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range pg.TargetGroups {
			all = append(all, *g.TargetGroupName)
		}
	}
	if fmt.Sprint(all) != "[tg unused]" {
		t.Errorf("paged: %v", all)
	}
}

func TestTagsRoundTrip(t *testing.T) {
	e, l, tg := listenerEnv(t, awstest.Options{})
	arns := []string{*l.LoadBalancerArn, *tg.TargetGroupArn, *l.ListenerArn}
	_, err := e.elb.AddTags(e.ctx, &elb.AddTagsInput{ResourceArns: arns, Tags: []elbtypes.Tag{
		{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.elb.RemoveTags(e.ctx, &elb.RemoveTagsInput{ResourceArns: arns[:1], TagKeys: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.elb.DescribeTags(e.ctx, &elb.DescribeTagsInput{ResourceArns: arns})
	if err != nil {
		t.Fatal(err)
	}
	if n := []int{len(out.TagDescriptions[0].Tags), len(out.TagDescriptions[1].Tags), len(out.TagDescriptions[2].Tags)}; fmt.Sprint(n) != "[1 2 2]" {
		t.Errorf("tag counts = %v", n)
	}
	_, err = e.elb.AddTags(e.ctx, &elb.AddTagsInput{ResourceArns: arns[:1], Tags: []elbtypes.Tag{
		{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("a"), Value: aws.String("2")}}})
	wantCode(t, err, "DuplicateTagKeys")
	many := make([]string, 21)
	for i := range many {
		many[i] = arns[0]
	}
	_, err = e.elb.DescribeTags(e.ctx, &elb.DescribeTagsInput{ResourceArns: many})
	wantCode(t, err, "ValidationError")
	_, err = e.elb.AddTags(e.ctx, &elb.AddTagsInput{ResourceArns: arns[:1], Tags: []elbtypes.Tag{{Key: aws.String("aws:owner"), Value: aws.String("x")}}})
	wantCode(t, err, "ValidationError")
	_, err = e.elb.DescribeTags(e.ctx, &elb.DescribeTagsInput{ResourceArns: []string{*tg.TargetGroupArn + "0"}})
	wantCode(t, err, "TargetGroupNotFound")
}
