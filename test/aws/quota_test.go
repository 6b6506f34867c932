package aws

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers/aws/awstest"
	"github.com/portico-dev/portico/testenv"
)

// manyLoadBalancers is one more than AWS's default quota of inbound rules per security
// group (60), which awstest enforces; the suite raises the quota of load balancers.
const manyLoadBalancers = 61

// TestManyLoadBalancersFitTheNodesGroup: a cluster serves more Ingresses, each its own
// ALB, than the nodes' security group can hold rules: every one is Programmed, as they
// reach the nodes through the cluster's one backend security group.
func TestManyLoadBalancersFitTheNodesGroup(t *testing.T) {
	// An awstest of its own, whose quota takes more load balancers than AWS's default 50.
	useServer(t, awstest.New(awstest.Options{Region: region, Authorize: policy.Authorize, Limits: awstest.Limits{LoadBalancers: 100}}))
	ns := newNamespace(t)
	service(t, ns, "front", "10.0.7.1")
	before := inventoryKeys()
	t.Cleanup(func() { deleteAll(t, ns, manyLoadBalancers, before) })
	for i := range manyLoadBalancers {
		name := fmt.Sprintf("app-%d", i)
		if err := env.Client.Create(context.Background(), ingress(ns, name).defaultBackend("front").ing); err != nil {
			t.Fatal(err)
		}
	}
	for i := range manyLoadBalancers {
		name := fmt.Sprintf("app-%d", i)
		if _, err := env.WaitProgrammed(timeout(t), ns, name); err != nil {
			t.Fatal(err)
		}
	}
}

// deleteAll deletes the Ingresses app-0 to app-(n-1), and waits until awstest holds what it
// held before: the cluster's backend security group goes with the last load balancer.
func deleteAll(t *testing.T, ns string, n int, before map[string]bool) {
	t.Helper()
	for i := range n {
		ing := ingress(ns, fmt.Sprintf("app-%d", i)).ing
		if err := env.Client.Delete(context.Background(), ing); client.IgnoreNotFound(err) != nil {
			t.Fatal(err)
		}
	}
	// Sixty-one load balancers' deletes: more than one test's usual wait.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var extra []string
	err := testenv.WaitFor(ctx, "every load balancer and its AWS resources to be deleted", func(ctx context.Context) (bool, error) {
		list := &v1alpha1.LoadBalancerList{}
		if err := env.Client.List(ctx, list); err != nil {
			return false, err
		}
		extra, _ = diffKeys(inventoryKeys(), before)
		return len(list.Items) == 0 && len(extra) == 0, nil
	})
	if err != nil {
		t.Fatalf("%v; awstest still holds %v", err, named(extra))
	}
}

// useServer runs the controller against another awstest until the test ends: the
// controller restarts with a provider pointed at it, and again with one pointed back.
func useServer(t *testing.T, other *awstest.Server) {
	t.Helper()
	other.SeedDefault()
	home := srv
	swap := func(to *awstest.Server) {
		if err := env.StopController(); err != nil {
			t.Fatal(err)
		}
		srv = to
		prov.restart()
		if err := env.StartController(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	swap(other)
	t.Cleanup(func() {
		if denied := deniedCalls(); len(denied) > 0 {
			t.Errorf("the IAM policy refused %v", denied)
		}
		swap(home)
		other.Close()
	})
}
