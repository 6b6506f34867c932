package aws_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

// nodeIngress lists the ports the nodes' group lets each source group in on, "sg:from-to".
func nodeIngress(t *testing.T, cloud *testCloud) []string {
	t.Helper()
	out, err := cloud.clients.EC2.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{GroupIds: []string{awstest.DefaultNodeSecurityGroup}})
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, p := range out.SecurityGroups[0].IpPermissions {
		for _, pair := range p.UserIdGroupPairs {
			rules = append(rules, awssdk.ToString(pair.GroupId)+":"+itoa(awssdk.ToInt32(p.FromPort))+"-"+itoa(awssdk.ToInt32(p.ToPort)))
		}
	}
	slices.Sort(rules)
	return rules
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }

func TestTheLoadBalancerIsLetIntoTheNodesGroupOnItsTargetPorts(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	cloud.srv.AddInstance("i-0a0000000000000a1", awstest.DefaultVPC, awstest.DefaultPublicSubnets[0], "10.0.0.10", awstest.DefaultNodeSecurityGroup)
	p := aws.New(aws.Options{ClusterID: testCluster, Region: "us-west-2", VPC: awstest.DefaultVPC, SnapshotTTL: -1,
		NodeSecurityGroups: []string{awstest.DefaultNodeSecurityGroup}, ELBV2: cloud.clients.ELBV2, EC2: cloud.clients.EC2, ACM: cloud.clients.ACM})
	d := shop()
	d.d.Spec.Backends = append(d.d.Spec.Backends, v1alpha1.Backend{Name: "api", TargetType: v1alpha1.TargetTypeInstance,
		Service: v1alpha1.ServiceRef{Namespace: "shop", Name: "api", PortNumber: 80}})
	d.d.Targets["api"] = []providers.Target{{IP: "10.0.0.10", Port: 30080, Node: "node-a", ProviderID: "aws:///us-west-2a/i-0a0000000000000a1"}}
	obs := ensure(t, p, d.d)
	var sg string
	for _, r := range obs.Resources {
		if r.Kind == aws.KindSecurityGroup {
			sg = r.ID
		}
	}
	if got, want := nodeIngress(t, cloud), []string{sg + ":8080-30080"}; !slices.Equal(got, want) {
		t.Errorf("the nodes' group lets in %v, want %v: the load balancer's group on its targets' ports", got, want)
	}
	if w := writesSince(cloud, func() { ensure(t, p, d.d) }); len(w) != 0 {
		t.Errorf("a resync wrote %v", w)
	}
	if err := p.Delete(context.Background(), providers.Ref{Name: "shop-web", Location: "us-west-2"}); err != nil {
		t.Fatal(err)
	}
	if got := nodeIngress(t, cloud); len(got) != 0 {
		t.Errorf("after delete the nodes' group still lets in %v", got)
	}
}
