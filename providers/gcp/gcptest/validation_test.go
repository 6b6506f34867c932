package gcptest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// raw sends a request the SDK would never send, and decodes Google's error body.
func raw(t *testing.T, srv *Server, method, path, body string) (int, errorBody) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b errorBody
	_ = json.NewDecoder(resp.Body).Decode(&b)
	return resp.StatusCode, b
}

func TestWireProtocol(t *testing.T) {
	srv := New(Options{Project: proj})
	defer srv.Close()
	code, body := raw(t, srv, "POST", "/compute/v1/projects/p/global/healthChecks", `{"name":"hc","type":"TCP","bogus":1}`)
	if code != http.StatusBadRequest || body.Error.Code != 400 || body.Error.Errors[0].Reason != "invalid" ||
		!strings.Contains(body.Error.Message, "bogus") {
		t.Fatalf("unknown field: %d %+v", code, body)
	}
	code, _ = raw(t, srv, "POST", "/compute/v1/projects/p/global/healthChecks", `{"name":"hc","type":"TCP"}`)
	if code != http.StatusOK {
		t.Fatalf("a valid insert: %d", code)
	}
	code, _ = raw(t, srv, "POST", "/compute/v1/projects/p/global/targetHttpProxies/x/setUrlMap", `{}`)
	if code != http.StatusNotFound {
		t.Fatalf("setUrlMap under global/ (not the API's path) = %d, want 404", code)
	}
	code, _ = raw(t, srv, "PATCH", "/compute/v1/projects/p/global/sslCertificates/x", `{}`)
	if code != http.StatusNotFound {
		t.Fatalf("a patch of certificates (no such method) = %d, want 404", code)
	}
}

