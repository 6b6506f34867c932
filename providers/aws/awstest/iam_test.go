package awstest

import (
	"os"
	"strings"
	"testing"
)

// iamReq is a call as the emulator hands it to the policy.
type iamReq struct {
	action    string
	resources []AuthResource
	tags      map[string]string
	removed   []string
	context   map[string]string
}

func (r iamReq) on(arn string, tags ...string) iamReq {
	res := AuthResource{ARN: arn, Tags: map[string]string{}}
	for i := 0; i+1 < len(tags); i += 2 {
		res.Tags[tags[i]] = tags[i+1]
	}
	r.resources = append(r.resources, res)
	return r
}

func (r iamReq) tagged(kv ...string) iamReq {
	r.tags = map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		r.tags[kv[i]] = kv[i+1]
	}
	return r
}

func (r iamReq) with(k, v string) iamReq {
	r.context = map[string]string{k: v}
	return r
}

// removing names the keys a RemoveTags or DeleteTags removes.
func (r iamReq) removing(keys ...string) iamReq {
	r.removed = keys
	return r
}

func iamCall(action string) iamReq { return iamReq{action: action} }

func (p *Policy) try(r iamReq) error {
	return p.Authorize(AuthRequest{Action: r.action, Resources: r.resources, RequestTags: r.tags, TagKeys: r.removed, Context: r.context})
}

func mustPolicy(t *testing.T, doc string) *Policy {
	t.Helper()
	p, err := PolicyAuthorizer([]byte(doc))
	if err != nil {
		t.Fatalf("policy: %v", err)
	}
	return p
}

func porticoPolicy(t *testing.T) *Policy {
	t.Helper()
	doc, err := os.ReadFile("../policy.json")
	if err != nil {
		t.Fatal(err)
	}
	return mustPolicy(t, string(doc))
}

const (
	testAccount = "123456789012"
	arnLB       = "arn:aws:elasticloadbalancing:eu-west-1:" + testAccount + ":loadbalancer/app/pt-shop-1a2b/50dc6c495c0c9188"
	arnTG       = "arn:aws:elasticloadbalancing:eu-west-1:" + testAccount + ":targetgroup/pt-shop-web-80/73e2d6bc24d8a067"
	arnListener = "arn:aws:elasticloadbalancing:eu-west-1:" + testAccount + ":listener/app/pt-shop-1a2b/50dc6c495c0c9188/f2f7dc8efc522ab2"
	arnRule     = "arn:aws:elasticloadbalancing:eu-west-1:" + testAccount + ":listener-rule/app/pt-shop-1a2b/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"
	arnSG       = "arn:aws:ec2:eu-west-1:" + testAccount + ":security-group/sg-0123456789abcdef0"
	arnVPC      = "arn:aws:ec2:eu-west-1:" + testAccount + ":vpc/vpc-0123456789abcdef0"
	arnCert     = "arn:aws:acm:eu-west-1:" + testAccount + ":certificate/12345678-1234-1234-1234-123456789012"
	tagCluster  = "portico.dev/cluster"
)

