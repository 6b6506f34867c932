package gcp_test

import (
	"context"
	"flag"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/providers"

	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/providertest"
)

// permissionLog builds the contract suite's clouds with an allow-list and gathers what
// every one of them granted and refused.
type permissionLog struct {
	mu      sync.Mutex
	servers []*gcptest.Server
	used    map[string]bool // used by scenarios outside the suite
}

func (l *permissionLog) use(perms map[string]bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.used == nil {
		l.used = map[string]bool{}
	}
	for p := range perms {
		l.used[p] = true
	}
}

func (l *permissionLog) newCloud(t testing.TB) providertest.Cloud {
	c, srv := newContractCloud(t, gcp.RolePermissions())
	l.mu.Lock()
	defer l.mu.Unlock()
	l.servers = append(l.servers, srv)
	return c
}

// check fails when a call was refused (the list misses a permission) or when a listed
// permission was never used (the list has one too many).
func (l *permissionLog) check(t *testing.T, want []string) {
	used, denied := map[string]bool{}, map[string]bool{}
	l.mu.Lock()
	for p := range l.used {
		used[p] = true
	}
	for _, s := range l.servers {
		for _, p := range s.UsedPermissions() {
			used[p] = true
		}
		for _, p := range s.DeniedPermissions() {
			denied[p] = true
		}
	}
	l.mu.Unlock()
	if len(denied) > 0 {
		t.Errorf("gcp.RolePermissions misses %v: calls needing them were refused", keys(denied))
	}
	if run := flag.Lookup("test.run"); run != nil && strings.Contains(run.Value.String(), "/") {
		return // a part of the suite ran: what it did not use proves nothing
	}
	var unused []string
	for _, p := range want {
		if !used[p] {
			unused = append(unused, p)
		}
	}
	if len(unused) > 0 {
		t.Errorf("gcp.RolePermissions lists %v, which no call of the contract suite used", unused)
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The lists are sorted and free of duplicates, so that the role in docs/install-gcp.md
// reads in order and a diff of it shows one line per permission; no permission is in both.
func TestRequiredPermissionsAreSortedAndUnique(t *testing.T) {
	for _, list := range [][]string{gcp.RequiredPermissions, gcp.ReferencePermissions} {
		got := slices.Clone(list)
		sort.Strings(got)
		if !reflect.DeepEqual(slices.Compact(got), list) {
			t.Errorf("%v is not sorted and unique", list)
		}
	}
	if n := len(gcp.RolePermissions()); n != len(gcp.RequiredPermissions)+len(gcp.ReferencePermissions) {
		t.Errorf("the role has %d permissions: the two lists overlap", n)
	}
}

// Every listed permission is one some method of the compute API (as gcptest serves it)
// needs, or one a write needs on a resource it refers to.
func TestRequiredPermissionsAreComputeMethods(t *testing.T) {
	for _, p := range gcp.RequiredPermissions {
		if !slices.Contains(gcptest.Permissions(), p) {
			t.Errorf("%s is no method's permission", p)
		}
	}
	for _, p := range gcp.ReferencePermissions {
		if !slices.Contains(gcptest.ReferencePermissions(), p) {
			t.Errorf("%s is no reference's permission", p)
		}
	}
}

// driftScenario covers what the contract suite does not: a static address read, a health
// check changed in place, and a proxy and forwarding rule someone pointed elsewhere, set
// back. Only the calls the provider made count as used: the scenario's own drift is made
// before the call log is reset.
func driftScenario(t *testing.T, log *permissionLog) {
	ctx := context.Background()
	cloud, srv := newContractCloud(t, gcp.RolePermissions())
	api := cloud.(*contractCloud).clients
	// The snapshot would hide the drift for its TTL; this provider lists on every read.
	p := gcp.New(gcp.Options{ClusterID: "cluster-a", Project: contractProject, Clients: api, SnapshotTTL: -1})
	op, err := api.Addresses.Insert(ctx, &computepb.InsertGlobalAddressRequest{Project: contractProject,
		AddressResource: &computepb.Address{Name: proto.String("user-ip")}})
	waitOp(t, op, err)
	alpha, other := driftLB(t, "alpha"), driftLB(t, "other")
	alpha.Spec.StaticAddress = "user-ip"
	for _, d := range []*providers.Desired{alpha, other} {
		if _, err := p.Ensure(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	drift(t, srv, api, "alpha", "other")
	srv.ResetCalls()
	alpha.Spec.Backends[0].HealthCheck.Path = "/ready"
	if _, err := p.Ensure(ctx, alpha); err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, c := range srv.Calls() {
		if c.Status < 300 {
			used[c.Permission] = true
		}
	}
	for _, want := range []string{"compute.globalAddresses.get", "compute.healthChecks.update",
		"compute.targetHttpsProxies.setUrlMap", "compute.globalForwardingRules.setTarget"} {
		if !used[want] {
			t.Errorf("the provider never used %s; it used %v", want, keys(used))
		}
	}
	if d := srv.DeniedPermissions(); len(d) > 0 {
		t.Errorf("gcp.RolePermissions misses %v", d)
	}
	log.use(used)
}

func driftLB(t *testing.T, name string) *providers.Desired {
	c, k, err := testcert.SelfSigned(name + ".example.com")
	if err != nil {
		t.Fatal(err)
	}
	return &providers.Desired{
		Ref: providers.Ref{Name: name},
		Spec: v1alpha1.LoadBalancerSpec{
			Frontends:      v1alpha1.Frontends{HTTP: true, HTTPS: true},
			DefaultBackend: "web",
			Backends: []v1alpha1.Backend{{Name: "web", TargetType: v1alpha1.TargetTypeIP,
				Service:     v1alpha1.ServiceRef{Namespace: "default", Name: "web", PortNumber: 80},
				HealthCheck: &v1alpha1.HealthCheck{Path: "/healthz"}}},
			TLS: []v1alpha1.TLSCertificate{{SecretRef: &v1alpha1.ObjectRef{Namespace: "default", Name: "tls"}}},
		},
		Targets:      map[string][]providers.Target{"web": {{IP: "10.0.0.1", Port: 8080, Zone: "zone-a"}}},
		Certificates: map[string]providers.Certificate{"default/tls": {CertPEM: c, Key: providers.StaticKey(k), Hash: providers.CertificateHash(c, k)}},
	}
}

// drift points lb's HTTPS proxy at other's URL map and lb's HTTPS forwarding rule at
// other's HTTPS proxy, as a hand in the console could.
func drift(t *testing.T, srv *gcptest.Server, api *gcp.Clients, lb, other string) {
	ctx := context.Background()
	find := func(collection, name string) string {
		for _, p := range srv.Inventory() {
			if strings.Contains(p, "/"+collection+"/") && strings.Contains(p, name) {
				if collection != "forwardingRules" || strings.Contains(mustForwardingRule(t, srv, p).GetTarget(), "targetHttpsProxies") {
					return p[strings.LastIndex(p, "/")+1:]
				}
			}
		}
		t.Fatalf("no %s of %s in %v", collection, name, srv.Inventory())
		return ""
	}
	proxy, otherProxy := find("targetHttpsProxies", lb), find("targetHttpsProxies", other)
	op, err := api.TargetHTTPSProxies.SetUrlMap(ctx, &computepb.SetUrlMapTargetHttpsProxyRequest{Project: contractProject, TargetHttpsProxy: proxy,
		UrlMapReferenceResource: &computepb.UrlMapReference{UrlMap: proto.String("global/urlMaps/" + find("urlMaps", other))}})
	waitOp(t, op, err)
	op, err = api.ForwardingRules.SetTarget(ctx, &computepb.SetTargetGlobalForwardingRuleRequest{Project: contractProject, ForwardingRule: find("forwardingRules", lb),
		TargetReferenceResource: &computepb.TargetReference{Target: proto.String("global/targetHttpsProxies/" + otherProxy)}})
	waitOp(t, op, err)
}

func mustForwardingRule(t *testing.T, srv *gcptest.Server, path string) *computepb.ForwardingRule {
	m, _ := srv.Resource(path)
	fr, ok := m.(*computepb.ForwardingRule)
	if !ok {
		t.Fatalf("%s is a %T", path, m)
	}
	return fr
}

func waitOp(t *testing.T, op *compute.Operation, err error) {
	t.Helper()
	if err == nil {
		err = op.Wait(context.Background())
	}
	if err != nil {
		t.Fatal(err)
	}
}
