package gcptest

import (
	"net/http"
	"reflect"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

func (e *env) health() map[string]string {
	e.t.Helper()
	h, err := e.c.BackendServices.GetHealth(e.ctx, &computepb.GetHealthBackendServiceRequest{Project: proj, BackendService: "lb-be",
		ResourceGroupReferenceResource: &computepb.ResourceGroupReference{Group: proto.String("zones/" + zone + "/networkEndpointGroups/lb-neg")}})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range h.GetHealthStatus() {
		out[endpointID(&computepb.NetworkEndpoint{IpAddress: s.IpAddress, Port: s.Port})] = s.GetHealthState()
	}
	return out
}

func TestEndpointHealth(t *testing.T) {
	e := newEnv(t, Options{InitialHealth: "UNHEALTHY"})
	e.createGraph()
	e.srv.SetEndpointHealth(zone, "lb-neg", "10.0.0.1:8080", "HEALTHY")
	want := map[string]string{"10.0.0.1:8080": "HEALTHY", "10.0.0.2:8080": "UNHEALTHY", "10.0.0.3:9090": "UNHEALTHY"}
	if got := e.health(); !reflect.DeepEqual(got, want) {
		t.Fatalf("health = %v, want %v", got, want)
	}
	e.done(e.c.NEGs.DetachNetworkEndpoints(e.ctx, &computepb.DetachNetworkEndpointsNetworkEndpointGroupRequest{Project: proj, Zone: zone,
		NetworkEndpointGroup: "lb-neg", NetworkEndpointGroupsDetachEndpointsRequestResource: &computepb.NetworkEndpointGroupsDetachEndpointsRequest{
			NetworkEndpoints: []*computepb.NetworkEndpoint{{IpAddress: proto.String("10.0.0.1"), Port: proto.Int32(8080)}}}}))
	e.done(e.c.NEGs.AttachNetworkEndpoints(e.ctx, &computepb.AttachNetworkEndpointsNetworkEndpointGroupRequest{Project: proj, Zone: zone,
		NetworkEndpointGroup: "lb-neg", NetworkEndpointGroupsAttachEndpointsRequestResource: &computepb.NetworkEndpointGroupsAttachEndpointsRequest{
			NetworkEndpoints: []*computepb.NetworkEndpoint{{IpAddress: proto.String("10.0.0.1"), Port: proto.Int32(8080)}}}}))
	if got := e.health()["10.0.0.1:8080"]; got != "UNHEALTHY" {
		t.Fatalf("a re-attached endpoint reports %s, want the initial state", got)
	}
	_, err := e.c.BackendServices.GetHealth(e.ctx, &computepb.GetHealthBackendServiceRequest{Project: proj, BackendService: "lb-be",
		ResourceGroupReferenceResource: &computepb.ResourceGroupReference{Group: proto.String("zones/" + zone + "/networkEndpointGroups/other")}})
	wantAPIError(t, err, http.StatusBadRequest, "invalid")
}

func TestAddressUsersAndForwardingRulePatch(t *testing.T) {
	e := newEnv(t, Options{})
	e.createGraph()
	a, err := e.c.Addresses.Get(e.ctx, &computepb.GetGlobalAddressRequest{Project: proj, Address: "lb-ip"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{link("forwardingRules", "lb-fr-443"), link("forwardingRules", "lb-fr-80")}; !reflect.DeepEqual(a.GetUsers(), want) || a.GetStatus() != "IN_USE" {
		t.Fatalf("address users %v status %s, want %v IN_USE", a.GetUsers(), a.GetStatus(), want)
	}
	e.done(e.c.ForwardingRules.Patch(e.ctx, &computepb.PatchGlobalForwardingRuleRequest{Project: proj, ForwardingRule: "lb-fr-80",
		ForwardingRuleResource: &computepb.ForwardingRule{NetworkTier: proto.String("PREMIUM")}}))
	_, err = e.c.ForwardingRules.Patch(e.ctx, &computepb.PatchGlobalForwardingRuleRequest{Project: proj, ForwardingRule: "lb-fr-80",
		ForwardingRuleResource: &computepb.ForwardingRule{Description: proto.String("changed")}})
	wantAPIError(t, err, http.StatusBadRequest, "invalid")
}

func TestHostPatterns(t *testing.T) {
	for host, ok := range map[string]bool{"*": true, "*.foo.com": true, "*-foo.com": true, "foo.com": true,
		"a.*.com": false, "*foo.com": false, "**.foo.com": false, "": false} {
		if err := validHostPattern(0, host); (err == nil) != ok {
			t.Errorf("host %q: error %v, want valid=%v", host, err, ok)
		}
	}
}
