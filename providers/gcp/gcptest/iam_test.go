package gcptest

import (
	"net/http"
	"reflect"
	"slices"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
)

// graphPermissions is what createGraph needs, and all it needs: each method's own
// permission and those on the resources its writes refer to.
var graphPermissions = []string{
	"compute.backendServices.create",
	"compute.backendServices.use",
	"compute.firewalls.create",
	"compute.globalAddresses.create",
	"compute.globalAddresses.get",
	"compute.globalAddresses.use",
	"compute.globalForwardingRules.create",
	"compute.globalOperations.get",
	"compute.healthChecks.create",
	"compute.healthChecks.useReadOnly",
	"compute.networkEndpointGroups.attachNetworkEndpoints",
	"compute.networkEndpointGroups.create",
	"compute.networkEndpointGroups.use",
	"compute.networks.updatePolicy",
	"compute.networks.use",
	"compute.sslCertificates.create",
	"compute.sslCertificates.get",
	"compute.targetHttpProxies.create",
	"compute.targetHttpProxies.use",
	"compute.targetHttpsProxies.create",
	"compute.targetHttpsProxies.use",
	"compute.urlMaps.create",
	"compute.urlMaps.use",
	"compute.zoneOperations.get",
}

func TestPermissionsUsedAreRecorded(t *testing.T) {
	e := newEnv(t, Options{Permissions: graphPermissions})
	e.createGraph()
	if got := e.srv.UsedPermissions(); !reflect.DeepEqual(got, graphPermissions) {
		t.Fatalf("used permissions:\n%v\nwant\n%v", got, graphPermissions)
	}
	if got := e.srv.DeniedPermissions(); len(got) != 0 {
		t.Fatalf("denied = %v", got)
	}
}

func TestCallOutsideTheAllowListIsForbidden(t *testing.T) {
	e := newEnv(t, Options{Permissions: graphPermissions})
	e.createGraph()
	_, err := e.c.URLMaps.Delete(e.ctx, &computepb.DeleteUrlMapRequest{Project: proj, UrlMap: "lb-um"})
	wantAPIError(t, err, http.StatusForbidden, "forbidden")
	_, err = e.c.URLMaps.Get(e.ctx, &computepb.GetUrlMapRequest{Project: proj, UrlMap: "lb-um"})
	wantAPIError(t, err, http.StatusForbidden, "forbidden")
	if got, want := e.srv.DeniedPermissions(), []string{"compute.urlMaps.delete", "compute.urlMaps.get"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("denied = %v, want %v", got, want)
	}
	if len(e.srv.Inventory()) != len(graphInventory) {
		t.Fatal("a forbidden delete changed the inventory")
	}
}

func TestEveryMethodHasItsDocumentedPermission(t *testing.T) {
	perms := Permissions()
	for _, want := range []string{
		"compute.urlMaps.update", "compute.targetHttpProxies.setUrlMap", "compute.targetHttpsProxies.setUrlMap",
		"compute.targetHttpsProxies.setSslCertificates", "compute.globalForwardingRules.setTarget",
		"compute.networkEndpointGroups.detachNetworkEndpoints", "compute.networkEndpointGroups.listNetworkEndpoints",
		"compute.globalAddresses.list", "compute.firewalls.delete", "compute.zoneOperations.get",
	} {
		if !slices.Contains(perms, want) {
			t.Errorf("no method needs %s", want)
		}
	}
}
