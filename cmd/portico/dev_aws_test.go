package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDevServesTheSamplesWithTheAWSProvider runs `portico dev --provider aws`: the samples
// are served by the aws provider through the real SDK against the in-process emulator, and
// `kubectl describe loadbalancer` shows the ALB, its listeners, rules, target groups and
// security groups with AWS's names and ARNs. An Ingress of target type instance is served
// too: each Node gets an instance, named in its spec.providerID.
func TestDevServesTheSamplesWithTheAWSProvider(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane")
	}
	t.Chdir(t.TempDir())
	kubectl := startDev(t, "--provider", "aws", "--log-file", filepath.Join(t.TempDir(), "portico.log"))
	waitUntil(t, "both sample load balancers to be Ready on aws", func() bool {
		lbs := kubectl("get", "loadbalancers", "-o", "wide")
		return strings.Count(lbs, " aws ") >= 2 && strings.Count(lbs, "True") >= 2 &&
			strings.Contains(lbs, "demo-web-") && strings.Contains(lbs, "demo-sites-")
	})
	if ing := kubectl("get", "ingress", "-n", "demo", "web"); !strings.Contains(ing, ".us-west-2.elb.amazonaws.com") {
		t.Errorf("the sample Ingress has no ALB DNS name:\n%s", ing)
	}
	describe := kubectl("describe", "loadbalancer")
	for _, kind := range []string{"SecurityGroup", "SecurityGroupRule", "TargetGroup", "LoadBalancer", "Listener", "ListenerRule"} {
		if !strings.Contains(describe, kind) {
			t.Errorf("kubectl describe loadbalancer does not show a %s", kind)
		}
	}
	// AWS names, deterministic from the cluster ID "dev" and the load balancer; ARNs as AWS gives them.
	arn := regexp.MustCompile(`arn:aws:elasticloadbalancing:us-west-2:\d{12}:loadbalancer/app/pt-lb-dev-demo-web-[0-9a-f-]+/[0-9a-f]+`)
	if !arn.MatchString(describe) {
		t.Errorf("kubectl describe loadbalancer shows no ARN of the ALB:\n%s", describe)
	}
	checkInstanceTargetsAWS(t, kubectl)
}

// checkInstanceTargetsAWS applies a Node without a providerID and an Ingress of target type
// instance: the Node is given its instance's ID, which AWS lets the provider register, and
// the load balancer becomes Ready.
func checkInstanceTargetsAWS(t *testing.T, kubectl func(args ...string) string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "by-node.yaml")
	manifest := strings.Replace(strings.Replace(nodeTargetManifest, "us-central1-b", "us-west-2b", 1), "10.128.0.7", "10.0.16.7", 1)
	if err := os.WriteFile(file, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	kubectl("apply", "-f", file)
	providerID := regexp.MustCompile(`^aws:///us-west-2b/i-[0-9a-f]{17}$`)
	waitUntil(t, "the Node to get its instance's providerID", func() bool {
		return providerID.MatchString(kubectl("get", "node", "dev-node-1", "-o", "jsonpath={.spec.providerID}"))
	})
	ready := regexp.MustCompile(`(?m)^demo-by-node-\S+\s+aws\s+\S+\s+True\b`)
	waitUntil(t, "the load balancer of target type instance to be Ready on aws", func() bool {
		return ready.MatchString(kubectl("get", "loadbalancers"))
	})
}
