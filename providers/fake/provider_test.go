package fake

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/snapshot"
)

func TestEnsureCreatesTheResourceGraph(t *testing.T) {
	cert := testCertificate(t, "shop.example.com")
	cases := []struct {
		name  string
		want  func() *providers.Desired
		kinds map[string]int
		ports []int32
	}{
		{"HTTP with an ip and an instance backend", shop, map[string]int{
			KindAddress: 1, KindForwardingRule: 1, KindTargetHTTPProxy: 1, KindURLMap: 1,
			KindBackendService: 2, KindNetworkEndpointGroup: 1, KindInstanceGroup: 1, KindHealthCheck: 2,
		}, []int32{80}},
		{"HTTP and HTTPS", func() *providers.Desired { return withTLS(shop(), cert) }, map[string]int{
			KindAddress: 1, KindForwardingRule: 2, KindTargetHTTPProxy: 1, KindTargetHTTPSProxy: 1, KindURLMap: 1,
			KindSslCertificate: 1, KindBackendService: 2, KindNetworkEndpointGroup: 1, KindInstanceGroup: 1, KindHealthCheck: 2,
		}, []int32{80, 443}},
		{"HTTPS only, the same certificate twice", func() *providers.Desired {
			d := withTLS(shop(), cert)
			d.Spec.Frontends.HTTP = false
			d.Spec.TLS = append(d.Spec.TLS, v1alpha1.TLSCertificate{SecretRef: &v1alpha1.ObjectRef{Namespace: "shop", Name: "tls"}})
			return d
		}, map[string]int{
			KindAddress: 1, KindForwardingRule: 1, KindTargetHTTPSProxy: 1, KindURLMap: 1,
			KindSslCertificate: 1, KindBackendService: 2, KindNetworkEndpointGroup: 1, KindInstanceGroup: 1, KindHealthCheck: 2,
		}, []int32{443}},
		{"SSL redirect routes HTTP through a redirect URL map", func() *providers.Desired {
			d := withTLS(shop(), cert)
			d.Spec.Frontends.SSLRedirect = true
			return d
		}, map[string]int{
			KindAddress: 1, KindForwardingRule: 2, KindTargetHTTPProxy: 1, KindTargetHTTPSProxy: 1, KindURLMap: 2,
			KindSslCertificate: 1, KindBackendService: 2, KindNetworkEndpointGroup: 1, KindInstanceGroup: 1, KindHealthCheck: 2,
		}, []int32{80, 443}},
		{"no frontend, no address", func() *providers.Desired {
			d := shop()
			d.Spec.Frontends.HTTP = false
			return d
		}, map[string]int{KindURLMap: 1, KindBackendService: 2, KindNetworkEndpointGroup: 1, KindInstanceGroup: 1, KindHealthCheck: 2}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCloud()
			obs := ensure(t, newProvider(c), tc.want())
			inv := c.Inventory()
			if got := kindCounts(inv); !reflect.DeepEqual(got, tc.kinds) {
				t.Errorf("kinds %v, want %v", got, tc.kinds)
			}
			if len(obs.Resources) != len(inv) || len(obs.Changes) != len(inv) {
				t.Errorf("observed %d resources and %d changes for %d in the cloud", len(obs.Resources), len(obs.Changes), len(inv))
			}
			for i, r := range obs.Resources {
				if i > 0 && kindRank(r.Kind) < kindRank(obs.Resources[i-1].Kind) {
					t.Errorf("resources out of dependency order: %s after %s", r.Kind, obs.Resources[i-1].Kind)
				}
				if r.ID == "" || r.State != StateReady || !strings.HasPrefix(r.Name, "pt-") {
					t.Errorf("resource %+v", r)
				}
			}
			var ports []int32
			for _, ps := range obs.Ports {
				if ps.Error != "" || ps.Protocol != "TCP" {
					t.Errorf("port %+v", ps)
				}
				ports = append(ports, ps.Port)
			}
			if !slices.Equal(ports, tc.ports) {
				t.Errorf("ports %v, want %v", ports, tc.ports)
			}
			if len(tc.ports) > 0 && (len(obs.Addresses) != 1 || !inDocRange(obs.Addresses[0].IP)) {
				t.Errorf("addresses %v, want one in 192.0.2.0/24", obs.Addresses)
			}
			for _, r := range inv {
				o, ok := providers.OwnerFromDescription(r.Description)
				if !ok || o.ClusterID != testCluster || o.LoadBalancer != "shop-web-3f9a1c" {
					t.Errorf("%s/%s has description %q", r.Kind, r.Name, r.Description)
				}
			}
		})
	}
}

