package aws

import (
	"encoding/json"
	"slices"
	"testing"
)

// calls are the API operations the provider makes, by IAM action: the policy must allow
// each, and nothing else.
var calls = []string{
	"acm:AddTagsToCertificate", "acm:DeleteCertificate", "acm:DescribeCertificate",
	"acm:ImportCertificate", "acm:ListCertificates", "acm:ListTagsForCertificate",
	"ec2:AuthorizeSecurityGroupIngress", "ec2:CreateSecurityGroup", "ec2:CreateTags",
	"ec2:DeleteSecurityGroup", "ec2:DeleteTags", "ec2:DescribeInstances",
	"ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
	"ec2:DescribeVpcs", "ec2:RevokeSecurityGroupIngress",
	"elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:AddTags",
	"elasticloadbalancing:CreateListener", "elasticloadbalancing:CreateLoadBalancer",
	"elasticloadbalancing:CreateRule", "elasticloadbalancing:CreateTargetGroup",
	"elasticloadbalancing:DeleteListener", "elasticloadbalancing:DeleteLoadBalancer",
	"elasticloadbalancing:DeleteRule", "elasticloadbalancing:DeleteTargetGroup",
	"elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:DescribeListenerCertificates",
	"elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeLoadBalancerAttributes",
	"elasticloadbalancing:DescribeLoadBalancers",
	"elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags",
	"elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
	"elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyLoadBalancerAttributes",
	"elasticloadbalancing:ModifyRule", "elasticloadbalancing:ModifyTargetGroup",
	"elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:RegisterTargets",
	"elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:RemoveTags",
	"elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetRulePriorities",
	"elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
}

func TestPolicyAllowsExactlyTheProvidersCalls(t *testing.T) {
	if got := PolicyActions(); !slices.Equal(got, calls) {
		t.Fatalf("policy actions:\n%q\nwant\n%q", got, calls)
	}
}

// Every statement but the reads is bounded by a resource type or a condition on
// portico's cluster tag: a statement that grants a write on every resource
// unconditionally would be a hole a reviewer must see.
func TestEveryWriteIsScoped(t *testing.T) {
	var doc struct {
		Version   string
		Statement []struct {
			Sid       string
			Effect    string
			Action    actionList
			Resource  actionList
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal(PolicyJSON(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2012-10-17" {
		t.Fatalf("Version = %q: policy variables and conditions need 2012-10-17", doc.Version)
	}
	for _, s := range doc.Statement {
		if s.Effect != "Allow" || s.Sid == "" {
			t.Errorf("statement %q: want an Allow with a Sid", s.Sid)
		}
		if s.Sid == "Read" {
			continue
		}
		if slices.Contains(s.Resource, "*") && len(s.Condition) == 0 {
			t.Errorf("statement %s allows %v on every resource with no condition", s.Sid, s.Action)
		}
	}
}

func TestPolicyJSONIsACopy(t *testing.T) {
	b := PolicyJSON()
	b[0] = 'x'
	if PolicyJSON()[0] != '{' {
		t.Fatal("a caller changed the embedded policy")
	}
}
