package gcp_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/retry"
)

// faultCluster is the cluster of the fault-rate scenario.
const faultCluster = "cluster-a"

// faultStaticIP is the user's reserved address the "secure" load balancer names.
const faultStaticIP = "user-ip"

// TestFaultRateConvergesToTheFaultFreeInventory runs a scenario (four load balancers
// created: HTTP with two backends, HTTPS with a TLS certificate on a static address, an
// instance-target backend, and one more; then one changed and one deleted) while 20% of
// the calls fail with 429 or 503, some operations fail and some answers are lost. The
// controller's way is followed: a pass Ensures each load balancer, and Deletes the deleted
// one, that has not yet answered nil, and passes repeat, now and then from a restarted
// provider, until each has answered nil once (a nil is not retried, so it must mean done).
// Then the faults stop, and what the user has in the cloud must be exactly what the same
// scenario gives without faults: the same resources by kind and name, the same
// fields (routes, endpoints, certificates on the proxy, instance group members), nothing
// of the deleted load balancer, and a resync that writes nothing. No pass may hot-loop:
// each makes at most a bounded multiple of the calls a fault-free pass makes.
//
// It runs one fixed seed; PORTICO_CONTRACT_CRASH=all (make test-full, the contract
// suite's full sweep) runs many more.
func TestFaultRateConvergesToTheFaultFreeInventory(t *testing.T) {
	seeds := []int64{8}
	if os.Getenv("PORTICO_CONTRACT_CRASH") == "all" {
		for s := int64(100); s < 140; s++ {
			seeds = append(seeds, s)
		}
	}
	sc := newFaultScenario(t)
	ref := runFaultScenario(t, sc, gcptest.Faults{})
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed-%d", seed), func(t *testing.T) {
			got := runFaultScenario(t, sc, gcptest.Faults{ErrorRate: 0.2, Codes: []int{429, 503},
				OperationFailureRate: 0.1, LostResponseRate: 0.05, Seed: seed})
			got.compare(t, ref, sc)
		})
	}
}

// faultScenario is the desired state of each phase: the load balancers to ensure and the
// ones to delete.
type faultScenario struct {
	phases []faultPhase
	nodes  []providers.Target
	// probes are the requests whose backend service each URL map's routing is checked on.
	probes map[string][][2]string
}

type faultPhase struct {
	name    string
	ensure  []*providers.Desired
	deleted []string
}

func faultCert(t *testing.T, hosts ...string) providers.Certificate {
	t.Helper()
	c, k, err := testcert.SelfSigned(hosts...)
	if err != nil {
		t.Fatal(err)
	}
	return providers.Certificate{CertPEM: c, Key: providers.StaticKey(k), Hash: providers.CertificateHash(c, k)}
}

func faultBackend(name, targetType string) v1alpha1.Backend {
	return v1alpha1.Backend{Name: name, TargetType: targetType,
		Service: v1alpha1.ServiceRef{Namespace: "default", Name: name, PortNumber: 80}}
}

func faultLB(name string) *providers.Desired {
	return &providers.Desired{Ref: providers.Ref{Name: name, Location: contractProject},
		Spec:    v1alpha1.LoadBalancerSpec{Provider: gcp.ProviderName},
		Targets: map[string][]providers.Target{}, Certificates: map[string]providers.Certificate{}}
}

