package gcp

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

var gceName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)

// full is a load balancer with every resource kind: two zones, HTTPS from a TLS Secret and
// a pre-shared certificate, a custom health check.
func full(t *testing.T, name string) *providers.Desired {
	d := loadBalancer(name).http().backend("web").defaultBackend("web").
		targets("web", providers.Target{IP: "10.0.0.2", Port: 8080, Zone: "zone-b"}, providers.Target{IP: "10.0.0.1", Port: 8080, Zone: "zone-a"},
			providers.Target{IP: "10.0.0.3", Port: 8080}).
		host("shop.example.com", prefix("/cart", "web")).d
	d.Spec.Frontends.HTTPS = true
	d.Spec.Backends[0].HealthCheck = &v1alpha1.HealthCheck{Path: "/healthz", IntervalSeconds: 3}
	d.Spec.TLS = []v1alpha1.TLSCertificate{{SecretRef: &v1alpha1.ObjectRef{Namespace: "default", Name: "tls"}}, {PreShared: "user-cert"}}
	d.Certificates = map[string]providers.Certificate{"default/tls": testCertificate(t, "shop.example.com")}
	return d
}

func kindsOf(g plan.Graph) map[string]int {
	out := map[string]int{}
	for _, r := range g.Resources {
		out[r.Kind]++
	}
	return out
}

func TestGraphHasEveryResource(t *testing.T) {
	g := mustGraph(t, full(t, "a-load-balancer-whose-name-is-rather-long-and-goes-on-and-on"))
	want := map[string]int{KindAddress: 1, KindHealthCheck: 1, KindNetworkEndpointGroup: 2, KindBackendService: 1, KindURLMap: 1,
		KindSslCertificate: 1, KindTargetHTTPProxy: 1, KindTargetHTTPSProxy: 1, KindForwardingRule: 2}
	if got := kindsOf(g); !sameCounts(got, want) {
		t.Fatalf("kinds %v, want %v", got, want)
	}
	owner := providers.Owner{ClusterID: "cluster-a", LoadBalancer: "a-load-balancer-whose-name-is-rather-long-and-goes-on-and-on"}
	for _, r := range g.Resources {
		if !gceName.MatchString(r.Name) {
			t.Errorf("%s: not a GCE name", r.Key)
		}
		var desc string
		_ = json.Unmarshal([]byte(r.Fields["description"]), &desc)
		if o, ok := providers.OwnerFromDescription(desc); !ok || o.Base() != owner {
			t.Errorf("%s: description %s names no owner", r.Key, r.Fields["description"])
		}
	}
	bs := find(t, g, KindBackendService).Spec.(*computepb.BackendService)
	if len(bs.Backends) != 2 || bs.Backends[0].GetBalancingMode() != "RATE" || bs.Backends[0].GetMaxRatePerEndpoint() == 0 {
		t.Errorf("backends %v: want two NEGs balanced by RATE with a max rate", bs.Backends)
	}
	neg := find(t, g, KindNetworkEndpointGroup)
	if neg.Fields[fieldZone] != "zone-a" || neg.Fields[fieldEndpoints] != `["10.0.0.1:8080","10.0.0.3:8080"]` {
		t.Errorf("zone-a group: %v", neg.Fields)
	}
	hc := find(t, g, KindHealthCheck).Spec.(*computepb.HealthCheck)
	if hc.GetHttpHealthCheck().GetRequestPath() != "/healthz" || hc.GetCheckIntervalSec() != 3 || hc.GetTimeoutSec() != 3 {
		t.Errorf("health check %v", hc)
	}
	sp := find(t, g, KindTargetHTTPSProxy).Spec.(*computepb.TargetHttpsProxy)
	if len(sp.SslCertificates) != 2 || !slices.Contains(sp.SslCertificates, "projects/demo-project/global/sslCertificates/user-cert") {
		t.Errorf("HTTPS proxy certificates %v: want the Secret's and the pre-shared one", sp.SslCertificates)
	}
}

func TestStaticAddressIsNotOwned(t *testing.T) {
	d := full(t, "static")
	d.Spec.StaticAddress = "user-ip"
	g := mustGraph(t, d)
	if n := kindsOf(g)[KindAddress]; n != 0 {
		t.Fatalf("the graph owns %d address(es); the static one is the user's", n)
	}
	fr := find(t, g, KindForwardingRule)
	if fr.Fields["IPAddress"] != `"projects/demo-project/global/addresses/user-ip"` || !slices.Contains(fr.Refs, plan.Key{Kind: KindAddress, Name: "user-ip"}) {
		t.Errorf("forwarding rule %v refers to %v, not the static address", fr.Fields["IPAddress"], fr.Refs)
	}
}

func TestRotatedCertificateIsANewResource(t *testing.T) {
	a := mustGraph(t, full(t, "rotate"))
	d := full(t, "rotate")
	d.Certificates["default/tls"] = testCertificate(t, "shop.example.com")
	b := mustGraph(t, d)
	if find(t, a, KindSslCertificate).Name == find(t, b, KindSslCertificate).Name {
		t.Error("a new certificate content kept the old certificate's name")
	}
}

func TestMissingSecretBlocksOnlyHTTPS(t *testing.T) {
	d := full(t, "missing")
	d.Certificates = nil
	g := mustGraph(t, d)
	if _, ok := g.Blocked[plan.Key{Kind: KindTargetHTTPSProxy, Name: testConfig().namer.Name("sp", "missing")}]; !ok || !providers.IsNotFound(g.Blocked[plan.Key{Kind: KindTargetHTTPSProxy, Name: testConfig().namer.Name("sp", "missing")}]) {
		t.Fatalf("blocked %v: want the HTTPS proxy blocked as not found", g.Blocked)
	}
	if kindsOf(g)[KindTargetHTTPProxy] != 1 {
		t.Error("the HTTP proxy went missing with the HTTPS one")
	}
}

func TestTranslationIsDeterministic(t *testing.T) {
	d := full(t, "same")
	a, b := mustGraph(t, d), mustGraph(t, d)
	e := &plan.Engine{Kinds: Kinds}
	if p := e.Plan(b, a.Resources); len(p.Steps) != 0 {
		t.Errorf("the same load balancer translated twice plans %v", p.Actions())
	}
}

func TestUnknownBackendIsInvalid(t *testing.T) {
	d := loadBalancer("bad").http().host("", prefix("/", "nope")).d
	if _, err := testConfig().graph(t.Context(), d, "s"); !providers.IsInvalid(err) {
		t.Errorf("err %v, want invalid", err)
	}
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
