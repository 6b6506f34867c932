package gcptest

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
)

// A write that refers to a resource the caller may not use is refused as Google refuses
// it: 403, naming the permission and the referenced resource, and nothing is created.
func TestWriteReferringToAResourceNeedsItsPermission(t *testing.T) {
	perms := slices.DeleteFunc(slices.Clone(graphPermissions), func(p string) bool { return p == "compute.backendServices.use" })
	e := newEnv(t, Options{Permissions: perms})
	e.done(e.c.HealthChecks.Insert(e.ctx, &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck("hc", "/")}))
	e.done(e.c.BackendServices.Insert(e.ctx, &computepb.InsertBackendServiceRequest{Project: proj, BackendServiceResource: backendService("web", "hc")}))
	_, err := e.c.URLMaps.Insert(e.ctx, &computepb.InsertUrlMapRequest{Project: proj, UrlMapResource: urlMap("um", "web").m})
	wantAPIError(t, err, http.StatusForbidden, "forbidden")
	if want := "Required 'compute.backendServices.use' permission for 'projects/p/global/backendServices/web'"; !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want it to say %q", err, want)
	}
	if got := e.srv.DeniedPermissions(); !slices.Equal(got, []string{"compute.backendServices.use"}) {
		t.Errorf("denied = %v", got)
	}
	if slices.ContainsFunc(e.srv.Inventory(), func(p string) bool { return strings.Contains(p, "/urlMaps/") }) {
		t.Error("the refused URL map was created")
	}
	if !slices.Contains(e.srv.UsedPermissions(), "compute.healthChecks.useReadOnly") {
		t.Error("the backend service's health check was not recorded as used")
	}
}

// A set* method's body names only what it sets: pointing a forwarding rule at a proxy
// needs use of that proxy, not of the address the rule already holds.
func TestSetMethodChecksOnlyWhatItSets(t *testing.T) {
	e := newEnv(t, Options{})
	e.createGraph()
	e.srv.mu.Lock()
	e.srv.iam = newIAM([]string{"compute.globalForwardingRules.setTarget", "compute.targetHttpProxies.use", "compute.globalOperations.get"})
	e.srv.mu.Unlock()
	var rule, target string
	for _, p := range e.srv.Inventory() {
		if m, _ := e.srv.Resource(p); m != nil {
			if fr, ok := m.(*computepb.ForwardingRule); ok && strings.Contains(fr.GetTarget(), "targetHttpProxies") {
				rule, target = fr.GetName(), fr.GetTarget()
			}
		}
	}
	e.done(e.c.ForwardingRules.SetTarget(e.ctx, &computepb.SetTargetGlobalForwardingRuleRequest{Project: proj, ForwardingRule: rule,
		TargetReferenceResource: &computepb.TargetReference{Target: &target}}))
	if got := e.srv.DeniedPermissions(); len(got) != 0 {
		t.Errorf("denied = %v", got)
	}
}
