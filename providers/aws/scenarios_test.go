package aws_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

// writesSince runs fn and returns the writes it made.
func writesSince(cloud *testCloud, fn func()) []string {
	cloud.srv.ResetCalls()
	fn()
	return cloud.writes()
}

// only reports the writes that are not among the allowed actions.
func only(writes []string, allowed ...string) []string {
	var out []string
	for _, w := range writes {
		if !slices.Contains(allowed, w) {
			out = append(out, w)
		}
	}
	return out
}

func TestChangingOnePathChangesOnlyRules(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	ensure(t, p, shop().d)
	changed := shop()
	changed.d.Spec.Rules[0].Paths[1].Path = "/basket"
	w := writesSince(cloud, func() { converge(t, p, changed.d) })
	if len(w) == 0 {
		t.Fatal("changing a path wrote nothing")
	}
	if extra := only(w, "CreateRule", "ModifyRule", "DeleteRule", "SetRulePriorities"); len(extra) > 0 {
		t.Errorf("changing one path also made %v; want rule writes only (all: %v)", extra, w)
	}
	if got := route(t, cloud, changed.d, "shop.example.com", "/basket/x"); got != "cart" {
		t.Errorf("shop.example.com/basket/x goes to %q, want cart", got)
	}
	if got := route(t, cloud, changed.d, "shop.example.com", "/cart"); got != "web" {
		t.Errorf("shop.example.com/cart goes to %q, want web now", got)
	}
}

func TestReorderingRulesIsOneSetRulePrioritiesCall(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	d := lbNamed("order").backend("web", "10.0.1.5").backend("cart", "10.0.1.7").
		host("a.example.com", prefix("/", "web")).host("b.example.com", prefix("/", "cart"))
	ensure(t, p, d.d)
	// A longer path for a.example.com sorts before the rules that were there: a new rule
	// goes in above them, and the others move down.
	d.d.Spec.Rules[0].Paths = append(d.d.Spec.Rules[0].Paths, exact("/checkout/pay", "cart"))
	w := writesSince(cloud, func() { converge(t, p, d.d) })
	if n := count(w, "SetRulePriorities"); n > 1 {
		t.Errorf("%d SetRulePriorities calls, want one for the listener: %v", n, w)
	}
	if n := count(w, "DeleteRule"); n > 0 {
		t.Errorf("rules that only moved were deleted: %v", w)
	}
	for host, path := range map[string]string{"a.example.com": "/checkout/pay", "b.example.com": "/x"} {
		if got := route(t, cloud, d.d, host, path); got != "cart" {
			t.Errorf("%s%s goes to %q, want cart", host, path, got)
		}
	}
	if got := route(t, cloud, d.d, "a.example.com", "/checkout/payx"); got != "web" {
		t.Errorf("a.example.com/checkout/payx goes to %q, want web", got)
	}
}

func count(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}

func TestTargetChurnOnlyRegistersAndDeregisters(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	ensure(t, p, shop().d)
	churned := shop()
	churned.d.Targets["web"] = churned.d.Targets["web"][1:]
	churned.d.Targets["web"] = append(churned.d.Targets["web"], providers.Target{IP: "10.0.3.9", Port: 8080})
	w := writesSince(cloud, func() { converge(t, p, churned.d) })
	if !slices.Equal(w, []string{"RegisterTargets", "DeregisterTargets"}) {
		t.Errorf("replacing a pod wrote %v, want one RegisterTargets then one DeregisterTargets", w)
	}
}

func TestDeleteLeavesNothingAndIsIdempotent(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	ensure(t, p, shop().d)
	ref := providers.Ref{Name: "shop-web", Location: "us-west-2"}
	deleted := false
	for range 5 {
		if err := p.Delete(context.Background(), ref); err == nil {
			deleted = true
			break
		} else if !providers.IsRetryable(err) {
			t.Fatalf("delete: %v", err)
		}
	}
	if !deleted {
		t.Fatal("delete did not finish in five passes")
	}
	if left := cloud.owned(testCluster, "shop-web"); len(left) > 0 {
		t.Errorf("left after delete: %v", left)
	}
	if err := p.Delete(context.Background(), ref); err != nil {
		t.Errorf("a second delete: %v", err)
	}
	owned, err := p.Owned(context.Background(), nil)
	if err != nil || len(owned) != 0 {
		t.Errorf("owned after delete: %v, %v", owned, err)
	}
}

func TestABackendMovingBetweenLoadBalancersLeaksNothing(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	one := lbNamed("one").backend("web", "10.0.1.5").backend("cart", "10.0.1.7").
		host("one.example.com", prefix("/", "web"), prefix("/cart", "cart"))
	two := lbNamed("two").backend("api", "10.0.2.5").host("two.example.com", prefix("/", "api"))
	ensure(t, p, one.d)
	ensure(t, p, two.d)
	// cart moves from one to two.
	one2 := lbNamed("one").backend("web", "10.0.1.5").host("one.example.com", prefix("/", "web"))
	two2 := lbNamed("two").backend("api", "10.0.2.5").backend("cart", "10.0.1.7").
		host("two.example.com", prefix("/", "api"), prefix("/cart", "cart"))
	converge(t, p, two2.d)
	converge(t, p, one2.d)
	tgs := func(lb string) int {
		n := 0
		for _, r := range cloud.owned(testCluster, lb) {
			if strings.HasPrefix(r, "TargetGroup ") {
				n++
			}
		}
		return n
	}
	if tgs("one") != 1 || tgs("two") != 2 {
		t.Errorf("target groups: one has %d, two has %d; want 1 and 2 (one: %v)", tgs("one"), tgs("two"), cloud.owned(testCluster, "one"))
	}
	for _, r := range cloud.srv.Inventory() {
		if _, ok := providers.OwnerFromTags(r.Tags); !ok && r.Kind != "SecurityGroup" && r.Kind != "Listener" && r.Kind != "Rule" {
			t.Errorf("%s %s has no owner: leaked for good", r.Kind, r.Name)
		}
	}
	if got := route(t, cloud, two2.d, "two.example.com", "/cart"); got != "cart" {
		t.Errorf("two.example.com/cart goes to %q, want cart", got)
	}
}

