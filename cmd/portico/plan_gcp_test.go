package main

import (
	"path/filepath"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"sigs.k8s.io/yaml"

	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/plan"
)

// computeTypes are the compute API's messages of the kinds a gcp plan prints.
var computeTypes = map[string]func() proto.Message{
	"Address":              func() proto.Message { return &computepb.Address{} },
	"HealthCheck":          func() proto.Message { return &computepb.HealthCheck{} },
	"NetworkEndpointGroup": func() proto.Message { return &computepb.NetworkEndpointGroup{} },
	"BackendService":       func() proto.Message { return &computepb.BackendService{} },
	"URLMap":               func() proto.Message { return &computepb.UrlMap{} },
	"SslCertificate":       func() proto.Message { return &computepb.SslCertificate{} },
	"TargetHTTPProxy":      func() proto.Message { return &computepb.TargetHttpProxy{} },
	"TargetHTTPSProxy":     func() proto.Message { return &computepb.TargetHttpsProxy{} },
	"ForwardingRule":       func() proto.Message { return &computepb.ForwardingRule{} },
	"SslPolicy":            func() proto.Message { return &computepb.SslPolicy{} },
	"Firewall":             func() proto.Message { return &computepb.Firewall{} },
	"InstanceGroup":        func() proto.Message { return &computepb.InstanceGroup{} },
}

// strictCompute parses the compute API's JSON, refusing any field the API does not have.
var strictCompute = protojson.UnmarshalOptions{DiscardUnknown: false}