// clock is a settable time source.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func TestSecondEnsureReadsTheSnapshotAndWritesNothing(t *testing.T) {
	c := NewCloud()
	clk := &clock{now: time.Unix(1000, 0)}
	p := New(c, Options{ClusterID: testCluster, Clock: clk})
	want := withTLS(shop(), testCertificate(t, "shop.example.com"))
	want.Spec.Backends[0].HealthCheck = &v1alpha1.HealthCheck{Path: "/healthz", IntervalSeconds: 2}
	first := ensure(t, p, want)
	c.ResetCalls()
	second := ensure(t, p, want)
	if calls := c.Calls(); len(calls) != 0 {
		t.Errorf("an Ensure right after another made %d calls; the snapshot should serve it", len(calls))
	}
	clk.now = clk.now.Add(snapshot.DefaultTTL)
	third := ensure(t, p, want)
	calls := c.Calls()
	if len(calls) != len(Kinds) {
		t.Errorf("a resync after the TTL made %d calls, want one list per kind (%d)", len(calls), len(Kinds))
	}
	for _, call := range calls {
		if call.Op != OpList {
			t.Errorf("a resync made %s %s %s", call.Op, call.Kind, call.Name)
		}
	}
	for _, obs := range []*providers.Observed{second, third} {
		if len(obs.Changes) != 0 || !reflect.DeepEqual(first.Resources, obs.Resources) || !reflect.DeepEqual(first.Addresses, obs.Addresses) {
			t.Errorf("a resync changed what is observed: %+v", obs)
		}
	}
}

func TestChangesWriteOnlyWhatChanged(t *testing.T) {
	cases := []struct {
		name   string
		change func(d *providers.Desired)
		writes []string
	}{
		{"one path", func(d *providers.Desired) { d.Spec.Rules[0].Paths[0].Path = "/basket" }, []string{"patch URLMap"}},
		{"one path type", func(d *providers.Desired) { d.Spec.Rules[0].Paths[0].PathType = v1alpha1.PathTypeExact }, []string{"patch URLMap"}},
		{"the targets of an ip backend", func(d *providers.Desired) {
			d.Targets["cart"] = append(d.Targets["cart"], providers.Target{IP: "10.0.1.3", Port: 8080})
		}, []string{"attachNetworkEndpoints NetworkEndpointGroup"}},
		{"the nodes of an instance backend", func(d *providers.Desired) { d.Targets["web"] = d.Targets["web"][:1] }, []string{"patch InstanceGroup"}},
		{"a backend timeout", func(d *providers.Desired) { d.Spec.Backends[0].TimeoutSeconds = 120 }, []string{"patch BackendService"}},
		{"a health check path", func(d *providers.Desired) {
			d.Spec.Backends[1].HealthCheck = &v1alpha1.HealthCheck{Path: "/healthz"}
		}, []string{"patch HealthCheck"}},
		{"the scheme, which GCE sets only at creation: the rule is replaced", func(d *providers.Desired) {
			d.Spec.Scheme = v1alpha1.SchemeInternal
		}, []string{"delete ForwardingRule", "insert ForwardingRule"}},
		{"the target type: new group first, old one last", func(d *providers.Desired) {
			d.Spec.Backends[0].TargetType = v1alpha1.TargetTypeInstance
		}, []string{"insert InstanceGroup", "patch BackendService", "delete NetworkEndpointGroup"}},
		{"a backend removed: routes first, then the backend in reverse order", func(d *providers.Desired) {
			d.Spec.Rules[0].Paths = d.Spec.Rules[0].Paths[1:]
			d.Spec.Backends = d.Spec.Backends[1:]
		}, []string{"patch URLMap", "delete BackendService", "delete NetworkEndpointGroup", "delete HealthCheck"}},
		{"HTTP dropped", func(d *providers.Desired) { d.Spec.Frontends.HTTP = false },
			[]string{"delete ForwardingRule", "delete Address", "delete TargetHTTPProxy"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCloud()
			p := newProvider(c)
			ensure(t, p, shop())
			c.ResetCalls()
			want := shop()
			tc.change(want)
			obs := ensure(t, p, want)
			if got := writes(c); !slices.Equal(got, tc.writes) {
				t.Errorf("writes %v, want %v", got, tc.writes)
			}
			if len(obs.Changes) != len(tc.writes) {
				t.Errorf("changes %+v", obs.Changes)
			}
		})
	}
}

