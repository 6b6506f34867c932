package awstest

import "testing"

// allowWhen is a policy allowing ec2:CreateTags on every resource when the condition holds.
func allowWhen(t *testing.T, cond string) *Policy {
	t.Helper()
	return mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":`+cond+`}]}`)
}

// The cases follow the IAM User Guide's "Condition operators" and "Conditions with
// multiple context keys or values": its examples, and its rules for absent keys.
func TestConditionsAsIAMDocumentsThem(t *testing.T) {
	tags := func(kv ...string) iamReq { return iamCall("ec2:CreateTags").on(arnSG).tagged(kv...) }
	resource := func(kv ...string) iamReq { return iamCall("ec2:CreateTags").on(arnSG, kv...) }
	ctx := func(k, v string) iamReq { return iamCall("ec2:CreateTags").on(arnSG).with(k, v) }
	cases := []struct {
		name, cond string
		r          iamReq
		allow      bool
	}{
		// ForAllValues: every requested key is listed; no key at all passes too.
		{"all keys listed", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`, tags("environment", "p", "cost-center", "1"), true},
		{"one key not listed", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`, tags("environment", "p", "owner", "x"), false},
		{"ForAllValues with no keys", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`, tags(), true},
		// ForAnyValue: some requested key is listed; no key at all fails.
		{"any key listed", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`, tags("environment", "p", "owner", "x"), true},
		{"no key listed", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`, tags("owner", "x"), false},
		{"ForAnyValue with no keys", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment"]}}`, tags(), false},
		{"ForAnyValue negated", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["environment"]}}`, tags("environment", "p", "owner", "x"), true},
		{"ForAnyValue negated, all listed", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["environment"]}}`, tags("environment", "p"), false},
		{"ForAllValues like", `{"ForAllValues:StringLike":{"aws:TagKeys":["team-*"]}}`, tags("team-a", "1", "team-b", "2"), true},
		{"ForAllValues like, one off", `{"ForAllValues:StringLike":{"aws:TagKeys":["team-*"]}}`, tags("team-a", "1", "owner", "2"), false},
		// Several values of a key are ORed; of a negated operator, NORed.
		{"one of the values", `{"StringEquals":{"aws:ResourceTag/env":["prod","staging"]}}`, resource("env", "staging"), true},
		{"none of the values", `{"StringEquals":{"aws:ResourceTag/env":["prod","staging"]}}`, resource("env", "dev"), false},
		{"negated: none of the values", `{"StringNotEquals":{"aws:ResourceTag/env":["prod","staging"]}}`, resource("env", "dev"), true},
		{"negated: one of the values", `{"StringNotEquals":{"aws:ResourceTag/env":["prod","staging"]}}`, resource("env", "prod"), false},
		// An absent key matches nothing: false for a positive operator, true for a negated one.
		{"absent key, positive", `{"StringEquals":{"aws:ResourceTag/env":"prod"}}`, resource(), false},
		{"absent key, negated", `{"StringNotEquals":{"aws:ResourceTag/env":"prod"}}`, resource(), true},
		{"absent key, StringNotLike", `{"StringNotLike":{"aws:ResourceTag/env":"p*"}}`, resource(), true},
		{"absent key, IfExists", `{"StringEqualsIfExists":{"aws:ResourceTag/env":"prod"}}`, resource(), true},
		{"present key, IfExists", `{"StringEqualsIfExists":{"aws:ResourceTag/env":"prod"}}`, resource("env", "dev"), false},
		// Several keys in one operator, and several operators, are ANDed.
		{"both keys", `{"StringEquals":{"aws:RequestTag/a":"1","aws:RequestTag/b":"2"}}`, tags("a", "1", "b", "2"), true},
		{"one key of two", `{"StringEquals":{"aws:RequestTag/a":"1","aws:RequestTag/b":"2"}}`, tags("a", "1"), false},
		{"two operators, one fails", `{"StringEquals":{"aws:RequestTag/a":"1"},"Null":{"aws:ResourceTag/owner":"false"}}`, tags("a", "1"), false},
		// StringEquals and StringLike are case-sensitive, key names are not.
		{"like", `{"StringLike":{"aws:RequestTag/Name":"web-?"}}`, tags("Name", "web-1"), true},
		{"like is case-sensitive", `{"StringLike":{"aws:RequestTag/Name":"web-*"}}`, tags("Name", "Web-1"), false},
		{"? is one character", `{"StringLike":{"aws:RequestTag/Name":"web-?"}}`, tags("Name", "web-12"), false},
		{"equals is case-sensitive", `{"StringEquals":{"aws:RequestTag/env":"prod"}}`, tags("env", "Prod"), false},
		{"ignore case", `{"StringEqualsIgnoreCase":{"aws:RequestTag/env":"prod"}}`, tags("env", "Prod"), true},
		{"key names ignore case", `{"StringEquals":{"AWS:requesttag/Env":"prod"}}`, tags("env", "prod"), true},
		// Null tests presence only.
		{"null true, absent", `{"Null":{"aws:RequestTag/owner":"true"}}`, tags("env", "p"), true},
		{"null true, present", `{"Null":{"aws:RequestTag/owner":"true"}}`, tags("owner", "p"), false},
		{"null false, present empty value", `{"Null":{"aws:RequestTag/owner":"false"}}`, tags("owner", ""), true},
		{"null on a multivalued key", `{"Null":{"aws:TagKeys":"true"}}`, tags(), true},
		// Bool takes a JSON boolean or a string.
		{"bool literal", `{"Bool":{"aws:SecureTransport":false}}`, ctx("aws:SecureTransport", "false"), true},
		{"bool mismatch", `{"Bool":{"aws:SecureTransport":"true"}}`, ctx("aws:SecureTransport", "false"), false},
		// Service keys come from the emulator's context.
		{"service key", `{"StringEquals":{"ec2:CreateAction":["RunInstances","CreateSecurityGroup"]}}`, ctx("ec2:CreateAction", "CreateSecurityGroup"), true},
		{"service alias of a resource tag", `{"Null":{"ec2:ResourceTag/owner":"false"}}`, resource("owner", "x"), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := allowWhen(t, tc.cond).try(tc.r); (err == nil) != tc.allow {
				t.Fatalf("allowed = %v, want %v (%v)", err == nil, tc.allow, err)
			}
		})
	}
}