// What the provider does is allowed; the same call on a resource portico does not own,
// or a create that would leave a resource untagged, is refused.
func TestPorticoPolicy(t *testing.T) {
	p := porticoPolicy(t)
	cases := []struct {
		name  string
		r     iamReq
		allow bool
	}{
		{"describe anything", iamCall("elasticloadbalancing:DescribeLoadBalancers").on("*"), true},
		{"describe with no resource named", iamCall("ec2:DescribeSubnets"), true},
		{"list certificates", iamCall("acm:ListCertificates"), true},
		{"create a tagged load balancer", iamCall("elasticloadbalancing:CreateLoadBalancer").on(arnLB).tagged(tagCluster, "c1", "portico.dev/load-balancer", "shop"), true},
		{"create an untagged load balancer", iamCall("elasticloadbalancing:CreateLoadBalancer").on(arnLB), false},
		{"create a load balancer tagged for another tool", iamCall("elasticloadbalancing:CreateLoadBalancer").on(arnLB).tagged("elbv2.k8s.aws/cluster", "c1"), false},
		{"create a tagged target group", iamCall("elasticloadbalancing:CreateTargetGroup").on(arnTG).tagged(tagCluster, "c1"), true},
		{"create a tagged listener on an owned load balancer", iamCall("elasticloadbalancing:CreateListener").on(arnLB, tagCluster, "c1").tagged(tagCluster, "c1"), true},
		{"create a tagged listener on a user's load balancer", iamCall("elasticloadbalancing:CreateListener").on(arnLB).tagged(tagCluster, "c1"), false},
		{"create a tagged rule on an owned listener", iamCall("elasticloadbalancing:CreateRule").on(arnListener, tagCluster, "c1").tagged(tagCluster, "c1"), true},
		{"create an untagged rule", iamCall("elasticloadbalancing:CreateRule").on(arnListener, tagCluster, "c1"), false},
		{"tags set by a create", iamCall("elasticloadbalancing:AddTags").on(arnLB).tagged(tagCluster, "c1").with("elasticloadbalancing:CreateAction", "CreateLoadBalancer"), true},
		{"tags set by a create without the cluster tag", iamCall("elasticloadbalancing:AddTags").on(arnLB).tagged("team", "a").with("elasticloadbalancing:CreateAction", "CreateLoadBalancer"), false},
		{"claim a load balancer portico does not own", iamCall("elasticloadbalancing:AddTags").on(arnLB).tagged(tagCluster, "c1"), false},
		{"retag an owned load balancer (portico never retags)", iamCall("elasticloadbalancing:AddTags").on(arnLB, tagCluster, "c1").tagged("team", "b"), false},
		{"move an owned load balancer to another cluster", iamCall("elasticloadbalancing:AddTags").on(arnLB, tagCluster, "c1").tagged(tagCluster, "c2"), false},
		{"remove a tag from an owned target group (portico never untags)", iamCall("elasticloadbalancing:RemoveTags").on(arnTG, tagCluster, "c1").removing("team", "owner"), false},
		{"disown a target group", iamCall("elasticloadbalancing:RemoveTags").on(arnTG, tagCluster, "c1").removing("team", tagCluster), false},
		{"delete an owned load balancer", iamCall("elasticloadbalancing:DeleteLoadBalancer").on(arnLB, tagCluster, "c1"), true},
		{"delete someone else's load balancer", iamCall("elasticloadbalancing:DeleteLoadBalancer").on(arnLB, "team", "a"), false},
		{"register targets in an owned group", iamCall("elasticloadbalancing:RegisterTargets").on(arnTG, tagCluster, "c1"), true},
		{"deregister targets from a foreign group", iamCall("elasticloadbalancing:DeregisterTargets").on(arnTG), false},
		{"renumber owned rules", iamCall("elasticloadbalancing:SetRulePriorities").on(arnRule, tagCluster, "c1").on(arnRule+"0", tagCluster, "c1"), true},
		{"renumber rules one of which is foreign", iamCall("elasticloadbalancing:SetRulePriorities").on(arnRule, tagCluster, "c1").on(arnRule + "0"), false},
		{"modify an owned listener", iamCall("elasticloadbalancing:ModifyListener").on(arnListener, tagCluster, "c1"), true},
		{"an action outside the policy", iamCall("elasticloadbalancing:SetWebAcl").on(arnLB, tagCluster, "c1"), false},
		{"create a tagged security group", iamCall("ec2:CreateSecurityGroup").on(arnSG).on(arnVPC).tagged(tagCluster, "c1"), true},
		{"create an untagged security group", iamCall("ec2:CreateSecurityGroup").on(arnSG).on(arnVPC), false},
		{"tag a security group at creation", iamCall("ec2:CreateTags").on(arnSG).tagged(tagCluster, "c1").with("ec2:CreateAction", "CreateSecurityGroup"), true},
		{"tag a foreign security group", iamCall("ec2:CreateTags").on(arnSG).tagged(tagCluster, "c1"), false},
		{"tag an instance at creation of a group", iamCall("ec2:CreateTags").on("arn:aws:ec2:eu-west-1:"+testAccount+":instance/i-1").tagged(tagCluster, "c1").with("ec2:CreateAction", "CreateSecurityGroup"), false},
		{"tag an ingress rule at its creation", iamCall("ec2:CreateTags").on("arn:aws:ec2:eu-west-1:"+testAccount+":security-group-rule/sgr-1").tagged(tagCluster, "c1").with("ec2:CreateAction", "AuthorizeSecurityGroupIngress"), true},
		{"open the nodes' group with a tagged rule", iamCall("ec2:AuthorizeSecurityGroupIngress").on(arnSG, "kubernetes.io/cluster/eks1", "owned").on("arn:aws:ec2:eu-west-1:"+testAccount+":security-group-rule/sgr-1").tagged(tagCluster, "c1"), true},
		{"untag an owned security group (portico never untags)", iamCall("ec2:DeleteTags").on(arnSG, tagCluster, "c1").removing("team"), false},
		{"disown a security group", iamCall("ec2:DeleteTags").on(arnSG, tagCluster, "c1").removing(tagCluster), false},
		{"strip every tag of a security group", iamCall("ec2:DeleteTags").on(arnSG, tagCluster, "c1"), false},
		{"delete an owned security group", iamCall("ec2:DeleteSecurityGroup").on(arnSG, tagCluster, "c1"), true},
		{"delete the nodes' security group", iamCall("ec2:DeleteSecurityGroup").on(arnSG, "kubernetes.io/cluster/eks1", "owned"), false},
		{"open the nodes' security group", iamCall("ec2:AuthorizeSecurityGroupIngress").on(arnSG, "kubernetes.io/cluster/eks1", "owned"), true},
		{"revoke from an owned security group", iamCall("ec2:RevokeSecurityGroupIngress").on(arnSG, tagCluster, "c1"), true},
		{"import a tagged certificate", iamCall("acm:ImportCertificate").on(arnCert).tagged(tagCluster, "c1"), true},
		{"import an untagged certificate", iamCall("acm:ImportCertificate").on(arnCert), false},
		{"reimport an owned certificate", iamCall("acm:ImportCertificate").on(arnCert, tagCluster, "c1"), true},
		{"delete an owned certificate", iamCall("acm:DeleteCertificate").on(arnCert, tagCluster, "c1"), true},
		{"delete a user's certificate", iamCall("acm:DeleteCertificate").on(arnCert, "team", "a"), false},
		{"delete a certificate in IAM", iamCall("acm:DeleteCertificate").on("arn:aws:iam::"+testAccount+":server-certificate/x", tagCluster, "c1"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := p.try(tc.r)
			if (err == nil) != tc.allow {
				t.Fatalf("allowed = %v, want %v (err %v)", err == nil, tc.allow, err)
			}
		})
	}
}

