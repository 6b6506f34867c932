package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// googleID is an id as Google gives it: a uint64 of 19 digits or so.
var googleID = regexp.MustCompile(`\b\d{15,20}\b`)

// TestDevServesTheSamplesWithTheGCPProvider runs `portico dev --provider gcp`: the samples
// are served by the gcp provider through the real SDK against the in-process emulator, and
// `kubectl describe loadbalancer` shows the GCE resources with Google's names, ids and
// self-links. An Ingress of target type instance is served too: each Node has its VM.
func TestDevServesTheSamplesWithTheGCPProvider(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane")
	}
	t.Chdir(t.TempDir())
	kubectl := startDev(t, "--provider", "gcp", "--log-file", filepath.Join(t.TempDir(), "portico.log"))
	waitUntil(t, "both sample load balancers to be Ready on gcp", func() bool {
		lbs := kubectl("get", "loadbalancers", "-o", "wide")
		return strings.Count(lbs, " gcp ") >= 2 && strings.Count(lbs, "True") >= 2 &&
			strings.Contains(lbs, "demo-web-") && strings.Contains(lbs, "demo-sites-")
	})
	ing := kubectl("get", "ingress", "-n", "demo", "web")
	if !regexp.MustCompile(`\b\d+\.\d+\.\d+\.\d+\b`).MatchString(ing) {
		t.Errorf("the sample Ingress has no address:\n%s", ing)
	}
	describe := kubectl("describe", "loadbalancer")
	for _, kind := range []string{"Address", "HealthCheck", "NetworkEndpointGroup", "BackendService", "URLMap", "TargetHTTPProxy", "ForwardingRule"} {
		if !strings.Contains(describe, kind) {
			t.Errorf("kubectl describe loadbalancer does not show a %s", kind)
		}
	}
	// GCE names, within Google's rules, deterministic from the cluster ID "dev" and the
	// load balancer; ids and self-links as Google gives them.
	if !regexp.MustCompile(`Name: +pt-um-dev-demo-web-[a-z0-9-]+`).MatchString(describe) || !googleID.MatchString(describe) {
		t.Errorf("kubectl describe loadbalancer shows no GCE name or id:\n%s", describe)
	}
	selfLink := regexp.MustCompile(`Link: +https://www\.googleapis\.com/compute/v1/projects/` + devProject + `/global/urlMaps/pt-um-dev-demo-web-`)
	if !selfLink.MatchString(describe) {
		t.Errorf("kubectl describe loadbalancer shows no self-link of the URL map:\n%s", describe)
	}
	checkInstanceTargets(t, kubectl)
}