func newFaultScenario(t *testing.T) *faultScenario {
	sc := &faultScenario{nodes: []providers.Target{
		{IP: "10.128.0.1", Port: 30080, Zone: "zone-a", Node: "node-a"},
		{IP: "10.128.0.2", Port: 30080, Zone: "zone-b", Node: "node-b"},
	}}
	plain := func() *providers.Desired {
		d := faultLB("plain")
		d.Spec.Frontends.HTTP = true
		d.Spec.Backends = []v1alpha1.Backend{faultBackend("web", v1alpha1.TargetTypeIP), faultBackend("api", v1alpha1.TargetTypeIP)}
		d.Spec.DefaultBackend = "web"
		d.Spec.Rules = []v1alpha1.HostRule{{Host: "plain.example.com", Paths: []v1alpha1.PathRule{
			{Path: "/", PathType: v1alpha1.PathTypePrefix, Backend: "web"},
			{Path: "/api", PathType: v1alpha1.PathTypePrefix, Backend: "api"}}}}
		d.Targets["web"] = []providers.Target{{IP: "10.0.0.1", Port: 8080, Zone: "zone-a"}, {IP: "10.0.0.2", Port: 8080, Zone: "zone-b"}}
		d.Targets["api"] = []providers.Target{{IP: "10.0.1.1", Port: 9090, Zone: "zone-a"}}
		return d
	}
	cert := faultCert(t, "shop.example.com")
	secure := faultLB("secure")
	secure.Spec.Frontends = v1alpha1.Frontends{HTTP: true, HTTPS: true}
	secure.Spec.StaticAddress = faultStaticIP
	secure.Spec.Backends = []v1alpha1.Backend{faultBackend("shop", v1alpha1.TargetTypeIP)}
	secure.Spec.Rules = []v1alpha1.HostRule{{Host: "shop.example.com", Paths: []v1alpha1.PathRule{
		{Path: "/", PathType: v1alpha1.PathTypePrefix, Backend: "shop"}}}}
	secure.Spec.TLS = []v1alpha1.TLSCertificate{{SecretRef: &v1alpha1.ObjectRef{Namespace: "default", Name: "shop-tls"},
		Hosts: []v1alpha1.Hostname{"shop.example.com"}}}
	secure.Certificates["default/shop-tls"] = cert
	secure.Targets["shop"] = []providers.Target{{IP: "10.0.2.1", Port: 8443, Zone: "zone-a"}}

	nodes := faultLB("nodes")
	nodes.Spec.Frontends.HTTP = true
	nodes.Spec.Backends = []v1alpha1.Backend{faultBackend("app", v1alpha1.TargetTypeInstance)}
	nodes.Spec.DefaultBackend = "app"
	nodes.Targets["app"] = slices.Clone(sc.nodes)

	doomed := faultLB("doomed")
	doomed.Spec.Frontends.HTTP = true
	doomed.Spec.Backends = []v1alpha1.Backend{faultBackend("old", v1alpha1.TargetTypeIP)}
	doomed.Spec.DefaultBackend = "old"
	doomed.Targets["old"] = []providers.Target{{IP: "10.0.3.1", Port: 8080, Zone: "zone-b"}}

	changed := plain()
	changed.Spec.Rules[0].Paths = append(changed.Spec.Rules[0].Paths,
		v1alpha1.PathRule{Path: "/checkout", PathType: v1alpha1.PathTypeExact, Backend: "api"})
	changed.Targets["web"] = []providers.Target{{IP: "10.0.0.9", Port: 8080, Zone: "zone-a"}, {IP: "10.0.0.2", Port: 8080, Zone: "zone-b"}}

	sc.phases = []faultPhase{
		{name: "create", ensure: []*providers.Desired{plain(), secure, nodes, doomed}},
		{name: "change and delete", ensure: []*providers.Desired{changed, secure, nodes}, deleted: []string{"doomed"}},
	}
	sc.probes = map[string][][2]string{
		"plain":  {{"plain.example.com", "/"}, {"plain.example.com", "/api/x"}, {"plain.example.com", "/checkout"}, {"plain.example.com", "/checkout/x"}, {"other.example.com", "/"}},
		"secure": {{"shop.example.com", "/"}, {"shop.example.com", "/cart"}},
		"nodes":  {{"any.example.com", "/x"}},
	}
	return sc
}

// faultRun is what a run of the scenario left in its cloud.
type faultRun struct {
	srv *gcptest.Server
	// calls are the calls of each pass of each phase.
	calls [][]int
	// injected counts the calls answered 429 or 503, by the faults or by a lost answer.
	injected int
}

