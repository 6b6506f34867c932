package gcp

import (
	"context"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/retry"
)

// testCloud is gcptest with the client and reads over it, and the plan engine.
type testCloud struct {
	srv    *gcptest.Server
	client *client
	engine *plan.Engine
}

func newTestCloud(t *testing.T, opts gcptest.Options) *testCloud {
	t.Helper()
	opts.Project = testProject
	srv := gcptest.New(opts)
	t.Cleanup(srv.Close)
	c, err := srv.Clients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	api := &Clients{Addresses: c.Addresses, HealthChecks: c.HealthChecks, BackendServices: c.BackendServices, URLMaps: c.URLMaps,
		TargetHTTPProxies: c.TargetHTTPProxies, TargetHTTPSProxies: c.TargetHTTPSProxies, SSLCertificates: c.SSLCertificates, SSLPolicies: c.SSLPolicies,
		ForwardingRules: c.ForwardingRules, NEGs: c.NEGs, InstanceGroups: c.InstanceGroups, Firewalls: c.Firewalls}
	cert := testCertificate(t, "user.example.com")
	key, _ := cert.Key(context.Background())
	op, err := c.SSLCertificates.Insert(context.Background(), &computepb.InsertSslCertificateRequest{Project: testProject,
		SslCertificateResource: &computepb.SslCertificate{Name: proto.String("user-cert"), Certificate: proto.String(string(cert.CertPEM)), PrivateKey: proto.String(string(key))}})
	mustWait(t, op, err)
	cfg := testConfig()
	return &testCloud{srv: srv, engine: newEngine(), client: &client{
		api: api, project: testProject, location: testProject, backoff: retry.Backoff{},
		reads: newReads(&connector{clients: api}, cfg.namer, providers.NopObserver{}, unlimited{}, 0, nil), observer: providers.NopObserver{}, limiter: unlimited{},
	}}
}

