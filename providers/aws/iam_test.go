package aws

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

// providerCalls are the API operations the provider makes, by IAM action: the policy must allow
// each, and nothing else.
var providerCalls = []string{
	"acm:AddTagsToCertificate", "acm:DeleteCertificate",
	"acm:ImportCertificate", "acm:ListCertificates", "acm:ListTagsForCertificate",
	"ec2:AuthorizeSecurityGroupIngress", "ec2:CreateSecurityGroup", "ec2:CreateTags",
	"ec2:DeleteSecurityGroup",
	"ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
	"ec2:DescribeVpcs", "ec2:RevokeSecurityGroupIngress",
	"elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:AddTags",
	"elasticloadbalancing:CreateListener", "elasticloadbalancing:CreateLoadBalancer",
	"elasticloadbalancing:CreateRule", "elasticloadbalancing:CreateTargetGroup",
	"elasticloadbalancing:DeleteListener", "elasticloadbalancing:DeleteLoadBalancer",
	"elasticloadbalancing:DeleteRule", "elasticloadbalancing:DeleteTargetGroup",
	"elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:DescribeListenerCertificates",
	"elasticloadbalancing:DescribeListeners",
	"elasticloadbalancing:DescribeLoadBalancers",
	"elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags",
	"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
	"elasticloadbalancing:ModifyListener",
	"elasticloadbalancing:ModifyRule", "elasticloadbalancing:ModifyTargetGroup",
	"elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:RegisterTargets",
	"elasticloadbalancing:RemoveListenerCertificates",
	"elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetRulePriorities",
	"elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
}

func TestPolicyAllowsExactlyTheProvidersCalls(t *testing.T) {
	if got := PolicyActions(); !slices.Equal(got, providerCalls) {
		t.Fatalf("policy actions:\n%q\nwant\n%q", got, providerCalls)
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

// docBlock returns the fenced block between a doc's BEGIN and END markers.
func docBlock(t *testing.T, doc, name string) string {
	t.Helper()
	_, rest, ok := strings.Cut(doc, "<!-- BEGIN "+name)
	if !ok {
		t.Fatalf("docs/install-aws.md has no %s block", name)
	}
	body, _, ok := strings.Cut(rest, "<!-- END "+name+" -->")
	if !ok {
		t.Fatalf("docs/install-aws.md: the %s block has no end", name)
	}
	_, body, _ = strings.Cut(body, "```json\n")
	body, _, _ = strings.Cut(body, "```")
	return body
}

func readInstallDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../docs/install-aws.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The policy a user copies from the install guide is the one the emulator enforces.
func TestInstallDocShowsThePolicy(t *testing.T) {
	if got := docBlock(t, readInstallDoc(t), "aws-policy"); got != string(PolicyJSON()) {
		t.Fatalf("the policy in docs/install-aws.md differs from providers/aws/policy.json:\n%s", got)
	}
}

// The guide's tighter statements for the nodes' security groups, swapped in for the open
// one, let portico into its own groups and the named cluster's nodes' groups only.
func TestInstallDocNodeGroupStatementsConfineIngress(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(PolicyJSON(), &doc); err != nil {
		t.Fatal(err)
	}
	var tight []any
	snippet := strings.ReplaceAll(docBlock(t, readInstallDoc(t), "aws-node-groups"), "CLUSTER_NAME", "eks1")
	if err := json.Unmarshal([]byte(snippet), &tight); err != nil {
		t.Fatalf("the node-groups statements do not parse: %v", err)
	}
	var out []any
	for _, s := range doc["Statement"].([]any) {
		if s.(map[string]any)["Sid"] != "OpenLoadBalancerAndTargetSecurityGroups" {
			out = append(out, s)
		}
	}
	if len(out) != len(doc["Statement"].([]any))-1 {
		t.Fatal("policy.json has no statement OpenLoadBalancerAndTargetSecurityGroups to replace")
	}
	doc["Statement"] = append(out, tight...)
	b, _ := json.Marshal(doc)
	p, err := awstest.PolicyAuthorizer(b)
	if err != nil {
		t.Fatal(err)
	}
	const sg = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0123456789abcdef0"
	const rule = "arn:aws:ec2:eu-west-1:123456789012:security-group-rule/sgr-0123456789abcdef0"
	for _, tc := range []struct {
		tags  map[string]string
		allow bool
	}{
		{map[string]string{"kubernetes.io/cluster/eks1": "owned"}, true},
		{map[string]string{providers.TagCluster: "c1"}, true},
		{map[string]string{"kubernetes.io/cluster/eks2": "owned"}, false},
		{nil, false},
	} {
		for _, action := range []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"} {
			err := p.Authorize(awstest.AuthRequest{Action: action,
				Resources: []awstest.AuthResource{{ARN: sg, Tags: tc.tags}, {ARN: rule}}})
			if (err == nil) != tc.allow {
				t.Errorf("%s on a group tagged %v: allowed = %v, want %v", action, tc.tags, err == nil, tc.allow)
			}
		}
	}
}