func TestActionsAndResourcesMatchAsIAMDocumentsThem(t *testing.T) {
	p := mustPolicy(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["EC2:describe*","elasticloadbalancing:Set?ubnets"],"Resource":"*"},
		{"Effect":"Allow","NotAction":["ec2:*","acm:*","elasticloadbalancing:Set*"],"Resource":"arn:aws:elasticloadbalancing:*:*:targetgroup/*"},
		{"Effect":"Allow","Action":"ec2:DeleteSecurityGroup","Resource":"arn:aws:ec2:*:*:security-group/*"},
		{"Effect":"Allow","Action":"ec2:CreateTags","NotResource":"arn:aws:ec2:*:*:instance/*"},
		{"Effect":"Deny","Action":"ec2:CreateTags","Resource":"arn:aws:ec2:eu-west-1:*:vpc/*"}]}`)
	cases := []struct {
		r     iamReq
		allow bool
	}{
		{iamCall("ec2:DescribeVpcs"), true},
		{iamCall("ec2:describevpcs"), true},
		{iamCall("ec2:CreateTags").on(arnVPC), false}, // the explicit deny wins over the NotResource allow
		{iamCall("ec2:CreateTags").on(arnSG), true},   // NotResource: anything but instances
		{iamCall("ec2:CreateTags").on("arn:aws:ec2:eu-west-1:1:instance/i-1"), false},
		{iamCall("elasticloadbalancing:SetSubnets").on(arnLB), true},
		{iamCall("elasticloadbalancing:SetSecurityGroups").on(arnLB), false}, // ? is one character
		{iamCall("elasticloadbalancing:ModifyTargetGroup").on(arnTG), true},  // NotAction
		{iamCall("elasticloadbalancing:SetIpAddressType").on(arnTG), false},
		{iamCall("elasticloadbalancing:ModifyTargetGroup").on(arnLB), false},
		{iamCall("ec2:DeleteSecurityGroup").on(arnSG), true},
		{iamCall("ec2:DeleteSecurityGroup").on("arn:aws:ec2:eu-west-1:1:Security-Group/sg-1"), false}, // resources are case-sensitive
		{iamCall("ec2:DeleteSecurityGroup").on(arnSG).on(arnVPC), false},                              // every resource must be allowed
	}
	for _, tc := range cases {
		name := tc.r.action
		if len(tc.r.resources) > 0 {
			name += " " + tc.r.resources[0].ARN
		}
		if err := p.try(tc.r); (err == nil) != tc.allow {
			t.Errorf("%s: allowed = %v, want %v", name, err == nil, tc.allow)
		}
	}
}

// A * within an ARN segment stays in it; one that ends its segment may run past colons.
func TestResourceWildcardsAndSegments(t *testing.T) {
	for _, tc := range []struct {
		pattern, arn string
		want         bool
	}{
		{"arn:aws:ec2:*:*:security-group/*", arnSG, true},
		{"arn:aws:ec2:*:*:security-group/*", arnVPC, false},
		{"arn:aws:ec2:eu*1:*:vpc/*", arnVPC, true},
		{"arn:aws:ec2:eu*1:*:vpc/*", "arn:aws:ec2:eu-west-2:x1:" + testAccount + ":vpc/v", false},
		{"arn:aws:ec2:eu*:*:vpc/*", "arn:aws:ec2:eu-west-2:x1:" + testAccount + ":vpc/v", true},
		{"arn:aws:ec2:eu-west-?:*:vpc/*", arnVPC, true},
		{"arn:aws:elasticloadbalancing:*:*:listener-rule/app/*", arnRule, true},
		{"*", "anything", true},
	} {
		if got := matchResource(tc.pattern, tc.arn); got != tc.want {
			t.Errorf("%s ~ %s = %v, want %v", tc.pattern, tc.arn, got, tc.want)
		}
	}
}
