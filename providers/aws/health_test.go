package aws_test

import (
	"context"
	"testing"

	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

// healthReads counts the DescribeTargetHealth calls since the log was reset.
func healthReads(cloud *testCloud) int {
	n := 0
	for _, c := range cloud.srv.Calls() {
		if c.Action == "DescribeTargetHealth" {
			n++
		}
	}
	return n
}

func TestHealthIsReadWhileAReadinessGateWaitsAndReportedPerTarget(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{HealthyAfterReads: 2})
	p := cloud.provider(testCluster)
	d := shop()
	d.d.AwaitingHealth = map[string]bool{"web": true}
	var obs *providers.Observed
	for range 5 {
		obs = ensure(t, p, d.d)
		if hs := obs.Health["web"]; len(hs) == 2 && hs[0].State == providers.HealthHealthy && hs[1].State == providers.HealthHealthy {
			break
		}
	}
	hs := obs.Health["web"]
	if len(hs) != 2 || hs[0].IP != "10.0.1.5" || hs[1].IP != "10.0.2.6" {
		t.Fatalf("web's health %+v; want one entry per target, in the order of Desired.Targets", hs)
	}
	for _, h := range hs {
		if h.State != providers.HealthHealthy {
			t.Errorf("%s:%d is %s after the gate's passes, want Healthy", h.IP, h.Port, h.State)
		}
	}
	if n := len(obs.Health["cart"]); n != 1 {
		t.Errorf("cart's health has %d entries, want 1", n)
	}
	// No gate waits now: a resync right after reads no health (web is healthy; cart, not
	// yet known healthy, is read again only after its retry interval).
	d.d.AwaitingHealth = nil
	cloud.srv.ResetCalls()
	ensure(t, p, d.d)
	if n := healthReads(cloud); n != 0 {
		t.Errorf("a resync with no gate waiting read target health %d times", n)
	}
}

func TestTargetGroupsDrainForThirtySeconds(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	obs := ensure(t, cloud.provider(testCluster), shop().d)
	n := 0
	for _, r := range obs.Resources {
		if r.Kind != aws.KindTargetGroup {
			continue
		}
		n++
		out, err := cloud.clients.ELBV2.(*elbv2.Client).DescribeTargetGroupAttributes(context.Background(), &elbv2.DescribeTargetGroupAttributesInput{TargetGroupArn: &r.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.Attributes {
			if *a.Key == "deregistration_delay.timeout_seconds" && *a.Value != "30" {
				t.Errorf("%s drains deregistered targets for %s s, want 30", r.Name, *a.Value)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d target groups observed, want 2", n)
	}
}
