package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/aws/awstest"
	"github.com/portico-dev/portico/providers/plan"
)

// awsInputs are the SDK's input types of the calls that create each kind an aws plan
// prints, and of the call that attaches what AWS takes apart.
var awsInputs = map[string]struct{ spec, attach func() any }{
	"SecurityGroup":     {func() any { return &ec2.CreateSecurityGroupInput{} }, func() any { return &ec2.AuthorizeSecurityGroupIngressInput{} }},
	"SecurityGroupRule": {func() any { return &ec2.AuthorizeSecurityGroupIngressInput{} }, nil},
	"TargetGroup":       {func() any { return &elbv2.CreateTargetGroupInput{} }, func() any { return &elbv2.RegisterTargetsInput{} }},
	"Certificate":       {func() any { return &acm.ImportCertificateInput{} }, nil},
	"LoadBalancer":      {func() any { return &elbv2.CreateLoadBalancerInput{} }, nil},
	"Listener":          {func() any { return &elbv2.CreateListenerInput{} }, nil},
	"ListenerRules":     {func() any { return &[]elbv2.CreateRuleInput{} }, nil},
}

// strictJSON decodes into v, refusing any field v's type does not have.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// parseAWS reads a planned resource's spec (and attach body) as the SDK's input of the call
// that makes it, strictly, and checks that it holds no key.
func parseAWS(t *testing.T, r plan.ReportResource) any {
	t.Helper()
	in, ok := awsInputs[r.Kind]
	if !ok {
		t.Fatalf("%s %s: a kind the aws plan does not make", r.Kind, r.Name)
	}
	v := in.spec()
	if err := strictJSON(r.Spec, v); err != nil {
		t.Fatalf("%s %s: the spec is not the SDK's %T: %v\n%s", r.Kind, r.Name, v, err, r.Spec)
	}
	if c, ok := v.(*acm.ImportCertificateInput); ok && len(c.PrivateKey) > 0 {
		t.Errorf("%s %s: the plan prints a private key", r.Kind, r.Name)
	}
	if len(r.Attach) > 0 {
		if in.attach == nil {
			t.Fatalf("%s %s: an attach body the kind does not have: %s", r.Kind, r.Name, r.Attach)
		}
		if a := in.attach(); strictJSON(r.Attach, a) != nil {
			t.Errorf("%s %s: attach is not the SDK's %T: %s", r.Kind, r.Name, a, r.Attach)
		}
	}
	return v
}

// TestPlanAWSJSONIsTheSDKsInputs plans the storefront example with TLS and the nodes'
// security groups (--aws-cluster-name): every resource reads back strictly as the input of the
// ELBv2, EC2 or ACM call that creates it, each target group carries the tag naming its Service
// and port, and AWS's evaluation of the planned rules (awstest.Evaluate) sends each request to
// the target group of the Service the Ingresses route it to.
func TestPlanAWSJSONIsTheSDKsInputs(t *testing.T) {
	file := filepath.Join("..", "..", "docs", "examples", "storefront.yaml")
	code, out, errOut := runPortico(t, "plan", "-f", file, "-f", secureManifest(t), "--provider", "aws",
		"--aws-region", "eu-west-1", "--aws-cluster-name", "shop", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "PRIVATE KEY") {
		t.Fatal("the plan prints the private key")
	}
	kinds := map[string]int{}
	for _, lb := range parsePlan(t, out).LoadBalancers {
		if lb.Provider != "aws" || lb.Location != "eu-west-1" {
			t.Errorf("%s planned in %s/%s, want aws/eu-west-1", lb.LoadBalancer, lb.Provider, lb.Location)
		}
		served, listeners, rules := map[string]string{}, map[string]*elbv2.CreateListenerInput{}, map[string][]elbv2.CreateRuleInput{}
		for _, r := range lb.Resources {
			kinds[r.Kind]++
			switch in := parseAWS(t, r).(type) {
			case *elbv2.CreateTargetGroupInput:
				served["{TargetGroup "+r.Name+"}"] = serviceTag(t, r, in)
			case *elbv2.CreateListenerInput:
				listeners["{Listener "+r.Name+"}"] = in
			case *[]elbv2.CreateRuleInput:
				for _, rule := range *in {
					rules[aws.ToString(rule.ListenerArn)] = append(rules[aws.ToString(rule.ListenerArn)], rule)
				}
			}
		}
		if strings.HasPrefix(lb.LoadBalancer, "storefront-web-") {
			checkStorefrontRouting(t, served, listeners, rules)
		}
	}
	for _, k := range []string{"SecurityGroup", "SecurityGroupRule", "TargetGroup", "Certificate", "LoadBalancer", "Listener", "ListenerRules"} {
		if kinds[k] == 0 {
			t.Errorf("no %s in the plan", k)
		}
	}
}

// serviceTag returns the Service and port a planned target group's portico.dev/service tag
// names, and checks that the report names the same.
func serviceTag(t *testing.T, r plan.ReportResource, in *elbv2.CreateTargetGroupInput) string {
	t.Helper()
	tag := ""
	for _, kv := range in.Tags {
		if aws.ToString(kv.Key) == "portico.dev/service" {
			tag = aws.ToString(kv.Value)
		}
	}
	if r.Service == nil || !strings.HasPrefix(tag, r.Service.Namespace+"/"+r.Service.Name+":") {
		t.Errorf("target group %s: the tag portico.dev/service is %q, the report's Service %+v", r.Name, tag, r.Service)
	}
	return tag
}

