package awstest_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

// TestEveryKindIsEventuallyConsistent: each kind a call creates is missing
// from its describe for VisibilityDelay reads, then there.
func TestEveryKindIsEventuallyConsistent(t *testing.T) {
	e := newEnv(t, awstest.Options{VisibilityDelay: 1})
	ec2Once := func(o *ec2.Options) { o.RetryMaxAttempts = 1 }
	acmOnce := func(o *acm.Options) { o.RetryMaxAttempts = 1 }
	lb := e.createLB(t, "web")
	tg := e.createTG(t, "tg", elbtypes.TargetTypeEnumIp)
	l := e.createListener(t, *lb.LoadBalancerArn, 80, *tg.TargetGroupArn)
	rule, err := e.elb.CreateRule(e.ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(1),
		Conditions: hostPath("a.example.com", "/"), Actions: forward(*tg.TargetGroupArn)})
	if err != nil {
		t.Fatal(err)
	}
	sg := e.createSG(t, "lb", nil)
	certPEM, keyPEM := selfSigned(t, rsaKey(t), "a.example.com")
	cert := e.importCert(t, certPEM, keyPEM)
	for _, tc := range []struct {
		kind, code string
		read       func() error
	}{
		{"target group", "TargetGroupNotFound", func() error {
			_, err := e.elb.DescribeTargetGroups(e.ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: []string{*tg.TargetGroupArn}}, noRetry)
			return err
		}},
		{"listener", "ListenerNotFound", func() error {
			_, err := e.elb.DescribeListeners(e.ctx, &elb.DescribeListenersInput{ListenerArns: []string{*l.ListenerArn}}, noRetry)
			return err
		}},
		{"rule", "RuleNotFound", func() error {
			_, err := e.elb.DescribeRules(e.ctx, &elb.DescribeRulesInput{RuleArns: []string{*rule.Rules[0].RuleArn}}, noRetry)
			return err
		}},
		{"security group", "InvalidGroup.NotFound", func() error {
			_, err := e.ec2.DescribeSecurityGroups(e.ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{sg}}, ec2Once)
			return err
		}},
		{"certificate", "ResourceNotFoundException", func() error {
			_, err := e.acm.DescribeCertificate(e.ctx, &acm.DescribeCertificateInput{CertificateArn: &cert}, acmOnce)
			return err
		}},
	} {
		wantCode(t, tc.read(), tc.code)
		if err := tc.read(); err != nil {
			t.Errorf("%s after the delay: %v", tc.kind, err)
		}
	}
}

func TestLatencyIsAdded(t *testing.T) {
	e := newEnv(t, awstest.Options{Faults: awstest.Faults{Latency: 150 * time.Millisecond}})
	start := time.Now()
	if _, err := e.ec2.DescribeVpcs(e.ctx, &ec2.DescribeVpcsInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("a call took %v under 150ms of latency", d)
	}
	e.srv.SetFaults(awstest.Faults{})
	start = time.Now()
	if _, err := e.ec2.DescribeVpcs(e.ctx, &ec2.DescribeVpcsInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d >= 150*time.Millisecond {
		t.Errorf("a call took %v after the latency was turned off", d)
	}
}

// TestConcurrentClients runs creates and registrations from many goroutines:
// every create lands once and the call log counts every call.
func TestConcurrentClients(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("tg%d", i%8) // two goroutines per name: idempotent creates
			out, err := e.elb.CreateTargetGroup(e.ctx, &elb.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp,
				Port: aws.Int32(80), VpcId: aws.String(awstest.DefaultVPC), TargetType: elbtypes.TargetTypeEnumIp})
			if err == nil {
				_, err = e.elb.RegisterTargets(e.ctx, &elb.RegisterTargetsInput{TargetGroupArn: out.TargetGroups[0].TargetGroupArn,
					Targets: []elbtypes.TargetDescription{{Id: aws.String(fmt.Sprintf("10.0.1.%d", i))}}})
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	groups := 0
	for _, r := range e.srv.Inventory() {
		if r.Kind == "TargetGroup" {
			groups++
			if n := len(e.srv.Targets(r.ID)); n != 2 {
				t.Errorf("%s has %d targets, want 2", r.Name, n)
			}
		}
	}
	if groups != 8 || e.srv.Writes() != 32 {
		t.Errorf("%d target groups and %d writes, want 8 and 32", groups, e.srv.Writes())
	}
}