func TestChangeDetailsSayWhatChanged(t *testing.T) {
	c := NewCloud()
	p := newProvider(c)
	ensure(t, p, shop())
	want := shop()
	want.Spec.Rules[0].Paths[0].Path = "/basket"
	want.Targets["cart"] = want.Targets["cart"][:1]
	obs := ensure(t, p, want)
	var details []string
	for _, ch := range obs.Changes {
		details = append(details, ch.Op+" "+ch.Kind+": "+ch.Detail)
	}
	wantDetails := []string{
		"Update NetworkEndpointGroup: endpoints: 0 added, 1 removed, 1 now",
		"Update URLMap: path rules of host shop.example.com",
	}
	if !slices.Equal(details, wantDetails) {
		t.Errorf("details %q, want %q", details, wantDetails)
	}
}

func TestStaticAddress(t *testing.T) {
	c := NewCloud()
	p := newProvider(c)
	want := shop()
	want.Spec.StaticAddress = "shop-ip"
	obs, err := p.Ensure(context.Background(), want)
	if !providers.IsNotFound(err) || providers.ReasonOf(err) != "StaticAddressNotFound" || !strings.Contains(err.Error(), "shop-ip") {
		t.Fatalf("got %v, want NotFound StaticAddressNotFound naming the address", err)
	}
	if w := writes(c); len(w) != 0 || obs == nil {
		t.Fatalf("a missing static address still wrote %v", w)
	}

	reserved, err := c.ReserveAddress("shop-ip")
	if err != nil {
		t.Fatal(err)
	}
	obs = ensure(t, p, want)
	if obs.Addresses[0].IP != reserved.Spec.(AddressSpec).IP || kindCounts(c.Inventory())[KindAddress] != 1 {
		t.Errorf("addresses %v, inventory %v", obs.Addresses, kindCounts(c.Inventory()))
	}

	// Back to an ephemeral address: the new one is created first; a rule's address is set
	// only at creation, so the rule is replaced; the reserved address is left alone.
	c.ResetCalls()
	obs = ensure(t, p, shop())
	if got, want := writes(c), []string{"insert Address", "delete ForwardingRule", "insert ForwardingRule"}; !slices.Equal(got, want) {
		t.Errorf("writes %v, want %v", got, want)
	}
	if _, ok := c.Lookup(KindAddress, "shop-ip"); !ok || obs.Addresses[0].IP == reserved.Spec.(AddressSpec).IP {
		t.Errorf("address %v; the reserved address must stay", obs.Addresses)
	}
	if err := p.Delete(context.Background(), want.Ref); err != nil {
		t.Fatal(err)
	}
	if inv := c.Inventory(); len(inv) != 1 || inv[0].Name != "shop-ip" {
		t.Errorf("after delete: %v", inv)
	}
}

func TestPlanMutatesNothingAndMatchesEnsure(t *testing.T) {
	certA, certB := testCertificate(t, "shop.example.com"), testCertificate(t, "shop.example.com")
	steps := []struct {
		name string
		want func() *providers.Desired
	}{
		{"create", shop},
		{"change a path and targets", func() *providers.Desired {
			d := shop()
			d.Spec.Rules[0].Paths[0].Path = "/basket"
			d.Targets["cart"] = d.Targets["cart"][1:]
			return d
		}},
		{"add TLS", func() *providers.Desired { return withTLS(shop(), certA) }},
		{"rotate and switch a target type", func() *providers.Desired {
			d := withTLS(shop(), certB)
			d.Spec.Backends[1].TargetType = v1alpha1.TargetTypeIP
			return d
		}},
		{"drop a backend and HTTP", func() *providers.Desired {
			d := withTLS(shop(), certB)
			d.Spec.Frontends.HTTP = false
			d.Spec.Rules[0].Paths = d.Spec.Rules[0].Paths[1:]
			d.Spec.Backends = d.Spec.Backends[1:]
			return d
		}},
	}
	c := NewCloud()
	p := newProvider(c)
	ctx := context.Background()
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := c.Inventory()
			c.ResetCalls()
			plan, err := p.Plan(ctx, s.want())
			if err != nil {
				t.Fatal(err)
			}
			if w := writes(c); len(w) != 0 || !reflect.DeepEqual(c.Inventory(), before) {
				t.Fatalf("plan wrote %v", w)
			}
			obs := ensure(t, p, s.want())
			if !reflect.DeepEqual(plan.Actions, obs.Changes) {
				t.Errorf("plan %+v\nensure %+v", plan.Actions, obs.Changes)
			}
			if again, err := p.Plan(ctx, s.want()); err != nil || !again.Empty() {
				t.Errorf("a plan after ensure: %+v, %v", again, err)
			}
		})
	}
}

func TestDeleteRemovesEverythingAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	c := NewCloud()
	p := newProvider(c)
	mine := withTLS(shop(), testCertificate(t, "shop.example.com"))
	mine.Spec.Frontends.SSLRedirect = true
	ensure(t, p, mine)
	other := shop()
	other.Ref.Name = "blog-web-77aa00"
	ensure(t, p, other)
	otherCluster := shop()
	ensure(t, New(c, Options{ClusterID: "staging"}), otherCluster)
	keep := len(c.Inventory()) - len(ensure(t, p, mine).Resources)

	if err := p.Delete(ctx, mine.Ref); err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Inventory() {
		if o, _ := providers.OwnerFromDescription(r.Description); o.ClusterID == testCluster && o.LoadBalancer == mine.Ref.Name {
			t.Errorf("left %s/%s", r.Kind, r.Name)
		}
	}
	if n := len(c.Inventory()); n != keep {
		t.Errorf("%d resources left, want the other load balancers' %d", n, keep)
	}
	c.ResetCalls()
	if err := p.Delete(ctx, mine.Ref); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	if w := writes(c); len(w) != 0 {
		t.Errorf("second delete wrote %v", w)
	}
}

func TestOwnedListsOnlyThisCluster(t *testing.T) {
	ctx := context.Background()
	c := NewCloud()
	p := newProvider(c)
	for _, name := range []string{"zeta", "alpha"} {
		d := shop()
		d.Ref.Name = name
		ensure(t, p, d)
	}
	ensure(t, New(c, Options{ClusterID: "staging"}), shop())
	if _, err := c.ReserveAddress("hand-made"); err != nil {
		t.Fatal(err)
	}
	got, err := p.Owned(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []providers.Ref{{Name: "alpha", Location: GlobalLocation}, {Name: "zeta", Location: GlobalLocation}}; !reflect.DeepEqual(got, want) {
		t.Errorf("owned %v, want %v", got, want)
	}
	if err := p.Delete(ctx, providers.Ref{Name: "alpha"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Owned(ctx, nil); !reflect.DeepEqual(got, []providers.Ref{{Name: "zeta", Location: GlobalLocation}}) {
		t.Errorf("after delete: %v", got)
	}
}

func TestSameLoadBalancerSameNamesIDsAndAddress(t *testing.T) {
	want := withTLS(shop(), testCertificate(t, "shop.example.com"))
	a := ensure(t, newProvider(NewCloud()), want)
	// Another cloud, with another load balancer created first.
	c := NewCloud()
	first := shop()
	first.Ref.Name = "first"
	ensure(t, newProvider(c), first)
	b := ensure(t, newProvider(c), want)
	if !reflect.DeepEqual(a.Resources, b.Resources) || !reflect.DeepEqual(a.Addresses, b.Addresses) {
		t.Errorf("two clouds disagree:\n%+v\n%+v", a, b)
	}
	other := ensure(t, New(NewCloud(), Options{ClusterID: "staging"}), want)
	for i := range other.Resources {
		if other.Resources[i].Name == a.Resources[i].Name {
			t.Errorf("two clusters share the name %s", a.Resources[i].Name)
		}
	}
}

func TestMissingClusterIDIsInvalid(t *testing.T) {
	p := New(NewCloud(), Options{})
	if _, err := p.Ensure(context.Background(), shop()); providers.ReasonOf(err) != "ClusterIDMissing" {
		t.Errorf("got %v", err)
	}
}

// assertSameInventory fails unless two clouds hold the same resources with the same specs.
func assertSameInventory(t *testing.T, got, want *Cloud) {
	t.Helper()
	g, w := got.Inventory(), want.Inventory()
	if !reflect.DeepEqual(g, w) {
		t.Errorf("inventories differ:\ngot  %v\nwant %v", keysOf(g), keysOf(w))
	}
}

func keysOf(rs []Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Key().String())
	}
	return out
}

// TestProvidersShareACloudConcurrently realises and deletes load balancers at once against
// one Cloud, as concurrent reconciles do (run with -race). A controller serialises the calls
// of one load balancer, so each goroutine keeps to its own.
func TestProvidersShareACloudConcurrently(t *testing.T) {
	c := NewCloud()
	const n = 16
	errs := make(chan error, n)
	for i := range n {
		go func() {
			d := shop()
			d.Ref.Name = fmt.Sprintf("lb-%02d", i)
			p := newProvider(c)
			_, err := p.Ensure(context.Background(), d)
			if err != nil {
				errs <- err
				return
			}
			if i%2 == 0 {
				err = p.Delete(context.Background(), d.Ref)
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	owned, err := newProvider(c).Owned(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(owned) != n/2 || owned[0].Name != "lb-01" {
		t.Errorf("owned %v, want the %d odd load balancers", owned, n/2)
	}
}
