package awstest_test

import (
	"fmt"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

func filter(name string, values ...string) ec2types.Filter {
	return ec2types.Filter{Name: aws.String(name), Values: values}
}

func TestDescribeSubnetsFilters(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	for _, tc := range []struct {
		filters []ec2types.Filter
		want    int
	}{
		{nil, 6},
		{[]ec2types.Filter{filter("vpc-id", awstest.DefaultVPC)}, 6},
		{[]ec2types.Filter{filter("tag:kubernetes.io/role/elb", "1")}, 3},
		{[]ec2types.Filter{filter("tag-key", "kubernetes.io/role/internal-elb"), filter("availability-zone", "us-west-2b")}, 1},
		{[]ec2types.Filter{filter("subnet-id", awstest.DefaultPublicSubnets[0], awstest.DefaultPrivateSubnets[0])}, 2},
		{[]ec2types.Filter{filter("tag:Name", "public-*")}, 3},
		{[]ec2types.Filter{filter("vpc-id", "vpc-other")}, 0},
	} {
		out, err := e.ec2.DescribeSubnets(e.ctx, &ec2.DescribeSubnetsInput{Filters: tc.filters})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Subnets) != tc.want {
			t.Errorf("filters %v: %d subnets, want %d", tc.filters, len(out.Subnets), tc.want)
		}
	}
	out, err := e.ec2.DescribeSubnets(e.ctx, &ec2.DescribeSubnetsInput{SubnetIds: awstest.DefaultPublicSubnets[:1]})
	if err != nil {
		t.Fatal(err)
	}
	sn := out.Subnets[0]
	if *sn.VpcId != awstest.DefaultVPC || *sn.AvailabilityZone != "us-west-2a" || *sn.CidrBlock != "10.0.0.0/20" || len(sn.Tags) != 2 {
		t.Errorf("subnet = %+v", sn)
	}
	_, err = e.ec2.DescribeSubnets(e.ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{filter("colour", "red")}})
	wantCode(t, err, "InvalidParameterValue")
	_, err = e.ec2.DescribeSubnets(e.ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{"subnet-nope"}})
	wantCode(t, err, "InvalidSubnetID.NotFound")
	vpcs, err := e.ec2.DescribeVpcs(e.ctx, &ec2.DescribeVpcsInput{VpcIds: []string{awstest.DefaultVPC}})
	if err != nil || *vpcs.Vpcs[0].CidrBlock != "10.0.0.0/16" {
		t.Fatalf("DescribeVpcs = %+v, %v", vpcs, err)
	}
}

func (e *env) createSG(t *testing.T, name string, tags map[string]string) string {
	t.Helper()
	var spec []ec2types.TagSpecification
	if len(tags) > 0 {
		s := ec2types.TagSpecification{ResourceType: ec2types.ResourceTypeSecurityGroup}
		for k, v := range tags {
			s.Tags = append(s.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		spec = []ec2types.TagSpecification{s}
	}
	out, err := e.ec2.CreateSecurityGroup(e.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name),
		Description: aws.String("test " + name), VpcId: aws.String(awstest.DefaultVPC), TagSpecifications: spec})
	if err != nil {
		t.Fatalf("CreateSecurityGroup: %v", err)
	}
	return *out.GroupId
}

func tcp(port int32, cidrs []string, groups ...string) ec2types.IpPermission {
	p := ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port)}
	for _, c := range cidrs {
		p.IpRanges = append(p.IpRanges, ec2types.IpRange{CidrIp: aws.String(c)})
	}
	for _, g := range groups {
		p.UserIdGroupPairs = append(p.UserIdGroupPairs, ec2types.UserIdGroupPair{GroupId: aws.String(g)})
	}
	return p
}