func TestAStillAttachedSecurityGroupIsRetriedNotLeaked(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	ensure(t, p, shop().d)
	// Something outside portico still refers to the load balancer's group (a rule on the
	// nodes' group, say): AWS answers DependencyViolation until it goes.
	var sg string
	for _, r := range cloud.srv.Inventory() {
		if o, ok := providers.OwnerFromTags(r.Tags); ok && r.Kind == "SecurityGroup" && o.LoadBalancer == "shop-web" {
			sg = r.ID
		}
	}
	perm := ec2types.IpPermission{IpProtocol: awssdk.String("tcp"), FromPort: awssdk.Int32(8080), ToPort: awssdk.Int32(8080),
		UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: awssdk.String(sg)}}}
	ctx := context.Background()
	if _, err := cloud.clients.EC2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: awssdk.String(awstest.DefaultNodeSecurityGroup), IpPermissions: []ec2types.IpPermission{perm}}); err != nil {
		t.Fatal(err)
	}
	ref := providers.Ref{Name: "shop-web", Location: "us-west-2"}
	err := p.Delete(ctx, ref)
	if !providers.IsRetryable(err) || !strings.Contains(err.Error(), "DependencyViolation") {
		t.Fatalf("delete while the group is used: %v; want a retryable DependencyViolation", err)
	}
	if left := cloud.owned(testCluster, "shop-web"); !slices.Equal(left, []string{"SecurityGroup " + sgName(cloud, sg)}) {
		t.Errorf("after the first delete: %v; want the security group alone, kept for the next pass", left)
	}
	if owned, _ := p.Owned(ctx, nil); len(owned) != 1 {
		t.Errorf("owned %v: the half-deleted load balancer must stay listed, so the sweep finishes it", owned)
	}
	if _, err := cloud.clients.EC2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{
		GroupId: awssdk.String(awstest.DefaultNodeSecurityGroup), IpPermissions: []ec2types.IpPermission{perm}}); err != nil {
		t.Fatal(err)
	}
	if err := p.Delete(ctx, ref); err != nil {
		t.Fatalf("delete once the group is free: %v", err)
	}
	if left := cloud.owned(testCluster, "shop-web"); len(left) > 0 {
		t.Errorf("left after delete: %v", left)
	}
}

func sgName(cloud *testCloud, id string) string {
	for _, r := range cloud.srv.Inventory() {
		if r.ID == id {
			return r.Name
		}
	}
	return id
}

func TestANewSchemeMakesANewLoadBalancerBeforeTheOldOneGoes(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	ensure(t, p, shop().d)
	internal := shop()
	internal.d.Spec.Scheme = "internal"
	w := writesSince(cloud, func() { converge(t, p, internal.d) })
	created, deleted := slices.Index(w, "CreateLoadBalancer"), slices.Index(w, "DeleteLoadBalancer")
	if created < 0 || deleted < 0 || created > deleted {
		t.Errorf("a scheme change wrote %v; want the new load balancer created before the old one is deleted", w)
	}
	lbs := 0
	for _, r := range cloud.owned(testCluster, "shop-web") {
		if strings.HasPrefix(r, "LoadBalancer ") {
			lbs++
		}
	}
	if lbs != 1 {
		t.Errorf("%d load balancers after the change, want 1: %v", lbs, cloud.owned(testCluster, "shop-web"))
	}
	if got := route(t, cloud, internal.d, "shop.example.com", "/cart/x"); got != "cart" {
		t.Errorf("shop.example.com/cart/x reaches %q on the new load balancer, want cart", got)
	}
}

func TestSSLRedirectAnswersHTTPWithARedirect(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	d := shop().https(certificate(t, "shop.example.com"))
	d.d.Spec.Frontends.SSLRedirect = true
	ensure(t, cloud.provider(testCluster), d.d)
	var lbARN string
	for _, r := range cloud.srv.Inventory() {
		if r.Kind == "LoadBalancer" {
			lbARN = r.ID
		}
	}
	rules, _ := cloud.srv.ListenerRules(lbARN, 80)
	rule, err := awstest.Evaluate(rules, awstest.Request{Host: "shop.example.com", Path: "/cart"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rule.Actions) != 1 || rule.Actions[0].RedirectConfig == nil || awssdk.ToString(rule.Actions[0].RedirectConfig.Protocol) != "HTTPS" ||
		rule.Actions[0].RedirectConfig.StatusCode != "HTTP_301" {
		t.Errorf("http://shop.example.com/cart gets %+v, want a 301 to HTTPS", rule.Actions)
	}
}