// plan returns what a pass would do for a load balancer.
func (tc *testCloud) plan(t *testing.T, d *providers.Desired) *plan.Plan {
	t.Helper()
	g := mustGraph(t, d)
	have, err := tc.client.reads.owned(context.Background(), testProject, providers.Owner{ClusterID: "cluster-a", LoadBalancer: d.Ref.Name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tc.engine.Plan(g, have)
}

// pass plans and applies a load balancer and returns the changes made.
func (tc *testCloud) pass(t *testing.T, d *providers.Desired) []string {
	t.Helper()
	res := tc.engine.Apply(context.Background(), tc.client, tc.plan(t, d))
	if res.Err != nil {
		t.Fatalf("apply: %v", res.Err)
	}
	var out []string
	for _, c := range res.Changes {
		out = append(out, c.Op+" "+c.Kind)
	}
	return out
}

func TestFullCreateThenNothing(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{OperationPolls: 2})
	d := full(t, "create")
	if got := tc.pass(t, d); len(got) != 11 {
		t.Fatalf("a create made %d changes, want 11: %v", len(got), got)
	}
	writes := tc.srv.Writes()
	if p := tc.plan(t, d); len(p.Steps) != 0 {
		t.Errorf("the second pass plans %v", p.Actions())
	}
	if got := tc.pass(t, d); len(got) != 0 || tc.srv.Writes() != writes {
		t.Errorf("the second pass wrote %v (%d calls)", got, tc.srv.Writes()-writes)
	}
	bs := testConfig().namer.Name("bs", "create", "web")
	if got, ok := tc.srv.Route(testConfig().namer.Name("um", "create"), "shop.example.com", "/cart/x"); !ok || got != bs {
		t.Errorf("shop.example.com/cart/x reaches %q, want %q", got, bs)
	}
}

func TestChangeOnlyUpdatesWhatChanged(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	d := full(t, "change")
	tc.pass(t, d)

	d.Spec.Rules[0].Paths = append(d.Spec.Rules[0].Paths, exact("/checkout", "web"))
	if got := tc.pass(t, d); !slices.Equal(got, []string{"Update URLMap"}) {
		t.Errorf("a new path made %v, want only the URL map updated", got)
	}
	d.Spec.Backends[0].HealthCheck.Path = "/ready"
	if got := tc.pass(t, d); !slices.Equal(got, []string{"Update HealthCheck"}) {
		t.Errorf("a health check path made %v, want the health check updated in place", got)
	}
	d.Targets["web"] = []providers.Target{{IP: "10.0.0.9", Port: 8080, Zone: "zone-a"}, {IP: "10.0.0.2", Port: 8080, Zone: "zone-b"}}
	if got := tc.pass(t, d); !slices.Equal(got, []string{"Update NetworkEndpointGroup"}) {
		t.Errorf("endpoint churn made %v, want the zone-a group updated", got)
	}
	d.Certificates["default/tls"] = testCertificate(t, "shop.example.com")
	if got := tc.pass(t, d); !slices.Equal(got, []string{"Create SslCertificate", "Update TargetHTTPSProxy", "Delete SslCertificate"}) {
		t.Errorf("a rotation made %v, want new, swap, delete old", got)
	}
	if p := tc.plan(t, d); len(p.Steps) != 0 {
		t.Errorf("after the changes a pass plans %v", p.Actions())
	}
}

func TestStaleFingerprintIsReadAgain(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	d := full(t, "stale")
	tc.pass(t, d)
	tc.plan(t, d) // reads the fingerprints
	// Someone else updates the URL map in between: the fingerprint read is stale.
	name := testConfig().namer.Name("um", "stale")
	um, err := tc.client.api.URLMaps.Get(context.Background(), &computepb.GetUrlMapRequest{Project: testProject, UrlMap: name})
	if err != nil {
		t.Fatal(err)
	}
	op, err := tc.client.api.URLMaps.Update(context.Background(), &computepb.UpdateUrlMapRequest{Project: testProject, UrlMap: name, UrlMapResource: um})
	mustWait(t, op, err)
	d.Spec.Rules[0].Paths = append(d.Spec.Rules[0].Paths, exact("/new", "web"))
	have, _, _ := tc.client.reads.get(context.Background(), testProject, KindURLMap, name, false)
	want := find(t, mustGraph(t, d), KindURLMap)
	if err := tc.client.Patch(context.Background(), have, want, []string{"pathMatchers"}); err != nil {
		t.Fatalf("a patch with a stale fingerprint failed: %v", err)
	}
}

func TestDeleteEverything(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	d := full(t, "gone")
	tc.pass(t, d)
	have, err := tc.client.reads.owned(context.Background(), testProject, providers.Owner{ClusterID: "cluster-a", LoadBalancer: "gone"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := tc.engine.Apply(context.Background(), tc.client, tc.engine.Plan(plan.Graph{Scope: testProject}, have))
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if inv := tc.srv.Inventory(); !slices.Equal(inv, []string{"projects/demo-project/global/sslCertificates/user-cert"}) {
		t.Errorf("left %v", inv)
	}
}

func TestNoDefaultBackendAnswers404(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	d := loadBalancer("nf").http().backend("web").host("a.example.com", prefix("/", "web")).d
	tc.pass(t, d)
	if got, ok := tc.srv.Route(testConfig().namer.Name("um", "nf"), "b.example.com", "/"); ok {
		t.Errorf("an unknown host reached %s, want 404", got)
	}
}

func TestFaultsAreRetryableAndConverge(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	d := full(t, "faults")
	p := tc.plan(t, d)
	tc.srv.FailNextCalls(503, 429)
	res := tc.engine.Apply(context.Background(), tc.client, p)
	if res.Err == nil || !providers.IsRetryable(res.Err) {
		t.Fatalf("a pass under 503 and 429 answered %v, want a retryable error", res.Err)
	}
	p = tc.plan(t, d)
	tc.srv.FailNextOperations(1)
	res = tc.engine.Apply(context.Background(), tc.client, p)
	if res.Err == nil {
		t.Fatal("a failed operation went unnoticed")
	}
	for i := 0; i < 3 && len(tc.plan(t, d).Steps) > 0; i++ {
		tc.engine.Apply(context.Background(), tc.client, tc.plan(t, d))
	}
	if p = tc.plan(t, d); len(p.Steps) != 0 {
		t.Errorf("after the faults a pass still plans %v", p.Actions())
	}
}

// An empty endpoint group (Google reports size 0) is not read one at a time.
func TestEmptyGroupCostsNoEndpointRead(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	d := loadBalancer("empty").http().backend("web").defaultBackend("web").d
	tc.pass(t, d)
	tc.client.reads.cache.Invalidate(testProject, KindNetworkEndpointGroup)
	tc.srv.ResetCalls()
	if p := tc.plan(t, d); len(p.Steps) != 0 {
		t.Fatalf("the empty group plans %v", p.Actions())
	}
	for _, c := range tc.srv.Calls() {
		if strings.HasSuffix(c.Path, "/listNetworkEndpoints") {
			t.Errorf("read the endpoints of an empty group: %s", c.Path)
		}
	}
}

func TestUpdateDetailsSayWhatChanges(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	d := full(t, "details")
	tc.pass(t, d)
	d.Targets["web"] = []providers.Target{{IP: "10.0.0.9", Port: 8080, Zone: "zone-a"}, {IP: "10.0.0.2", Port: 8080, Zone: "zone-b"}}
	p := tc.plan(t, d)
	if len(p.Steps) != 1 || p.Steps[0].Detail != "attach 1 endpoint(s), detach 2 endpoint(s)" {
		t.Errorf("endpoint churn plans %v", p.Actions())
	}
}