func TestSecurityGroupRoundTrip(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	id := e.createSG(t, "lb", map[string]string{"cluster": "c1"})
	_, err := e.ec2.CreateSecurityGroup(e.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("lb"),
		Description: aws.String("again"), VpcId: aws.String(awstest.DefaultVPC)})
	wantCode(t, err, "InvalidGroup.Duplicate")
	perms := []ec2types.IpPermission{tcp(80, []string{"0.0.0.0/0", "10.1.0.0/16"}), tcp(443, []string{"0.0.0.0/0"})}
	if _, err := e.ec2.AuthorizeSecurityGroupIngress(e.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &id, IpPermissions: perms}); err != nil {
		t.Fatal(err)
	}
	_, err = e.ec2.AuthorizeSecurityGroupIngress(e.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &id, IpPermissions: perms[1:]})
	wantCode(t, err, "InvalidPermission.Duplicate")
	// The nodes' group lets the load balancer's group in.
	node := awstest.DefaultNodeSecurityGroup
	if _, err := e.ec2.AuthorizeSecurityGroupIngress(e.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &node,
		IpPermissions: []ec2types.IpPermission{tcp(8080, nil, id)}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.ec2.DescribeSecurityGroups(e.ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{filter("tag:cluster", "c1")}})
	if err != nil || len(out.SecurityGroups) != 1 {
		t.Fatalf("by tag: %+v, %v", out, err)
	}
	g := out.SecurityGroups[0]
	var got []string
	for _, p := range g.IpPermissions {
		for _, r := range p.IpRanges {
			got = append(got, fmt.Sprintf("%s/%d-%d/%s", *p.IpProtocol, *p.FromPort, *p.ToPort, *r.CidrIp))
		}
	}
	sort.Strings(got)
	if fmt.Sprint(got) != "[tcp/443-443/0.0.0.0/0 tcp/80-80/0.0.0.0/0 tcp/80-80/10.1.0.0/16]" || *g.Tags[0].Value != "c1" || *g.GroupName != "lb" || len(g.IpPermissionsEgress) != 1 {
		t.Errorf("group = %v %+v", got, g)
	}
	if _, err := e.ec2.RevokeSecurityGroupIngress(e.ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: &id,
		IpPermissions: []ec2types.IpPermission{tcp(80, []string{"10.1.0.0/16"})}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.ec2.RevokeSecurityGroupIngress(e.ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: &id,
		IpPermissions: []ec2types.IpPermission{tcp(80, []string{"10.1.0.0/16"})}})
	wantCode(t, err, "InvalidPermission.NotFound")
	if g, ok := e.srv.SecurityGroup(node); !ok || *g.IpPermissions[0].UserIdGroupPairs[0].GroupId != id {
		t.Errorf("the nodes' group as the server has it: %+v", g)
	}
	// Still referenced by the nodes' rule: DependencyViolation, then success once revoked.
	_, err = e.ec2.DeleteSecurityGroup(e.ctx, &ec2.DeleteSecurityGroupInput{GroupId: &id})
	wantCode(t, err, "DependencyViolation")
	if _, err := e.ec2.RevokeSecurityGroupIngress(e.ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: &node,
		IpPermissions: []ec2types.IpPermission{tcp(8080, nil, id)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ec2.DeleteSecurityGroup(e.ctx, &ec2.DeleteSecurityGroupInput{GroupId: &id}); err != nil {
		t.Fatal(err)
	}
	_, err = e.ec2.DescribeSecurityGroups(e.ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	wantCode(t, err, "InvalidGroup.NotFound")
}

func TestDeleteSecurityGroupOfALoadBalancer(t *testing.T) {
	e := newEnv(t, awstest.Options{DependencyDelay: 2})
	id := e.createSG(t, "lb", nil)
	// Two load balancers carry the group; each lets it go DependencyDelay deletes later, at
	// the same time, not one after the other.
	var arns []*string
	for _, name := range []string{"web", "api"} {
		lb, err := e.elb.CreateLoadBalancer(e.ctx, &elb.CreateLoadBalancerInput{Name: aws.String(name),
			Subnets: awstest.DefaultPublicSubnets, SecurityGroups: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, lb.LoadBalancers[0].LoadBalancerArn)
	}
	_, err := e.ec2.DeleteSecurityGroup(e.ctx, &ec2.DeleteSecurityGroupInput{GroupId: &id})
	wantCode(t, err, "DependencyViolation")
	for _, arn := range arns {
		if _, err := e.elb.DeleteLoadBalancer(e.ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: arn}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 {
		_, err = e.ec2.DeleteSecurityGroup(e.ctx, &ec2.DeleteSecurityGroupInput{GroupId: &id})
		if code(err) != "DependencyViolation" {
			t.Fatalf("delete %d right after the load balancer: %v, want DependencyViolation while its interfaces linger", i, err)
		}
	}
	if _, err := e.ec2.DeleteSecurityGroup(e.ctx, &ec2.DeleteSecurityGroupInput{GroupId: &id}); err != nil {
		t.Fatalf("after the load balancer's interfaces are gone: %v", err)
	}
}

func TestDescribeSecurityGroupsPages(t *testing.T) {
	e := newEnv(t, awstest.Options{PageSize: 2})
	for i := range 4 {
		e.createSG(t, fmt.Sprintf("g%d", i), map[string]string{"cluster": "c1"})
	}
	p := ec2.NewDescribeSecurityGroupsPaginator(e.ec2, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(5),
		Filters: []ec2types.Filter{filter("vpc-id", awstest.DefaultVPC)}})
	n, pages := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.SecurityGroups)
		pages++
	}
	if n != 5 || pages != 3 {
		t.Errorf("walked %d groups in %d pages, want 5 in 3", n, pages)
	}
	_, err := e.ec2.DescribeSecurityGroups(e.ctx, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(5), GroupIds: []string{"sg-x"}})
	wantCode(t, err, "InvalidParameterCombination")
}

