package aws

import (
	"slices"
	"strconv"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

// inventoryKeys is what awstest holds, as "Kind ID".
func inventoryKeys() map[string]bool {
	out := map[string]bool{}
	for _, r := range srv.Inventory() {
		out[r.Kind+" "+r.ID] = true
	}
	return out
}

// diffKeys returns what now holds that before did not, and what before held that now does not.
func diffKeys(now, before map[string]bool) (extra, missing []string) {
	for k := range now {
		if !before[k] {
			extra = append(extra, k)
		}
	}
	for k := range before {
		if !now[k] {
			missing = append(missing, k)
		}
	}
	slices.Sort(extra)
	slices.Sort(missing)
	return extra, missing
}

// awsResource returns awstest's resource of an ID (an ARN, or a security group's ID).
func awsResource(id string) (awstest.Resource, bool) {
	for _, r := range srv.Inventory() {
		if r.ID == id {
			return r, true
		}
	}
	return awstest.Resource{}, false
}

// resourceOf returns the one resource of a kind the LoadBalancer's status lists.
func resourceOf(t *testing.T, lb *v1alpha1.LoadBalancer, kind string) v1alpha1.CloudResource {
	t.Helper()
	var found []v1alpha1.CloudResource
	for _, r := range lb.Status.Resources {
		if r.Kind == kind {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("LoadBalancer %s lists %d %s, want one: %v", lb.Name, len(found), kind, lb.Status.Resources)
	}
	return found[0]
}

// albOf returns the ARN of the LoadBalancer's ALB.
func albOf(t *testing.T, lb *v1alpha1.LoadBalancer) string {
	t.Helper()
	return resourceOf(t, lb, aws.KindLoadBalancer).ID
}

// reached tells where a request to the load balancer's listener on port goes, as a user
// would: the Kubernetes Service ("namespace/name:port") that the target group it reaches
// was created for, or "404", or "redirect to LOCATION".
func reached(t *testing.T, lb *v1alpha1.LoadBalancer, port int32, host, path string) string {
	t.Helper()
	routed, ok := srv.Route(albOf(t, lb), port, awstest.Request{Host: host, Path: path, Method: "GET"})
	switch {
	case !ok:
		return "no answer"
	case routed.Redirect != "":
		return "redirect to " + routed.Redirect
	case routed.TargetGroupARN == "":
		return strconv.Itoa(routed.FixedStatus)
	}
	tg, ok := awsResource(routed.TargetGroupARN)
	if !ok {
		return "target group " + routed.TargetGroupARN + " that awstest does not hold"
	}
	return tg.Tags[aws.TagService]
}

// writesSince returns the write calls awstest answered after the first n calls of its log,
// as "Action" each.
func writesSince(n int) []string {
	var out []string
	for _, c := range srv.Calls()[n:] {
		if c.Write {
			out = append(out, c.Action)
		}
	}
	return out
}

// callCount is the length of awstest's call log, to count the calls made after it.
func callCount() int { return len(srv.Calls()) }

// only returns the writes whose action is not among the allowed ones.
func only(writes []string, allowed ...string) []string {
	var out []string
	for _, w := range writes {
		if !slices.Contains(allowed, w) {
			out = append(out, w)
		}
	}
	return out
}

// targetsOf lists the targets a target group routes to (draining ones left out), as
// "ID:port".
func targetsOf(tgARN string) []string {
	var out []string
	for _, tg := range srv.Targets(tgARN) {
		if tg.State != "draining" {
			out = append(out, tg.ID+":"+strconv.Itoa(int(tg.Port)))
		}
	}
	slices.Sort(out)
	return out
}