func TestInsertRules(t *testing.T) {
	e := newEnv(t, Options{})
	e.createGraph()
	c, ctx := e.c, e.ctx
	mixed := urlMap("mixed", "lb-be").host("m", "lb-be", "a.com").path("m", "lb-be", "/a/*").route("m", "lb-be", 1, prefix("/b")).build()
	nonManaged := backendService("classic", "lb-hc")
	nonManaged.LoadBalancingScheme = proto.String("EXTERNAL")
	classicRule := forwardingRule("classic", global("targetHttpProxies", "lb-http"), "8080", "")
	classicRule.LoadBalancingScheme = proto.String("EXTERNAL")
	cases := []struct {
		name   string
		call   func() error
		code   int
		reason string
	}{
		{"path matcher mixing path and route rules", func() error {
			_, err := c.URLMaps.Insert(ctx, &computepb.InsertUrlMapRequest{Project: proj, UrlMapResource: mixed})
			return err
		}, 400, "invalid"},
		{"URL map to a missing service", func() error {
			_, err := c.URLMaps.Insert(ctx, &computepb.InsertUrlMapRequest{Project: proj, UrlMapResource: urlMap("um2", "missing").build()})
			return err
		}, 404, "notFound"},
		{"backend service not EXTERNAL_MANAGED", func() error {
			_, err := c.BackendServices.Insert(ctx, &computepb.InsertBackendServiceRequest{Project: proj, BackendServiceResource: nonManaged})
			return err
		}, 400, "invalid"},
		{"backend service to a missing NEG", func() error {
			_, err := c.BackendServices.Insert(ctx, &computepb.InsertBackendServiceRequest{Project: proj, BackendServiceResource: backendService("b", "lb-hc", "nope")})
			return err
		}, 404, "notFound"},
		{"forwarding rule not EXTERNAL_MANAGED", func() error {
			_, err := c.ForwardingRules.Insert(ctx, &computepb.InsertGlobalForwardingRuleRequest{Project: proj, ForwardingRuleResource: classicRule})
			return err
		}, 400, "invalid"},
		{"forwarding rule to a URL map", func() error {
			_, err := c.ForwardingRules.Insert(ctx, &computepb.InsertGlobalForwardingRuleRequest{Project: proj,
				ForwardingRuleResource: forwardingRule("fr", global("urlMaps", "lb-um"), "80", "")})
			return err
		}, 400, "invalid"},
		{"HTTPS proxy without certificates", func() error {
			_, err := c.TargetHTTPSProxies.Insert(ctx, &computepb.InsertTargetHttpsProxyRequest{Project: proj,
				TargetHttpsProxyResource: &computepb.TargetHttpsProxy{Name: proto.String("tp"), UrlMap: proto.String(global("urlMaps", "lb-um"))}})
			return err
		}, 400, "required"},
		{"certificate that is not PEM", func() error {
			_, err := c.SSLCertificates.Insert(ctx, &computepb.InsertSslCertificateRequest{Project: proj,
				SslCertificateResource: &computepb.SslCertificate{Name: proto.String("bad"), Certificate: proto.String("x"), PrivateKey: proto.String("y")}})
			return err
		}, 400, "invalid"},
		{"name outside Google's rules", func() error {
			_, err := c.HealthChecks.Insert(ctx, &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck("Bad_Name", "/")})
			return err
		}, 400, "invalid"},
		{"name taken", func() error {
			_, err := c.HealthChecks.Insert(ctx, &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck("lb-hc", "/")})
			return err
		}, 409, "alreadyExists"},
		{"health check type without its block", func() error {
			hc := healthCheck("hc2", "/")
			hc.Type = proto.String("TCP")
			_, err := c.HealthChecks.Insert(ctx, &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: hc})
			return err
		}, 400, "invalid"},
		{"endpoint without a port in a NEG without a default", func() error {
			n := neg("nodefault")
			n.DefaultPort = nil
			e.done(c.NEGs.Insert(ctx, &computepb.InsertNetworkEndpointGroupRequest{Project: proj, Zone: zone, NetworkEndpointGroupResource: n}))
			_, err := c.NEGs.AttachNetworkEndpoints(ctx, &computepb.AttachNetworkEndpointsNetworkEndpointGroupRequest{Project: proj, Zone: zone,
				NetworkEndpointGroup: "nodefault", NetworkEndpointGroupsAttachEndpointsRequestResource: &computepb.NetworkEndpointGroupsAttachEndpointsRequest{
					NetworkEndpoints: []*computepb.NetworkEndpoint{{IpAddress: proto.String("10.0.0.9")}}}})
			return err
		}, 400, "required"},
	}
	noMatcherDefault := urlMap("um3", "lb-be").host("m", "lb-be", "a.com").build()
	noMatcherDefault.PathMatchers[0].DefaultService = nil
	utilization := backendService("util", "lb-hc", "lb-neg")
	utilization.Backends[0].BalancingMode = proto.String("UTILIZATION")
	legacyCheck := backendService("legacy", "")
	legacyCheck.HealthChecks = []string{"global/httpHealthChecks/old"}
	cases = append(cases, []struct {
		name   string
		call   func() error
		code   int
		reason string
	}{
		{"path matcher without a default", func() error {
			_, err := c.URLMaps.Insert(ctx, &computepb.InsertUrlMapRequest{Project: proj, UrlMapResource: noMatcherDefault})
			return err
		}, 400, "invalid"},
		{"NEG backend not balanced by RATE", func() error {
			_, err := c.BackendServices.Insert(ctx, &computepb.InsertBackendServiceRequest{Project: proj, BackendServiceResource: utilization})
			return err
		}, 400, "invalid"},
		{"legacy HTTP health check", func() error {
			_, err := c.BackendServices.Insert(ctx, &computepb.InsertBackendServiceRequest{Project: proj, BackendServiceResource: legacyCheck})
			return err
		}, 400, "invalid"},
		{"second forwarding rule on the same IP and port", func() error {
			addr, _ := c.Addresses.Get(ctx, &computepb.GetGlobalAddressRequest{Project: proj, Address: "lb-ip"})
			_, err := c.ForwardingRules.Insert(ctx, &computepb.InsertGlobalForwardingRuleRequest{Project: proj,
				ForwardingRuleResource: forwardingRule("dup", global("targetHttpProxies", "lb-http"), "80", addr.GetAddress())})
			return err
		}, 400, "invalid"},
	}...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantAPIError(t, tc.call(), tc.code, tc.reason) })
	}
	if got := len(e.srv.Inventory()); got != len(graphInventory)+1 {
		t.Fatalf("refused inserts changed the inventory: %v", e.srv.Inventory())
	}
}
