package gcptest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// The embedded schemas come from the google.golang.org/api that go.mod requires; after a
// bump, `go generate ./providers/gcp/gcptest` must run again.
func TestSchemasMatchTheRequiredModule(t *testing.T) {
	mod, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(mod), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "google.golang.org/api" {
			if want := f[0] + "@" + f[1] + " "; !strings.HasPrefix(document.Source, want) {
				t.Fatalf("compute-schemas.json comes from %q, go.mod requires %s: run go generate ./providers/gcp/gcptest", document.Source, want)
			}
			return
		}
	}
	t.Fatal("go.mod does not require google.golang.org/api")
}

// Every kind the emulator serves has its resource and list in the discovery document, so
// that its bodies are checked: a kind added without them fails here.
func TestEveryKindHasItsSchema(t *testing.T) {
	for name, k := range kinds {
		for _, m := range []proto.Message{k.newItem(), k.newList()} {
			if _, ok := schemaOf(m); !ok {
				t.Errorf("kind %s: %s is not in compute-schemas.json; add its collection to discoverygen", name, m.ProtoReflect().Descriptor().Name())
			}
		}
	}
}

func TestRequestBodiesAreCheckedAgainstTheSchema(t *testing.T) {
	e := newEnv(t, Options{})
	e.createGraph()
	cases := []struct{ name, path, body, message string }{
		{"unknown top-level field", "/compute/v1/projects/p/global/healthChecks",
			`{"name":"hc","type":"TCP","tcpHealthCheck":{"port":80},"bogus":1}`,
			`Invalid JSON payload received. Unknown name "bogus" at 'resource': Cannot find field.`},
		{"unknown nested field", "/compute/v1/projects/p/global/backendServices",
			`{"name":"b","loadBalancingScheme":"EXTERNAL_MANAGED","backends":[{"group":"zones/us-central1-a/networkEndpointGroups/lb-neg","balancingMode":"RATE","maxRate":5,"weight":2}]}`,
			`Invalid JSON payload received. Unknown name "weight" at 'resource.backends[0]': Cannot find field.`},
		{"value outside the enum", "/compute/v1/projects/p/global/backendServices",
			`{"name":"b","loadBalancingScheme":"EXTERNAL_MANAGED","protocol":"QUIC"}`,
			`Invalid value at 'resource.protocol' (TYPE_ENUM), "QUIC"`},
		{"string for a number", "/compute/v1/projects/p/global/backendServices",
			`{"name":"b","loadBalancingScheme":"EXTERNAL_MANAGED","timeoutSec":"thirty"}`,
			`Invalid value at 'resource.timeout_sec' (TYPE_INT32), "thirty"`},
		{"unknown field in a patch", "/compute/v1/projects/p/global/urlMaps/lb-um",
			`{"hostRules":[{"hosts":["a.com"],"pathMatcher":"m","priority":1}]}`,
			`Invalid JSON payload received. Unknown name "priority" at 'resource.host_rules[0]': Cannot find field.`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := "POST"
			if strings.Contains(tc.path, "lb-um") {
				method = "PATCH"
			}
			code, body := raw(t, e.srv, method, tc.path, tc.body)
			if code != http.StatusBadRequest || body.Error.Message != tc.message || body.Error.Errors[0].Reason != "invalid" {
				t.Fatalf("got %d %q, want 400 %q", code, body.Error.Message, tc.message)
			}
		})
	}
	if got := len(e.srv.Inventory()); got != len(graphInventory) {
		t.Fatalf("refused requests changed the inventory: %v", e.srv.Inventory())
	}
}

// Google ignores the output-only fields of a request: the server sets them.
func TestOutputOnlyFieldsOfARequestAreIgnored(t *testing.T) {
	e := newEnv(t, Options{})
	code, _ := raw(t, e.srv, "POST", "/compute/v1/projects/p/global/addresses",
		`{"name":"ip","id":"42","status":"IN_USE","users":["x"],"selfLink":"https://example.com/ip","creationTimestamp":"then"}`)
	if code != http.StatusOK {
		t.Fatalf("insert with output-only fields = %d, want 200", code)
	}
	a, err := e.c.Addresses.Get(e.ctx, &computepb.GetGlobalAddressRequest{Project: proj, Address: "ip"})
	if err != nil {
		t.Fatal(err)
	}
	if a.GetId() == 42 || a.GetStatus() != "RESERVED" || len(a.GetUsers()) != 0 || a.GetSelfLink() != link("addresses", "ip") || a.GetCreationTimestamp() == "then" {
		t.Fatalf("the server kept what the request said of its own fields: %v", a)
	}
}