func TestEC2TagsAndInstances(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	e.srv.AddInstance("i-0123456789abcdef0", awstest.DefaultVPC, awstest.DefaultPrivateSubnets[1], "10.0.144.7", awstest.DefaultNodeSecurityGroup)
	e.srv.AddNetworkInterface("eni-0aaa", awstest.DefaultVPC, awstest.DefaultPrivateSubnets[1], "10.0.144.50", awstest.DefaultNodeSecurityGroup)
	id := e.createSG(t, "lb", nil)
	if _, err := e.ec2.CreateTags(e.ctx, &ec2.CreateTagsInput{Resources: []string{id},
		Tags: []ec2types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ec2.DeleteTags(e.ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: []ec2types.Tag{{Key: aws.String("a")}}}); err != nil {
		t.Fatal(err)
	}
	inv := e.srv.Inventory()
	for _, r := range inv {
		if r.ID == id && (len(r.Tags) != 1 || r.Tags["b"] != "2") {
			t.Errorf("tags after create and delete: %v", r.Tags)
		}
	}
	_, err := e.ec2.CreateTags(e.ctx, &ec2.CreateTagsInput{Resources: []string{"sg-nope"}, Tags: []ec2types.Tag{{Key: aws.String("a")}}})
	wantCode(t, err, "InvalidGroup.NotFound")
	insts, err := e.ec2.DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}})
	if err != nil {
		t.Fatal(err)
	}
	in := insts.Reservations[0].Instances[0]
	if *in.PrivateIpAddress != "10.0.144.7" || *in.SubnetId != awstest.DefaultPrivateSubnets[1] || *in.SecurityGroups[0].GroupId != awstest.DefaultNodeSecurityGroup ||
		*in.Placement.AvailabilityZone != "us-west-2b" || in.State.Name != ec2types.InstanceStateNameRunning {
		t.Errorf("instance = %+v", in)
	}
	_, err = e.ec2.DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-nope"}})
	wantCode(t, err, "InvalidInstanceID.NotFound")
	enis, err := e.ec2.DescribeNetworkInterfaces(e.ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{
		filter("addresses.private-ip-address", "10.0.144.50", "10.0.144.51"), filter("vpc-id", awstest.DefaultVPC)}})
	if err != nil || len(enis.NetworkInterfaces) != 1 || *enis.NetworkInterfaces[0].Groups[0].GroupId != awstest.DefaultNodeSecurityGroup {
		t.Fatalf("interfaces = %+v, %v", enis, err)
	}
}

func TestDescribeSecurityGroupRules(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	id := e.createSG(t, "lb", nil)
	out, err := e.ec2.AuthorizeSecurityGroupIngress(e.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &id,
		IpPermissions: []ec2types.IpPermission{tcp(443, []string{"0.0.0.0/0"})}})
	if err != nil || len(out.SecurityGroupRules) != 1 {
		t.Fatalf("authorize = %+v, %v", out, err)
	}
	ruleID := *out.SecurityGroupRules[0].SecurityGroupRuleId
	rules, err := e.ec2.DescribeSecurityGroupRules(e.ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: []ec2types.Filter{filter("group-id", id)}})
	if err != nil || len(rules.SecurityGroupRules) != 2 {
		t.Fatalf("rules = %+v, %v", rules, err)
	}
	in, eg := rules.SecurityGroupRules[0], rules.SecurityGroupRules[1]
	if *in.SecurityGroupRuleId != ruleID || *in.IsEgress || *in.FromPort != 443 || *in.CidrIpv4 != "0.0.0.0/0" || !*eg.IsEgress {
		t.Errorf("ingress %+v, egress %+v", in, eg)
	}
	if _, err := e.ec2.RevokeSecurityGroupIngress(e.ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: &id, SecurityGroupRuleIds: []string{ruleID}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.ec2.DescribeSecurityGroupRules(e.ctx, &ec2.DescribeSecurityGroupRulesInput{SecurityGroupRuleIds: []string{ruleID}})
	wantCode(t, err, "InvalidSecurityGroupRuleId.NotFound")
}

func TestEC2DryRun(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	_, err := e.ec2.CreateSecurityGroup(e.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("dry"),
		Description: aws.String("dry"), VpcId: aws.String(awstest.DefaultVPC), DryRun: aws.Bool(true)})
	wantCode(t, err, "DryRunOperation")
	for _, r := range e.srv.Inventory() {
		if r.Name == "dry" {
			t.Fatal("a dry run created a group")
		}
	}
}
