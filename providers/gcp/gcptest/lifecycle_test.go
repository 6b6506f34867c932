package gcptest

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// createGraph creates a whole load balancer through the SDK, in dependency
// order: address, health check, NEG with endpoints, backend service, URL
// map, certificate, proxies, forwarding rules, firewall.
func (e *env) createGraph() {
	e.t.Helper()
	c := e.c
	e.done(c.Addresses.Insert(e.ctx, &computepb.InsertGlobalAddressRequest{Project: proj,
		AddressResource: &computepb.Address{Name: proto.String("lb-ip")}}))
	e.done(c.HealthChecks.Insert(e.ctx, &computepb.InsertHealthCheckRequest{Project: proj,
		HealthCheckResource: healthCheck("lb-hc", "/healthz")}))
	e.done(c.NEGs.Insert(e.ctx, &computepb.InsertNetworkEndpointGroupRequest{Project: proj, Zone: zone,
		NetworkEndpointGroupResource: neg("lb-neg")}))
	e.done(c.NEGs.AttachNetworkEndpoints(e.ctx, &computepb.AttachNetworkEndpointsNetworkEndpointGroupRequest{
		Project: proj, Zone: zone, NetworkEndpointGroup: "lb-neg",
		NetworkEndpointGroupsAttachEndpointsRequestResource: &computepb.NetworkEndpointGroupsAttachEndpointsRequest{
			NetworkEndpoints: []*computepb.NetworkEndpoint{
				{IpAddress: proto.String("10.0.0.1"), Port: proto.Int32(8080)},
				{IpAddress: proto.String("10.0.0.2")},
				{IpAddress: proto.String("10.0.0.3"), Port: proto.Int32(9090)},
			}}}))
	e.done(c.BackendServices.Insert(e.ctx, &computepb.InsertBackendServiceRequest{Project: proj,
		BackendServiceResource: backendService("lb-be", "lb-hc", "lb-neg")}))
	e.done(c.URLMaps.Insert(e.ctx, &computepb.InsertUrlMapRequest{Project: proj,
		UrlMapResource: urlMap("lb-um", "lb-be").host("m", "lb-be", "foo.com").path("m", "lb-be", "/api/*").build()}))
	cert, key := selfSigned(e.t, "foo.com")
	e.done(c.SSLCertificates.Insert(e.ctx, &computepb.InsertSslCertificateRequest{Project: proj,
		SslCertificateResource: &computepb.SslCertificate{Name: proto.String("lb-cert"), Certificate: proto.String(cert), PrivateKey: proto.String(key)}}))
	e.done(c.TargetHTTPProxies.Insert(e.ctx, &computepb.InsertTargetHttpProxyRequest{Project: proj,
		TargetHttpProxyResource: &computepb.TargetHttpProxy{Name: proto.String("lb-http"), UrlMap: proto.String(global("urlMaps", "lb-um"))}}))
	e.done(c.TargetHTTPSProxies.Insert(e.ctx, &computepb.InsertTargetHttpsProxyRequest{Project: proj,
		TargetHttpsProxyResource: &computepb.TargetHttpsProxy{Name: proto.String("lb-https"), UrlMap: proto.String(global("urlMaps", "lb-um")),
			SslCertificates: []string{global("sslCertificates", "lb-cert")}}}))
	addr, err := c.Addresses.Get(e.ctx, &computepb.GetGlobalAddressRequest{Project: proj, Address: "lb-ip"})
	if err != nil {
		e.t.Fatal(err)
	}
	e.done(c.ForwardingRules.Insert(e.ctx, &computepb.InsertGlobalForwardingRuleRequest{Project: proj,
		ForwardingRuleResource: forwardingRule("lb-fr-80", global("targetHttpProxies", "lb-http"), "80", addr.GetAddress())}))
	e.done(c.ForwardingRules.Insert(e.ctx, &computepb.InsertGlobalForwardingRuleRequest{Project: proj,
		ForwardingRuleResource: forwardingRule("lb-fr-443", global("targetHttpsProxies", "lb-https"), "443", addr.GetAddress())}))
	e.done(c.Firewalls.Insert(e.ctx, &computepb.InsertFirewallRequest{Project: proj,
		FirewallResource: &computepb.Firewall{Name: proto.String("lb-fw"), SourceRanges: []string{"130.211.0.0/22", "35.191.0.0/16"},
			Allowed: []*computepb.Allowed{{IPProtocol: proto.String("tcp"), Ports: []string{"8080"}}}}}))
}

var graphInventory = []string{
	"projects/p/global/addresses/lb-ip",
	"projects/p/global/backendServices/lb-be",
	"projects/p/global/firewalls/lb-fw",
	"projects/p/global/forwardingRules/lb-fr-443",
	"projects/p/global/forwardingRules/lb-fr-80",
	"projects/p/global/healthChecks/lb-hc",
	"projects/p/global/sslCertificates/lb-cert",
	"projects/p/global/targetHttpProxies/lb-http",
	"projects/p/global/targetHttpsProxies/lb-https",
	"projects/p/global/urlMaps/lb-um",
	"projects/p/zones/us-central1-a/networkEndpointGroups/lb-neg",
}