// Every body the emulator sends, for every kind it holds, conforms to the compute API's
// schema: gets, lists, operations and the NEG and health reads.
func TestEveryResponseConformsToTheSchema(t *testing.T) {
	e := newEnv(t, Options{OperationPolls: 1})
	e.createGraph() // its inserts and polls are checked too
	e.createSharedKinds()
	var paths []string
	for _, rel := range e.srv.Inventory() {
		parts := strings.Split(rel, "/")
		paths = append(paths, rel, strings.Join(parts[:len(parts)-1], "/"))
	}
	paths = append(paths, "projects/p/aggregated/networkEndpointGroups")
	sort.Strings(paths)
	collections := map[string]bool{}
	for _, p := range slicesCompact(paths) {
		if code := get(t, e.srv, "/compute/v1/"+p); code != http.StatusOK {
			t.Errorf("GET %s = %d", p, code)
		}
		collections[strings.Split(p, "/")[len(strings.Split(p, "/"))-2]] = true
	}
	it := e.c.NEGs.ListNetworkEndpoints(e.ctx, &computepb.ListNetworkEndpointsNetworkEndpointGroupsRequest{Project: proj, Zone: zone, NetworkEndpointGroup: "lb-neg"})
	if _, err := it.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.BackendServices.GetHealth(e.ctx, &computepb.GetHealthBackendServiceRequest{Project: proj, BackendService: "lb-be",
		ResourceGroupReferenceResource: &computepb.ResourceGroupReference{Group: proto.String(negLink("lb-neg"))}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range e.srv.Calls() {
		if c.Status >= 500 {
			t.Errorf("%s %s answered %d: a body departed from the schema", c.Method, c.Path, c.Status)
		}
	}
	for name := range kinds {
		if !collections[name] {
			t.Errorf("kind %s was not read back: add it to createGraph", name)
		}
	}
}

// conforms catches what Google would never send.
func TestConformsRefusesWhatGoogleNeverSends(t *testing.T) {
	bad := &computepb.Address{Name: proto.String("ip"), Status: proto.String("BORROWED")}
	buf, _ := json.Marshal(map[string]string{"name": "ip", "status": "BORROWED"})
	if err := conforms(bad, buf); err == nil || !strings.Contains(err.Error(), "response.status") {
		t.Fatalf("an enum value outside the schema conforms: %v", err)
	}
}

// get reads a path and returns the status.
func get(t *testing.T, srv *Server, path string) int {
	t.Helper()
	resp, err := srv.HTTPClient().Get(srv.URL() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func slicesCompact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// The global external Application Load Balancer takes the backend service settings of
// Application Load Balancers (custom headers, CDN, IAP, ...) and refuses those the
// reference reserves for other schemes.
func TestExternalManagedRefusesOtherSchemesFields(t *testing.T) {
	e := newEnv(t, Options{})
	e.createGraph()
	const base = `{"name":"%s","loadBalancingScheme":"EXTERNAL_MANAGED","protocol":"HTTP",%s}`
	accepted := map[string]string{
		"custom-headers": `"customRequestHeaders":["X-Client-Geo: {client_region}"],"customResponseHeaders":["X-Cache: {cdn_cache_status}"]`,
		"cookie":         `"sessionAffinity":"GENERATED_COOKIE","affinityCookieTtlSec":60`,
		"draining":       `"connectionDraining":{"drainingTimeoutSec":30},"localityLbPolicy":"LEAST_REQUEST"`,
	}
	for name, fields := range accepted {
		if code, body := raw(t, e.srv, "POST", "/compute/v1/projects/p/global/backendServices", fmt.Sprintf(base, name, fields)); code != http.StatusOK {
			t.Errorf("%s: %d %s, want it accepted", name, code, body.Error.Message)
		}
	}
	refused := map[string]string{
		"failoverPolicy":           `"failoverPolicy":{"dropTrafficIfUnhealthy":true}`,
		"connectionTrackingPolicy": `"connectionTrackingPolicy":{"trackingMode":"PER_CONNECTION"}`,
		"maxStreamDuration":        `"maxStreamDuration":{"seconds":"60"}`,
		"network":                  `"network":"global/networks/default"`,
		"sessionAffinity":          `"sessionAffinity":"CLIENT_IP_PORT_PROTO"`,
	}
	for field, fields := range refused {
		code, body := raw(t, e.srv, "POST", "/compute/v1/projects/p/global/backendServices", fmt.Sprintf(base, "x", fields))
		if code != http.StatusBadRequest || !strings.Contains(body.Error.Message, "'resource."+field+"'") || !strings.Contains(body.Error.Message, "EXTERNAL_MANAGED") {
			t.Errorf("%s: %d %q, want 400 naming the field and the scheme", field, code, body.Error.Message)
		}
	}
	code, body := raw(t, e.srv, "POST", "/compute/v1/projects/p/global/forwardingRules",
		`{"name":"fr","loadBalancingScheme":"EXTERNAL_MANAGED","target":"global/targetHttpProxies/lb-http","portRange":"8080","ports":["8080"]}`)
	if code != http.StatusBadRequest || !strings.Contains(body.Error.Message, "'resource.ports'") {
		t.Errorf("a forwarding rule with ports: %d %q, want 400", code, body.Error.Message)
	}
}

// createSharedKinds adds what createGraph leaves out: an SSL policy, a VM and the instance
// group that holds it.
func (e *env) createSharedKinds() {
	e.t.Helper()
	c := e.c
	e.done(c.SSLPolicies.Insert(e.ctx, &computepb.InsertSslPolicyRequest{Project: proj,
		SslPolicyResource: &computepb.SslPolicy{Name: proto.String("lb-tls"), Profile: proto.String("MODERN"), MinTlsVersion: proto.String("TLS_1_2")}}))
	vm := e.srv.AddInstance(proj, zone, "node-1", "10.1.0.1")
	e.done(c.InstanceGroups.Insert(e.ctx, &computepb.InsertInstanceGroupRequest{Project: proj, Zone: zone,
		InstanceGroupResource: &computepb.InstanceGroup{Name: proto.String("lb-ig"),
			NamedPorts: []*computepb.NamedPort{{Name: proto.String("port30080"), Port: proto.Int32(30080)}}}}))
	e.done(c.InstanceGroups.AddInstances(e.ctx, &computepb.AddInstancesInstanceGroupRequest{Project: proj, Zone: zone, InstanceGroup: "lb-ig",
		InstanceGroupsAddInstancesRequestResource: &computepb.InstanceGroupsAddInstancesRequest{
			Instances: []*computepb.InstanceReference{{Instance: proto.String(vm)}}}}))
}