func TestUsedListsWhatWasAllowed(t *testing.T) {
	p := porticoPolicy(t)
	_ = p.try(iamCall("ec2:DescribeVpcs"))
	_ = p.try(iamCall("elasticloadbalancing:DeleteLoadBalancer").on(arnLB)) // refused: not used
	_ = p.try(iamCall("acm:ListCertificates"))
	_ = p.try(iamCall("ec2:DescribeVpcs"))
	got := strings.Join(p.Used(), " ")
	if got != "acm:ListCertificates ec2:DescribeVpcs" {
		t.Fatalf("Used() = %s", got)
	}
}

func TestAccessDeniedSaysWhoWhatAndWhy(t *testing.T) {
	p := mustPolicy(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"ec2:*","Resource":"*"},
		{"Effect":"Deny","Action":"ec2:DeleteSecurityGroup","Resource":"*"}]}`)
	err := p.try(iamCall("elasticloadbalancing:CreateLoadBalancer").on(arnLB))
	want := "User: " + DefaultPrincipal + " is not authorized to perform: elasticloadbalancing:CreateLoadBalancer on resource: " + arnLB +
		" because no identity-based policy allows the elasticloadbalancing:CreateLoadBalancer action"
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	err = p.try(iamCall("ec2:DeleteSecurityGroup").on(arnSG))
	want = "on resource: " + arnSG + " with an explicit deny in an identity-based policy"
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Fatalf("err = %v\nwant …%s", err, want)
	}
}

// A document IAM would refuse is refused, rather than read as a policy that allows less
// (or more) than its author meant.
func TestMalformedPoliciesAreRefused(t *testing.T) {
	for name, doc := range map[string]string{
		"no version":       `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		"bad effect":       `{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}`,
		"no resource":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*"}]}`,
		"action and not":   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","NotAction":"ec2:*","Resource":"*"}]}`,
		"principal":        `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`,
		"unknown operator": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringMaybe":{"aws:TagKeys":"a"}}}]}`,
		"bad set":          `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForSomeValues:StringLike":{"aws:TagKeys":"a"}}}]}`,
		"null not bool":    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:TagKeys":"yes"}}}]}`,
		"action no colon":  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"DescribeVpcs","Resource":"*"}]}`,
		"unknown element":  `{"Version":"2012-10-17","Statment":[]}`, //nolint:misspell // a misspelt element the parser must refuse
		"empty":            `{"Version":"2012-10-17","Statement":[]}`,
		"policy variable":  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam::*:user/${aws:username}"}]}`,
	} {
		if _, err := PolicyAuthorizer([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Every action the policy names is an operation of AWS's models that awstest serves: a
// misspelt action, which IAM would accept and never match, fails here.
func TestPolicyActionsAreOperationsOfTheModels(t *testing.T) {
	doc, err := os.ReadFile("../policy.json")
	if err != nil {
		t.Fatal(err)
	}
	st, err := parsePolicy(doc)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range st {
		for _, a := range s.actions {
			svc, op, _ := strings.Cut(a, ":")
			found := false
			if m := models.Services[svc]; m != nil {
				for name := range m.Operations {
					found = found || strings.EqualFold(name, op)
				}
			}
			if !found {
				t.Errorf("statement %s: %s is no operation of aws-models.json", s.sid, a)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("the policy names no action")
	}
}
