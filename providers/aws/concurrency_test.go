package aws_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

func TestWorkersEnsuringAtOnceShareOneProvider(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	// Every worker wants the cluster's backend security group and its rule on the nodes'
	// group: whoever is first makes them, the others adopt them.
	p := aws.New(aws.Options{ClusterID: testCluster, Region: "us-west-2", VPC: awstest.DefaultVPC,
		NodeSecurityGroups: []string{awstest.DefaultNodeSecurityGroup},
		ELBV2:              cloud.clients.ELBV2, EC2: cloud.clients.EC2, ACM: cloud.clients.ACM})
	var wants []*providers.Desired
	for i := range 8 {
		d := lbNamed(fmt.Sprintf("lb-%d", i)).backend("web", fmt.Sprintf("10.0.1.%d", i+1)).
			host("shop.example.com", prefix("/", "web"))
		wants = append(wants, d.d)
	}
	pass := func() []error {
		var wg sync.WaitGroup
		errs := make([]error, len(wants))
		for i, d := range wants {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = p.Ensure(context.Background(), d)
			}()
		}
		wg.Wait()
		return errs
	}
	// A worker that lost the race for a shared resource is retried, as the controller does.
	for range 3 {
		pass()
	}
	for i, err := range pass() {
		if err != nil {
			t.Errorf("ensure %s: %v", wants[i].Ref.Name, err)
		}
	}
	if got := nodeIngress(t, cloud); len(got) != 1 {
		t.Errorf("the nodes' group lets in %v, want the one backend group", got)
	}
	if w := writesSince(cloud, func() { pass() }); len(w) != 0 {
		t.Errorf("a concurrent resync wrote %v", w)
	}
	owned, err := p.Owned(context.Background(), nil)
	if err != nil || len(owned) != len(wants) {
		t.Errorf("owned %v (%v), want the %d load balancers", owned, err, len(wants))
	}
}