func TestCreateFullLoadBalancer(t *testing.T) {
	e := newEnv(t, Options{})
	e.createGraph()
	if got := e.srv.Inventory(); !reflect.DeepEqual(got, graphInventory) {
		t.Fatalf("inventory:\n%v\nwant\n%v", got, graphInventory)
	}
	if got, want := e.srv.Endpoints(zone, "lb-neg"), []string{"10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:9090"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("endpoints = %v, want %v (the port defaults to the NEG's defaultPort)", got, want)
	}
	be, err := e.c.BackendServices.Get(e.ctx, &computepb.GetBackendServiceRequest{Project: proj, BackendService: "lb-be"})
	if err != nil {
		t.Fatal(err)
	}
	if be.GetId() == 0 || be.GetSelfLink() != link("backendServices", "lb-be") || be.GetCreationTimestamp() == "" ||
		be.GetFingerprint() == "" || be.GetKind() != "compute#backendService" {
		t.Fatalf("server-owned fields missing: %v", be)
	}
	if be.GetHealthChecks()[0] != link("healthChecks", "lb-hc") || be.GetBackends()[0].GetGroup() != negLink("lb-neg") {
		t.Fatalf("references are not returned as full URLs: %v %v", be.GetHealthChecks(), be.GetBackends())
	}
	cert, err := e.c.SSLCertificates.Get(e.ctx, &computepb.GetSslCertificateRequest{Project: proj, SslCertificate: "lb-cert"})
	if err != nil {
		t.Fatal(err)
	}
	if cert.PrivateKey != nil || !reflect.DeepEqual(cert.GetSubjectAlternativeNames(), []string{"foo.com"}) || cert.GetExpireTime() == "" {
		t.Fatalf("certificate = key %v, SANs %v, expiry %q; want no key, the SANs and expiry from the PEM",
			cert.PrivateKey != nil, cert.GetSubjectAlternativeNames(), cert.GetExpireTime())
	}
	if svc, ok := e.srv.Route("lb-um", "foo.com", "/api/x"); !ok || svc != "lb-be" {
		t.Fatalf("Route = %q %v", svc, ok)
	}
}

func TestDeleteInReverseOrderAndInUse(t *testing.T) {
	e := newEnv(t, Options{})
	e.createGraph()
	_, err := e.c.BackendServices.Delete(e.ctx, &computepb.DeleteBackendServiceRequest{Project: proj, BackendService: "lb-be"})
	wantAPIError(t, err, http.StatusBadRequest, "resourceInUseByAnotherResource")
	if !strings.Contains(err.Error(), "The backend_service resource 'projects/p/global/backendServices/lb-be' is already being used by 'projects/p/global/urlMaps/lb-um'") {
		t.Fatalf("the error does not name the user: %v", err)
	}
	_, err = e.c.Addresses.Delete(e.ctx, &computepb.DeleteGlobalAddressRequest{Project: proj, Address: "lb-ip"})
	wantAPIError(t, err, http.StatusBadRequest, "resourceInUseByAnotherResource")
	_, err = e.c.NEGs.Delete(e.ctx, &computepb.DeleteNetworkEndpointGroupRequest{Project: proj, Zone: zone, NetworkEndpointGroup: "lb-neg"})
	wantAPIError(t, err, http.StatusBadRequest, "resourceInUseByAnotherResource")

	c := e.c
	e.done(c.Firewalls.Delete(e.ctx, &computepb.DeleteFirewallRequest{Project: proj, Firewall: "lb-fw"}))
	e.done(c.ForwardingRules.Delete(e.ctx, &computepb.DeleteGlobalForwardingRuleRequest{Project: proj, ForwardingRule: "lb-fr-443"}))
	e.done(c.ForwardingRules.Delete(e.ctx, &computepb.DeleteGlobalForwardingRuleRequest{Project: proj, ForwardingRule: "lb-fr-80"}))
	e.done(c.TargetHTTPSProxies.Delete(e.ctx, &computepb.DeleteTargetHttpsProxyRequest{Project: proj, TargetHttpsProxy: "lb-https"}))
	e.done(c.TargetHTTPProxies.Delete(e.ctx, &computepb.DeleteTargetHttpProxyRequest{Project: proj, TargetHttpProxy: "lb-http"}))
	e.done(c.SSLCertificates.Delete(e.ctx, &computepb.DeleteSslCertificateRequest{Project: proj, SslCertificate: "lb-cert"}))
	e.done(c.URLMaps.Delete(e.ctx, &computepb.DeleteUrlMapRequest{Project: proj, UrlMap: "lb-um"}))
	e.done(c.BackendServices.Delete(e.ctx, &computepb.DeleteBackendServiceRequest{Project: proj, BackendService: "lb-be"}))
	e.done(c.NEGs.Delete(e.ctx, &computepb.DeleteNetworkEndpointGroupRequest{Project: proj, Zone: zone, NetworkEndpointGroup: "lb-neg"}))
	e.done(c.HealthChecks.Delete(e.ctx, &computepb.DeleteHealthCheckRequest{Project: proj, HealthCheck: "lb-hc"}))
	e.done(c.Addresses.Delete(e.ctx, &computepb.DeleteGlobalAddressRequest{Project: proj, Address: "lb-ip"}))
	if got := e.srv.Inventory(); len(got) != 0 {
		t.Fatalf("left after delete: %v", got)
	}
	_, err = c.URLMaps.Get(e.ctx, &computepb.GetUrlMapRequest{Project: proj, UrlMap: "lb-um"})
	wantAPIError(t, err, http.StatusNotFound, "notFound")
	_, err = c.URLMaps.Delete(e.ctx, &computepb.DeleteUrlMapRequest{Project: proj, UrlMap: "lb-um"})
	wantAPIError(t, err, http.StatusNotFound, "notFound")
}
