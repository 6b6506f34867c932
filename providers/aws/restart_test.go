package aws_test

import (
	"testing"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

// perLoadBalancerReads counts the reads AWS answers per load balancer, listener or group.
func perLoadBalancerReads(cloud *testCloud) map[string]int {
	out := map[string]int{}
	for _, c := range cloud.srv.Calls() {
		switch c.Action {
		case "DescribeListeners", "DescribeRules", "DescribeListenerCertificates", "DescribeTargetHealth":
			out[c.Action]++
		}
	}
	return out
}

func TestARestartTrustsTheStatusInsteadOfReadingEachLoadBalancer(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	d := shop().https(certificate(t, "shop.example.com"))
	converge(t, p, d.d)
	d.d.Known = ensure(t, p, d.d).Resources
	cloud.srv.ResetCalls()
	ensure(t, cloud.provider(testCluster), d.d)
	if got := perLoadBalancerReads(cloud); len(got) != 0 {
		t.Errorf("a restart with the status read %v; want none: the fingerprints vouch for them", got)
	}
	if w := cloud.writes(); len(w) != 0 {
		t.Errorf("a restart with the status wrote %v", w)
	}
}

func TestARestartReadsWhatChangedSinceTheStatus(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	d := shop()
	converge(t, p, d.d)
	d.d.Known = ensure(t, p, d.d).Resources
	// The route table and the pods changed while the controller was down.
	d.d.Spec.Rules[0].Paths[1].Path = "/basket"
	d.d.Targets["web"] = d.d.Targets["web"][:1]
	cloud.srv.ResetCalls()
	converge(t, cloud.provider(testCluster), d.d)
	got := perLoadBalancerReads(cloud)
	if got["DescribeListeners"] == 0 || got["DescribeTargetHealth"] == 0 {
		t.Errorf("a restart after changes read %v; want the listeners and the changed group read", got)
	}
	if route(t, cloud, d.d, "shop.example.com", "/basket") != "cart" {
		t.Error("the new path does not reach cart")
	}
}
