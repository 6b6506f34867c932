package awstest_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

const clusterTag = "portico.dev/cluster"

// policyEnv is a seeded server that enforces a policy document.
func policyEnv(t *testing.T, doc []byte) *env {
	t.Helper()
	p, err := awstest.PolicyAuthorizer(doc)
	if err != nil {
		t.Fatal(err)
	}
	return newEnv(t, awstest.Options{Authorize: p.Authorize})
}

// retaggingPolicyJSON is portico's policy plus a statement that lets a tagging tool change
// the tags of what portico owns, but never the cluster tag (portico itself never retags, so
// its policy has no such statement): the emulator must show IAM the keys each call sets or
// removes for that statement to hold.
func retaggingPolicyJSON(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile("../policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var extra []any
	if err := json.Unmarshal([]byte(retagStatements), &extra); err != nil {
		t.Fatal(err)
	}
	doc["Statement"] = append(doc["Statement"].([]any), extra...)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const retagStatements = `[{
  "Sid": "RetagResourcesOfAPorticoClusterButNeverTheirOwner",
  "Effect": "Allow",
  "Action": ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", "ec2:CreateTags", "ec2:DeleteTags", "acm:AddTagsToCertificate"],
  "Resource": "*",
  "Condition": {
    "Null": {"aws:ResourceTag/portico.dev/cluster": "false", "aws:TagKeys": "false"},
    "ForAllValues:StringNotEquals": {"aws:TagKeys": "portico.dev/cluster"}
  }
}, {
  "Sid": "ReadRules",
  "Effect": "Allow",
  "Action": ["ec2:DescribeSecurityGroupRules"],
  "Resource": "*"
}]`

func (e *env) elbTags(t *testing.T, arn string) map[string]string {
	t.Helper()
	out, err := e.elb.DescribeTags(e.ctx, &elb.DescribeTagsInput{ResourceArns: []string{arn}})
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{}
	for _, tag := range out.TagDescriptions[0].Tags {
		tags[*tag.Key] = *tag.Value
	}
	return tags
}

// Under a policy that lets a tool retag what portico owns, the tool can drop or change other tags,
// but it can never remove, nor rewrite, the tag that says which cluster owns it.
func TestPolicyKeepsTheClusterTagOnALoadBalancer(t *testing.T) {
	e := policyEnv(t, retaggingPolicyJSON(t))
	lb := e.createLB(t, "shop", elbtypes.Tag{Key: aws.String(clusterTag), Value: aws.String("c1")},
		elbtypes.Tag{Key: aws.String("team"), Value: aws.String("a")})
	arn := []string{*lb.LoadBalancerArn}
	_, err := e.elb.RemoveTags(e.ctx, &elb.RemoveTagsInput{ResourceArns: arn, TagKeys: []string{"team", clusterTag}}, noRetry)
	wantCode(t, err, "AccessDenied")
	_, err = e.elb.AddTags(e.ctx, &elb.AddTagsInput{ResourceArns: arn, Tags: []elbtypes.Tag{{Key: aws.String(clusterTag), Value: aws.String("c2")}}}, noRetry)
	wantCode(t, err, "AccessDenied")
	if tags := e.elbTags(t, arn[0]); tags[clusterTag] != "c1" || tags["team"] != "a" {
		t.Fatalf("tags after refused calls: %v", tags)
	}
	if _, err := e.elb.RemoveTags(e.ctx, &elb.RemoveTagsInput{ResourceArns: arn, TagKeys: []string{"team"}}); err != nil {
		t.Fatalf("removing another tag: %v", err)
	}
	if _, err := e.elb.AddTags(e.ctx, &elb.AddTagsInput{ResourceArns: arn, Tags: []elbtypes.Tag{{Key: aws.String("owner"), Value: aws.String("b")}}}); err != nil {
		t.Fatalf("adding another tag: %v", err)
	}
	if tags := e.elbTags(t, arn[0]); len(tags) != 2 || tags[clusterTag] != "c1" || tags["owner"] != "b" {
		t.Fatalf("tags = %v, want the cluster tag and owner", tags)
	}
}

func TestPolicyKeepsTheClusterTagOnASecurityGroup(t *testing.T) {
	e := policyEnv(t, retaggingPolicyJSON(t))
	id := e.createSG(t, "lb", map[string]string{clusterTag: "c1", "team": "a"})
	del := func(keys ...string) error {
		in := &ec2.DeleteTagsInput{Resources: []string{id}}
		for _, k := range keys {
			in.Tags = append(in.Tags, ec2types.Tag{Key: aws.String(k)})
		}
		_, err := e.ec2.DeleteTags(e.ctx, in)
		return err
	}
	wantCode(t, del(clusterTag), "UnauthorizedOperation")
	// A DeleteTags that names no tag removes them all, and names no aws:TagKeys to IAM.
	wantCode(t, del(), "UnauthorizedOperation")
	_, err := e.ec2.CreateTags(e.ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []ec2types.Tag{{Key: aws.String(clusterTag), Value: aws.String("c2")}}})
	wantCode(t, err, "UnauthorizedOperation")
	if err := del("team"); err != nil {
		t.Fatalf("deleting another tag: %v", err)
	}
	g, ok := e.srv.SecurityGroup(id)
	if !ok || len(g.Tags) != 1 || *g.Tags[0].Key != clusterTag || *g.Tags[0].Value != "c1" {
		t.Fatalf("tags = %v, want only the cluster tag", g.Tags)
	}
}

// ACM's removal names its keys to IAM too: a policy that lets tags go but the cluster's
// keeps that one. (portico's own policy allows no removal from a certificate.)
func TestPolicySeesTheKeysACertificateLoses(t *testing.T) {
	e := policyEnv(t, []byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["acm:ImportCertificate","acm:AddTagsToCertificate","acm:ListTagsForCertificate"],"Resource":"*"},
		{"Effect":"Allow","Action":"acm:RemoveTagsFromCertificate","Resource":"*",
		 "Condition":{"ForAllValues:StringNotEquals":{"aws:TagKeys":"`+clusterTag+`"}}}]}`))
	certPEM, keyPEM := selfSigned(t, rsaKey(t), "shop.example.com")
	arn := e.importCert(t, certPEM, keyPEM, acmtypes.Tag{Key: aws.String(clusterTag), Value: aws.String("c1")},
		acmtypes.Tag{Key: aws.String("team"), Value: aws.String("a")})
	remove := func(key string) error {
		_, err := e.acm.RemoveTagsFromCertificate(e.ctx, &acm.RemoveTagsFromCertificateInput{CertificateArn: &arn,
			Tags: []acmtypes.Tag{{Key: aws.String(key)}}})
		return err
	}
	wantCode(t, remove(clusterTag), "AccessDeniedException")
	if err := remove("team"); err != nil {
		t.Fatalf("removing another tag: %v", err)
	}
	out, err := e.acm.ListTagsForCertificate(e.ctx, &acm.ListTagsForCertificateInput{CertificateArn: &arn})
	if err != nil || len(out.Tags) != 1 || *out.Tags[0].Key != clusterTag {
		t.Fatalf("tags = %v (%v), want only the cluster tag", out.Tags, err)
	}
}

// porticoPolicyJSON is the policy portico's install guide gives.
func porticoPolicyJSON(t *testing.T) []byte {
	t.Helper()
	doc, err := os.ReadFile("../policy.json")
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
