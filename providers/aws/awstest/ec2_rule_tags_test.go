package awstest_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

func ruleTags(kv ...string) []ec2types.TagSpecification {
	spec := ec2types.TagSpecification{ResourceType: ec2types.ResourceTypeSecurityGroupRule}
	for i := 0; i+1 < len(kv); i += 2 {
		spec.Tags = append(spec.Tags, ec2types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return []ec2types.TagSpecification{spec}
}

// A rule added with TagSpecifications is tagged as AWS tags it: IAM is asked for
// ec2:CreateTags on the new rule's ARN (ec2:CreateAction = AuthorizeSecurityGroupIngress),
// the rule keeps the tags, and DescribeSecurityGroupRules shows and filters by them.
func TestIngressRuleTaggedAtCreation(t *testing.T) {
	p, err := awstest.PolicyAuthorizer(retaggingPolicyJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	var asked []awstest.AuthRequest
	e := newEnv(t, awstest.Options{Authorize: func(r awstest.AuthRequest) error {
		asked = append(asked, r)
		return p.Authorize(r)
	}})
	group := e.createSG(t, "lb", map[string]string{clusterTag: "c1"})
	if _, err := e.ec2.AuthorizeSecurityGroupIngress(e.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &group,
		IpPermissions: []ec2types.IpPermission{tcp(80, []string{"0.0.0.0/0"})}}); err != nil {
		t.Fatal(err)
	}
	// Without TagSpecifications AWS enforces no security-group-rule permission.
	if last := asked[len(asked)-1]; len(last.Resources) != 1 || !strings.HasSuffix(last.Resources[0].ARN, group) {
		t.Errorf("an untagged rule asked %+v, want its group alone", last)
	}
	out, err := e.ec2.AuthorizeSecurityGroupIngress(e.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &group,
		IpPermissions: []ec2types.IpPermission{tcp(443, []string{"0.0.0.0/0"})}, TagSpecifications: ruleTags(clusterTag, "c1", "portico.dev/resource", "https")})
	if err != nil {
		t.Fatalf("a tagged rule under the policy: %v", err)
	}
	id := *out.SecurityGroupRules[0].SecurityGroupRuleId
	arn := "arn:aws:ec2:us-west-2:123456789012:security-group-rule/" + id
	tagging := asked[len(asked)-1]
	if tagging.Action != "ec2:CreateTags" || len(tagging.Resources) != 1 || tagging.Resources[0].ARN != arn ||
		tagging.Context["ec2:CreateAction"] != "AuthorizeSecurityGroupIngress" || tagging.RequestTags[clusterTag] != "c1" {
		t.Errorf("the tagging asked %+v, want ec2:CreateTags on %s", tagging, arn)
	}
	if len(out.SecurityGroupRules[0].Tags) != 2 {
		t.Errorf("AuthorizeSecurityGroupIngress answered tags %v", out.SecurityGroupRules[0].Tags)
	}
	rules, err := e.ec2.DescribeSecurityGroupRules(e.ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: []ec2types.Filter{filter("tag:"+clusterTag, "c1")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules.SecurityGroupRules) != 1 || *rules.SecurityGroupRules[0].SecurityGroupRuleId != id {
		t.Fatalf("%d rules tagged for the cluster, want %s", len(rules.SecurityGroupRules), id)
	}
	if got := rules.SecurityGroupRules[0].Tags; len(got) != 2 || *got[0].Key != clusterTag || *got[1].Value != "https" {
		t.Errorf("DescribeSecurityGroupRules tags = %v", got)
	}
}

// The policy lets a rule be tagged only with the cluster tag; the refused call adds no rule.
func TestIngressRuleTagsAreAuthorized(t *testing.T) {
	e := policyEnv(t, retaggingPolicyJSON(t))
	group := e.createSG(t, "lb", map[string]string{clusterTag: "c1"})
	_, err := e.ec2.AuthorizeSecurityGroupIngress(e.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &group,
		IpPermissions: []ec2types.IpPermission{tcp(443, []string{"0.0.0.0/0"})}, TagSpecifications: ruleTags("team", "a")})
	wantCode(t, err, "UnauthorizedOperation")
	if !strings.Contains(err.Error(), "ec2:CreateTags on resource: arn:aws:ec2:us-west-2:123456789012:security-group-rule/sgr-") {
		t.Errorf("refusal %v, want one of ec2:CreateTags on the rule", err)
	}
	if g, _ := e.srv.SecurityGroup(group); len(g.IpPermissions) != 0 {
		t.Errorf("a refused call added %v", g.IpPermissions)
	}
	_, err = e.ec2.AuthorizeSecurityGroupIngress(e.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &group,
		IpPermissions:     []ec2types.IpPermission{tcp(443, []string{"0.0.0.0/0"})},
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: ruleTags(clusterTag, "c1")[0].Tags}}})
	wantCode(t, err, "InvalidParameterValue")
}

// A rule is a resource of its own for CreateTags: under the policy an owned rule takes
// more tags, and a rule without the cluster tag (added to an owned group untagged) cannot
// be claimed, whatever its group carries.
func TestIngressRuleRetagged(t *testing.T) {
	e := policyEnv(t, retaggingPolicyJSON(t))
	group := e.createSG(t, "lb", map[string]string{clusterTag: "c1"})
	add := func(port int32, spec []ec2types.TagSpecification) string {
		out, err := e.ec2.AuthorizeSecurityGroupIngress(e.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &group,
			IpPermissions: []ec2types.IpPermission{tcp(port, []string{"0.0.0.0/0"})}, TagSpecifications: spec})
		if err != nil {
			t.Fatal(err)
		}
		return *out.SecurityGroupRules[0].SecurityGroupRuleId
	}
	owned, untagged := add(443, ruleTags(clusterTag, "c1")), add(80, nil)
	tag := func(id, k, v string) error {
		_, err := e.ec2.CreateTags(e.ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []ec2types.Tag{{Key: aws.String(k), Value: aws.String(v)}}})
		return err
	}
	if err := tag(owned, "team", "a"); err != nil {
		t.Fatalf("tagging an owned rule: %v", err)
	}
	wantCode(t, tag(untagged, clusterTag, "c1"), "UnauthorizedOperation")
	rules, err := e.ec2.DescribeSecurityGroupRules(e.ctx, &ec2.DescribeSecurityGroupRulesInput{SecurityGroupRuleIds: []string{owned}})
	if err != nil {
		t.Fatal(err)
	}
	if got := rules.SecurityGroupRules[0].Tags; len(got) != 2 {
		t.Fatalf("the owned rule's tags after CreateTags: %d, want 2", len(got))
	}
}