// runFaultScenario runs the phases under the faults, each to convergence, and turns the
// faults off.
func runFaultScenario(t *testing.T, sc *faultScenario, f gcptest.Faults) *faultRun {
	t.Helper()
	srv := gcptest.New(gcptest.Options{Project: contractProject, OperationPolls: 1})
	t.Cleanup(srv.Close)
	c, err := srv.Clients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	// Short retries, so that the test is fast; as Dial wires them otherwise.
	policy := retry.CallPolicy{Backoff: retry.Backoff{Initial: time.Millisecond, Factor: 2, Max: 8 * time.Millisecond}, Retries: 2}
	api := gcp.WithRetries(&gcp.Clients{Addresses: c.Addresses, HealthChecks: c.HealthChecks, BackendServices: c.BackendServices, URLMaps: c.URLMaps,
		TargetHTTPProxies: c.TargetHTTPProxies, TargetHTTPSProxies: c.TargetHTTPSProxies, SSLCertificates: c.SSLCertificates, SSLPolicies: c.SSLPolicies,
		ForwardingRules: c.ForwardingRules, NEGs: c.NEGs, InstanceGroups: c.InstanceGroups, Firewalls: c.Firewalls}, policy)
	op, err := c.Addresses.Insert(context.Background(), &computepb.InsertGlobalAddressRequest{Project: contractProject,
		AddressResource: &computepb.Address{Name: proto.String(faultStaticIP)}})
	waitOp(t, op, err)
	for _, n := range sc.nodes {
		srv.AddInstance(contractProject, n.Zone, n.Node, n.IP)
	}
	newProvider := func() *gcp.Provider {
		return gcp.New(gcp.Options{ClusterID: faultCluster, Project: contractProject, Clients: api, Retry: policy,
			Backoff: retry.Backoff{Initial: time.Millisecond, Factor: 2, Max: 8 * time.Millisecond}})
	}
	run := &faultRun{srv: srv}
	srv.SetFaults(f)
	const maxPasses = 40
	for _, ph := range sc.phases {
		p := newProvider()
		var calls []int
		// As the controller does, a load balancer whose Ensure (or Delete) answered nil
		// is done: it is not passed again, so nil must mean converged.
		ensure, deleted := slices.Clone(ph.ensure), slices.Clone(ph.deleted)
		var errs []error
		for pass := 0; len(ensure)+len(deleted) > 0; pass++ {
			if pass == maxPasses {
				srv.SetFaults(gcptest.Faults{})
				t.Fatalf("%s: no convergence after %d passes; the last errors:\n%v", ph.name, maxPasses, errors.Join(errs...))
			}
			if pass > 0 && pass%3 == 0 {
				p = newProvider() // the controller restarted
			}
			before := len(srv.Calls())
			errs = nil
			ensure = slices.DeleteFunc(ensure, func(d *providers.Desired) bool {
				_, err := p.Ensure(context.Background(), d)
				if err != nil {
					errs = append(errs, fmt.Errorf("ensure %s: %w", d.Ref.Name, err))
				}
				return err == nil
			})
			deleted = slices.DeleteFunc(deleted, func(name string) bool {
				err := p.Delete(context.Background(), providers.Ref{Name: name, Location: contractProject})
				if err != nil {
					errs = append(errs, fmt.Errorf("delete %s: %w", name, err))
				}
				return err == nil
			})
			calls = append(calls, len(srv.Calls())-before)
		}
		run.calls = append(run.calls, calls)
	}
	srv.SetFaults(gcptest.Faults{})
	for _, c := range srv.Calls() {
		if c.Status == 429 || c.Status == 503 {
			run.injected++
		}
	}
	return run
}

// compare checks this run against the fault-free reference run.
func (r *faultRun) compare(t *testing.T, ref *faultRun, sc *faultScenario) {
	t.Logf("calls per pass, by phase: %v (fault-free: %v); %d answered 429 or 503", r.calls, ref.calls, r.injected)
	if r.injected == 0 || ref.injected != 0 {
		t.Fatalf("%d calls failed under faults and %d without: the faults are not what the test says", r.injected, ref.injected)
	}
	// No hot loop: a pass under faults makes at most a few times the calls of a
	// fault-free pass (each failed call is retried a bounded number of times).
	for i, passes := range r.calls {
		limit := 4 * ref.calls[i][0]
		for j, n := range passes {
			if n > limit {
				t.Errorf("phase %q pass %d made %d calls, more than %d (4× the fault-free pass's %d)", sc.phases[i].name, j, n, limit, ref.calls[i][0])
			}
		}
	}
	want, got := ref.snapshot(t), r.snapshot(t)
	if !slices.Equal(keysOf(got), keysOf(want)) {
		t.Errorf("the inventory under faults differs from the fault-free one:\nextra %v\nmissing %v",
			minus(keysOf(got), keysOf(want)), minus(keysOf(want), keysOf(got)))
	}
	for path, w := range want {
		if g, ok := got[path]; ok && g != w {
			t.Errorf("%s differs from the fault-free run:\n got %s\nwant %s", path, g, w)
		}
	}
	for path := range got {
		m, _ := r.srv.Resource(path)
		if d, ok := m.(interface{ GetDescription() string }); ok {
			for _, name := range sc.phases[len(sc.phases)-1].deleted {
				if o, ok := providers.OwnerFromDescription(d.GetDescription()); ok && o.LoadBalancer == name {
					t.Errorf("%s of the deleted load balancer %s is left", path, name)
				}
			}
		}
	}
	namer := providers.Namer{ClusterID: faultCluster, MaxLength: 63}
	for lb, probes := range sc.probes {
		for _, pr := range probes {
			g, gok := r.srv.Route(namer.Name("um", lb), pr[0], pr[1])
			w, wok := ref.srv.Route(namer.Name("um", lb), pr[0], pr[1])
			if g != w || gok != wok {
				t.Errorf("%s: %s%s reaches %q (%v), want %q (%v)", lb, pr[0], pr[1], g, gok, w, wok)
			}
		}
	}
	// A resync of every load balancer, and a Delete of the deleted ones again, by two
	// fresh providers (restarts), writes nothing.
	r.srv.ResetCalls()
	last := sc.phases[len(sc.phases)-1]
	for range 2 {
		p := r.provider(t, r.srv)
		for _, d := range last.ensure {
			if _, err := p.Ensure(context.Background(), d); err != nil {
				t.Errorf("resync of %s: %v", d.Ref.Name, err)
			}
		}
		for _, name := range last.deleted {
			if err := p.Delete(context.Background(), providers.Ref{Name: name, Location: contractProject}); err != nil {
				t.Errorf("delete %s again: %v", name, err)
			}
		}
	}
	var writes []string
	for _, c := range r.srv.Calls() {
		if c.Write {
			writes = append(writes, c.Method+" "+c.Path)
		}
	}
	if len(writes) != 0 {
		t.Errorf("a resync after convergence wrote %v", writes)
	}
}