// checkStorefrontRouting evaluates the HTTP listener of the storefront as AWS does.
func checkStorefrontRouting(t *testing.T, served map[string]string, listeners map[string]*elbv2.CreateListenerInput, rules map[string][]elbv2.CreateRuleInput) {
	t.Helper()
	var http string
	for arn, l := range listeners {
		if aws.ToInt32(l.Port) == 80 {
			http = arn
		}
	}
	if http == "" {
		t.Fatal("the storefront has no listener on port 80")
	}
	listener := asRules(listeners[http], rules[http])
	for _, tc := range []struct{ host, path, want string }{
		{"shop.example.com", "/api/orders", "storefront/api:8080"},
		{"shop.example.com", "/api", "storefront/api:8080"},
		{"shop.example.com", "/apis", "storefront/frontend:80"},
		{"shop.example.com", "/checkout", "storefront/checkout:http"},
		{"shop.example.com", "/checkout/x", "storefront/frontend:80"},
		{"other.example.com", "/api", "storefront/frontend:80"},
	} {
		rule, err := awstest.Evaluate(listener, awstest.Request{Host: tc.host, Path: tc.path, Method: "GET"})
		if err != nil {
			t.Fatalf("the planned rules are not a listener's: %v", err)
		}
		if got := served[forwardTo(rule.Actions)]; got != tc.want {
			t.Errorf("%s%s reaches %q (Service %q), want Service %s", tc.host, tc.path, forwardTo(rule.Actions), got, tc.want)
		}
	}
}

// asRules are a planned listener's rules as DescribeRules would list them.
func asRules(l *elbv2.CreateListenerInput, planned []elbv2.CreateRuleInput) []elbtypes.Rule {
	out := []elbtypes.Rule{{Priority: aws.String("default"), IsDefault: aws.Bool(true), Actions: l.DefaultActions}}
	for _, r := range planned {
		out = append(out, elbtypes.Rule{Priority: aws.String(strconv.Itoa(int(aws.ToInt32(r.Priority)))), Conditions: r.Conditions, Actions: r.Actions})
	}
	return out
}

// forwardTo is the target group a rule's actions forward to.
func forwardTo(actions []elbtypes.Action) string {
	for _, a := range actions {
		if a.Type != elbtypes.ActionTypeEnumForward {
			continue
		}
		if a.TargetGroupArn != nil {
			return aws.ToString(a.TargetGroupArn)
		}
		if a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) == 1 {
			return aws.ToString(a.ForwardConfig.TargetGroups[0].TargetGroupArn)
		}
	}
	return ""
}

// TestPlanAWSLetsTheLoadBalancersIntoTheNamedNodeGroups: with --aws-node-security-groups, as
// the controller's flag, the plan authorizes the load balancers into that group, and says it
// assumed the group exists.
func TestPlanAWSLetsTheLoadBalancersIntoTheNamedNodeGroups(t *testing.T) {
	const group = "sg-0123456789abcdef0"
	file := filepath.Join("..", "..", "docs", "examples", "cart.yaml")
	code, out, errOut := runPortico(t, "plan", "-f", file, "--provider", "aws", "--aws-node-security-groups", group, "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	doc := parsePlan(t, out)
	into := 0
	for _, lb := range doc.LoadBalancers {
		for _, r := range lb.Resources {
			if in, ok := parseAWS(t, r).(*ec2.AuthorizeSecurityGroupIngressInput); ok && r.Kind == "SecurityGroupRule" && aws.ToString(in.GroupId) == group {
				into++
			}
		}
	}
	if into == 0 {
		t.Errorf("no SecurityGroupRule lets the load balancers into %s:\n%s", group, out)
	}
	if !strings.Contains(strings.Join(doc.Assumptions, "\n"), group) {
		t.Errorf("the assumptions do not say that %s exists: %q", group, doc.Assumptions)
	}
}

// TestPlanAWSTakesTheClassesRegionAndVPC: a class whose IngressClassParams name a region, a
// VPC and the internal scheme is planned there, on the internal subnets the emulated VPC
// holds in that region, and the plan says what it assumed of that VPC.
func TestPlanAWSTakesTheClassesRegionAndVPC(t *testing.T) {
	file := writeManifest(t, `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: internal}
spec:
  controller: portico.dev/ingress-controller
  parameters: {apiGroup: portico.dev, kind: IngressClassParams, name: internal}
---
apiVersion: portico.dev/v1alpha1
kind: IngressClassParams
metadata: {name: internal}
spec:
  provider: aws
  aws: {region: eu-central-1, vpc: vpc-0123456789abcdef0, scheme: internal}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api, namespace: shop}
spec:
  ingressClassName: internal
  rules:
  - host: api.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
`)
	code, out, errOut := runPortico(t, "plan", "-f", file, "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	doc := parsePlan(t, out)
	if len(doc.LoadBalancers) != 1 || doc.LoadBalancers[0].Location != "eu-central-1" {
		t.Fatalf("want one load balancer in eu-central-1: %+v", doc.LoadBalancers)
	}
	for _, r := range doc.LoadBalancers[0].Resources {
		lb, ok := parseAWS(t, r).(*elbv2.CreateLoadBalancerInput)
		if !ok {
			continue
		}
		want := []string{emulatedSubnet("vpc-0123456789abcdef0", "private", "a"), emulatedSubnet("vpc-0123456789abcdef0", "private", "b"), emulatedSubnet("vpc-0123456789abcdef0", "private", "c")}
		slices.Sort(want)
		if lb.Scheme != "internal" || !slices.Equal(slices.Sorted(slices.Values(lb.Subnets)), want) {
			t.Errorf("the ALB is %s on %v, want internal on the private subnets %v", lb.Scheme, lb.Subnets, want)
		}
	}
	if !strings.Contains(strings.Join(doc.Assumptions, "\n"), "the VPC vpc-0123456789abcdef0 of region eu-central-1") {
		t.Errorf("the assumptions do not name the class's VPC: %q", doc.Assumptions)
	}
}