// TestPlanGCPJSONIsTheComputeAPIs plans the storefront example with the gcp provider and
// reads every resource back as its compute API message, strictly; then Google's evaluation of
// the planned URL map sends each request to the backend service of the Kubernetes Service
// the Ingresses route it to.
func TestPlanGCPJSONIsTheComputeAPIs(t *testing.T) {
	file := filepath.Join("..", "..", "docs", "examples", "storefront.yaml")
	code, out, errOut := runPortico(t, "plan", "-f", file, "--provider", "gcp", "--project", "shop-prod", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	doc := parsePlan(t, out)
	if len(doc.LoadBalancers) != 1 {
		t.Fatalf("%d load balancers, want 1", len(doc.LoadBalancers))
	}
	lb := doc.LoadBalancers[0]
	if lb.Provider != "gcp" || lb.Location != "shop-prod" {
		t.Errorf("load balancer in %s/%s, want gcp/shop-prod", lb.Provider, lb.Location)
	}
	served := map[string]string{} // backend service -> Kubernetes Service
	var urlMap *computepb.UrlMap
	for _, r := range lb.Resources {
		m := parseCompute(t, r)
		switch m := m.(type) {
		case *computepb.BackendService:
			served[m.GetName()] = r.Service.Namespace + "/" + r.Service.Name
			if !strings.Contains(m.GetDescription(), `"portico.dev/service":"`+served[m.GetName()]+":") {
				t.Errorf("backend service %s: the description %q does not name its Service", m.GetName(), m.GetDescription())
			}
		case *computepb.UrlMap:
			urlMap = m
		}
	}
	if urlMap == nil {
		t.Fatal("no URL map in the plan")
	}
	for _, tc := range []struct{ host, path, want string }{
		{"shop.example.com", "/api/orders", "storefront/api"},
		{"shop.example.com", "/api", "storefront/api"},
		{"shop.example.com", "/checkout", "storefront/checkout"},
		{"shop.example.com", "/checkout/x", "storefront/frontend"},
		{"other.example.com", "/api", "storefront/frontend"},
	} {
		bs, ok := gcptest.Evaluate(urlMap, tc.host, tc.path)
		if got := served[bs]; !ok || got != tc.want {
			t.Errorf("%s%s reaches backend service %q (Service %q), want Service %s", tc.host, tc.path, bs, got, tc.want)
		}
	}
}

// parseCompute reads a planned resource's spec as its compute message, strictly, and checks
// that it is the resource the plan names and holds no key.
func parseCompute(t *testing.T, r plan.ReportResource) proto.Message {
	t.Helper()
	newMsg, ok := computeTypes[r.Kind]
	if !ok {
		t.Fatalf("%s %s: a kind the compute API does not have", r.Kind, r.Name)
	}
	m := newMsg()
	if err := strictCompute.Unmarshal(r.Spec, m); err != nil {
		t.Fatalf("%s %s: the spec is not the compute API's JSON: %v\n%s", r.Kind, r.Name, err, r.Spec)
	}
	named := m.(interface{ GetName() string })
	if named.GetName() != r.Name {
		t.Errorf("%s %s: the spec names %q", r.Kind, r.Name, named.GetName())
	}
	if c, ok := m.(*computepb.SslCertificate); ok && c.PrivateKey != nil {
		t.Errorf("%s %s: the plan prints a private key", r.Kind, r.Name)
	}
	if len(r.Attach) > 0 {
		if err := strictCompute.Unmarshal(r.Attach, &computepb.NetworkEndpointGroupsAttachEndpointsRequest{}); err != nil {
			t.Errorf("%s %s: attach is not an attachNetworkEndpoints body: %v", r.Kind, r.Name, err)
		}
	}
	return m
}

// TestPlanGCPCertificatesEndpointsAndWildcards: a TLS Secret gives a certificate without its
// key, the endpoints of the EndpointSlices are the body of the attach call, and a wildcard
// host becomes route rules that Google evaluates as Kubernetes does: one label only.
func TestPlanGCPCertificatesEndpointsAndWildcards(t *testing.T) {
	file := secureManifest(t)
	wild := writeManifest(t, `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: wild, namespace: shop}
spec:
  rules:
  - host: "*.shop.example.com"
    http: {paths: [{path: /w, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}]}
`)
	code, out, errOut := runPortico(t, "plan", "-f", file, "-f", wild, "--provider", "gcp", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "PRIVATE KEY") {
		t.Fatal("the plan prints the private key")
	}
	found := map[string]bool{}
	for _, lb := range parsePlan(t, out).LoadBalancers {
		if len(lb.Blocked) > 0 {
			t.Errorf("%s: blocked %+v", lb.LoadBalancer, lb.Blocked)
		}
		for _, r := range lb.Resources {
			m := parseCompute(t, r)
			found[r.Kind] = true
			if r.Kind == "NetworkEndpointGroup" {
				attach := &computepb.NetworkEndpointGroupsAttachEndpointsRequest{}
				_ = strictCompute.Unmarshal(r.Attach, attach)
				if eps := attach.GetNetworkEndpoints(); len(eps) != 1 || eps[0].GetIpAddress() != "10.0.0.7" || eps[0].GetPort() != 8080 {
					t.Errorf("%s: attach %s, want the one ready endpoint 10.0.0.7:8080", r.Name, r.Attach)
				}
			}
			if u, ok := m.(*computepb.UrlMap); ok && strings.Contains(lb.LoadBalancer, "wild") {
				checkWildcard(t, u)
			}
		}
	}
	for _, k := range []string{"SslCertificate", "TargetHTTPSProxy", "NetworkEndpointGroup"} {
		if !found[k] {
			t.Errorf("no %s in the plan", k)
		}
	}
}

func checkWildcard(t *testing.T, u *computepb.UrlMap) {
	t.Helper()
	if len(u.PathMatchers) != 1 || len(u.PathMatchers[0].RouteRules) == 0 {
		t.Errorf("the wildcard host has no route rules: %v", u)
	}
	if bs, ok := gcptest.Evaluate(u, "a.shop.example.com", "/w/x"); !ok || !strings.Contains(bs, "shop-cart-80") {
		t.Errorf("a.shop.example.com/w/x reaches %q, want the backend service of shop/cart", bs)
	}
	if bs, ok := gcptest.Evaluate(u, "a.b.shop.example.com", "/w"); ok {
		t.Errorf("a.b.shop.example.com/w reaches %q; *.shop.example.com matches one label only", bs)
	}
}

// TestPlanGCPYAMLHoldsTheSameResources: -o yaml is the JSON document in YAML, so each spec
// read back is still the compute API's message.
func TestPlanGCPYAMLHoldsTheSameResources(t *testing.T) {
	file := filepath.Join("..", "..", "docs", "examples", "cart.yaml")
	code, out, errOut := runPortico(t, "plan", "-f", file, "--provider", "gcp", "-o", "yaml")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	asJSON, err := yaml.YAMLToJSON([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	doc := parsePlan(t, string(asJSON))
	if len(doc.LoadBalancers) != 1 || len(doc.LoadBalancers[0].Resources) != 8 {
		t.Fatalf("the YAML holds %+v, want one load balancer of 8 resources (the firewall rule included)", doc.LoadBalancers)
	}
	for _, r := range doc.LoadBalancers[0].Resources {
		parseCompute(t, r)
	}
}