// provider is a fresh provider over the run's server, without retries.
func (r *faultRun) provider(t *testing.T, srv *gcptest.Server) *gcp.Provider {
	t.Helper()
	c, err := srv.Clients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return gcp.New(gcp.Options{ClusterID: faultCluster, Project: contractProject, Clients: &gcp.Clients{Addresses: c.Addresses,
		HealthChecks: c.HealthChecks, BackendServices: c.BackendServices, URLMaps: c.URLMaps,
		TargetHTTPProxies: c.TargetHTTPProxies, TargetHTTPSProxies: c.TargetHTTPSProxies, SSLCertificates: c.SSLCertificates, SSLPolicies: c.SSLPolicies,
		ForwardingRules: c.ForwardingRules, NEGs: c.NEGs, InstanceGroups: c.InstanceGroups, Firewalls: c.Firewalls}})
}

// volatile are the fields two clouds give the same resource differently.
var volatile = map[protoreflect.Name]bool{"id": true, "creation_timestamp": true, "fingerprint": true,
	"label_fingerprint": true, "self_link_with_id": true, "address": true, "I_p_address": true, "expire_time": true}

// snapshot returns every resource by path, as JSON without the fields two clouds give
// differently, with the addresses a forwarding rule uses named, the endpoints of each
// network endpoint group and the members of each instance group.
func (r *faultRun) snapshot(t *testing.T) map[string]string {
	t.Helper()
	ipName := map[string]string{}
	for _, path := range r.srv.Inventory() {
		if m, _ := r.srv.Resource(path); m != nil {
			if a, ok := m.(*computepb.Address); ok {
				ipName[a.GetAddress()] = a.GetName()
			}
		}
	}
	out := map[string]string{}
	for _, path := range r.srv.Inventory() {
		m, _ := r.srv.Resource(path)
		extra := ""
		switch v := m.(type) {
		case *computepb.ForwardingRule:
			extra = " address=" + ipName[v.GetIPAddress()]
		case *computepb.NetworkEndpointGroup:
			extra = fmt.Sprintf(" endpoints=%v", r.srv.Endpoints(v.GetZone()[strings.LastIndex(v.GetZone(), "/")+1:], v.GetName()))
		case *computepb.InstanceGroup:
			extra = fmt.Sprintf(" members=%v", r.srv.Members(contractProject, v.GetZone()[strings.LastIndex(v.GetZone(), "/")+1:], v.GetName()))
		}
		m.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
			if volatile[fd.Name()] {
				m.ProtoReflect().Clear(fd)
			}
			return true
		})
		b, err := protojson.MarshalOptions{}.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.Join(strings.Fields(string(b)), " ") + extra
		out[path] = strings.ReplaceAll(s, r.srv.URL(), "")
	}
	return out
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}
