package aws_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
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

func TestTheClusterIsLetIntoTheNodesGroupByOneRuleWhateverTheLoadBalancers(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	cloud.srv.AddInstance("i-0a0000000000000a1", awstest.DefaultVPC, awstest.DefaultPublicSubnets[0], "10.0.0.10", awstest.DefaultNodeSecurityGroup)
	p := aws.New(aws.Options{ClusterID: testCluster, Region: "us-west-2", VPC: awstest.DefaultVPC, SnapshotTTL: -1,
		NodeSecurityGroups: []string{awstest.DefaultNodeSecurityGroup}, ELBV2: cloud.clients.ELBV2, EC2: cloud.clients.EC2, ACM: cloud.clients.ACM})
	d := shop()
	d.d.Spec.Backends = append(d.d.Spec.Backends, v1alpha1.Backend{Name: "api", TargetType: v1alpha1.TargetTypeInstance,
		Service: v1alpha1.ServiceRef{Namespace: "shop", Name: "api", PortNumber: 80}})
	d.d.Targets["api"] = []providers.Target{{IP: "10.0.0.10", Port: 30080, Node: "node-a", ProviderID: "aws:///us-west-2a/i-0a0000000000000a1"}}
	other := lbNamed("other").backend("web", "10.0.1.9").host("other.example.com", prefix("/", "web"))
	ensure(t, p, d.d)
	obs := ensure(t, p, other.d)
	var backend string
	for _, r := range obs.Resources {
		if r.Kind == aws.KindSecurityGroup && strings.Contains(r.Name, "backend") {
			backend = r.ID
		}
	}
	if got, want := nodeIngress(t, cloud), []string{backend + ":0-65535"}; backend == "" || !slices.Equal(got, want) {
		t.Errorf("the nodes' group lets in %v, want %v: one rule from the cluster's backend group for both load balancers", got, want)
	}
	for _, r := range cloud.srv.Inventory() {
		if r.Kind == "LoadBalancer" {
			lb, _, _ := cloud.srv.LoadBalancer(r.ID)
			if !slices.Contains(lb.SecurityGroups, backend) || len(lb.SecurityGroups) != 2 {
				t.Errorf("%s has the security groups %v, want its own and the backend group %s", r.Name, lb.SecurityGroups, backend)
			}
		}
	}
	if w := writesSince(cloud, func() { ensure(t, p, d.d); ensure(t, p, other.d) }); len(w) != 0 {
		t.Errorf("a resync wrote %v", w)
	}
	ctx := context.Background()
	if err := p.Delete(ctx, providers.Ref{Name: "shop-web", Location: "us-west-2"}); err != nil {
		t.Fatal(err)
	}
	if got := nodeIngress(t, cloud); len(got) != 1 {
		t.Errorf("after deleting one load balancer the nodes' group lets in %v; the other still needs the rule", got)
	}
	if err := p.Delete(ctx, providers.Ref{Name: "other", Location: "us-west-2"}); err != nil {
		t.Fatal(err)
	}
	if got := nodeIngress(t, cloud); len(got) != 0 {
		t.Errorf("after deleting the last load balancer the nodes' group still lets in %v", got)
	}
	for _, r := range cloud.srv.Inventory() {
		if r.Kind == "SecurityGroup" && r.ID != awstest.DefaultNodeSecurityGroup {
			t.Errorf("the security group %s is left after the last load balancer went", r.Name)
		}
	}
}
