package nginxfallback

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/go-logr/logr/testr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// providerHarness is the provider nginx with a real nginx on loopback ports, running and
// synced, and echo backends on loopback.
type providerHarness struct {
	p       *Provider
	metrics *Metrics
	bs      *backends
	client  *client
}

func newProviderHarness(t *testing.T) *providerHarness {
	t.Helper()
	h := newUnsyncedProvider(t)
	h.p.Synced()
	return h
}

// newUnsyncedProvider is the harness before the controller's caches synced: nothing loads.
func newUnsyncedProvider(t *testing.T) *providerHarness {
	t.Helper()
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	set := Settings{HTTPPort: freePort(t), HTTPSPort: freePort(t), StatusPort: freePort(t), ListenAddress: "127.0.0.1", WorkerProcesses: 1}
	p, err := NewProvider(ProviderOptions{Supervisor: Options{
		Nginx: nginxBinary(t), Dir: t.TempDir(), Settings: set, Metrics: m, Log: testr.New(t),
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Start: %v", err)
		}
	})
	return &providerHarness{p: p, metrics: m, bs: &backends{t: t, servers: map[string]*httptest.Server{}}, client: newClient(set)}
}

// want is a load balancer that routes host to a backend of the same name as itself.
func (h *providerHarness) want(name string, host v1alpha1.Hostname) *providers.Desired {
	d := desiredFor(name, nil, host)
	d.Spec.Backends[0].Name = name
	d.Spec.Rules[0].Paths[0].Backend = name
	d.Targets = map[string][]providers.Target{name: {{IP: "127.0.0.1", Port: h.bs.port(name)}}}
	return d
}

func (h *providerHarness) loads() float64 {
	return testutil.ToFloat64(h.metrics.reloads.WithLabelValues(ReloadSuccess))
}

// The parts of the provider contract that apply without a cloud: Plan lists what Ensure then
// reports; a second Ensure loads nothing and reports nothing; Delete is idempotent, and
// Owned then omits the load balancer.
func TestProviderContract(t *testing.T) {
	h := newProviderHarness(t)
	ctx := context.Background()
	want := h.want("shop", "shop.example.com")
	plan, err := h.p.Plan(ctx, want)
	if err != nil || plan.Empty() {
		t.Fatalf("plan %v, %v", plan, err)
	}
	obs, err := h.p.Ensure(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	if planned, done := actionsOf(plan.Actions), actionsOf(obs.Changes); !slices.Equal(planned, done) {
		t.Errorf("Plan listed %v, Ensure did %v", planned, done)
	}
	h.client.expect(t, "http", "shop.example.com", "/", "shop")
	if after, _ := h.p.Plan(ctx, want); !after.Empty() {
		t.Errorf("after Ensure, Plan lists %v", actionsOf(after.Actions))
	}
	before := h.loads()
	if obs, err := h.p.Ensure(ctx, h.want("shop", "shop.example.com")); err != nil || len(obs.Changes) != 0 {
		t.Errorf("a second Ensure: %v, changes %v", err, actionsOf(obs.Changes))
	}
	if h.loads() != before {
		t.Errorf("a second Ensure loaded a configuration")
	}
	if owned, _ := h.p.Owned(ctx, nil); len(owned) != 1 || owned[0] != (providers.Ref{Name: "shop", Location: Location}) {
		t.Errorf("Owned %v", owned)
	}
	for i := 0; i < 2; i++ {
		if err := h.p.Delete(ctx, providers.Ref{Name: "shop", Location: Location}); err != nil {
			t.Fatalf("delete %d: %v", i+1, err)
		}
	}
	if owned, _ := h.p.Owned(ctx, nil); len(owned) != 0 {
		t.Errorf("Owned after Delete: %v", owned)
	}
	h.client.expect(t, "http", "shop.example.com", "/", "")
}

// A load balancer nginx refuses gets nginx's reason as an invalid error, goes back to what it
// was, and does not block the next load of another.
func TestARefusedLoadBalancerBlocksNoOther(t *testing.T) {
	h := newProviderHarness(t)
	ctx := context.Background()
	bad := h.want("bad", "bad.example.com")
	bad.Spec.Frontends.HTTPS = true
	bad.Spec.TLS = []v1alpha1.TLSCertificate{{Hosts: []v1alpha1.Hostname{"bad.example.com"}, SecretRef: &v1alpha1.ObjectRef{Namespace: "ns", Name: "broken"}}}
	bad.Certificates = map[string]providers.Certificate{"ns/broken": certificate(
		[]byte("-----BEGIN CERTIFICATE-----\nbm90\n-----END CERTIFICATE-----\n"),
		[]byte("-----BEGIN PRIVATE KEY-----\nbm90\n-----END PRIVATE KEY-----\n"))}
	_, err := h.p.Ensure(ctx, bad)
	if !providers.IsInvalid(err) || providers.ReasonOf(err) != ReasonRejected {
		t.Fatalf("want nginx's refusal as an invalid error, got %v", err)
	}
	if _, err := h.p.Ensure(ctx, h.want("good", "good.example.com")); err != nil {
		t.Fatalf("the next load balancer: %v", err)
	}
	h.client.expect(t, "http", "good.example.com", "/", "good")
	h.client.expect(t, "http", "bad.example.com", "/", "")
	req, _ := http.NewRequest(http.MethodGet, "/readyz", nil)
	if err := h.p.Check(req); err != nil {
		t.Errorf("readiness while nginx serves: %v", err)
	}
}

// A restarted controller stages every load balancer, then says Synced: the first load holds
// them all, and an Ensure of a staged state returns once that load served it.
func TestStagedLoadBalancersLoadTogetherOnceSynced(t *testing.T) {
	h := newUnsyncedProvider(t)
	ctx := context.Background()
	for _, name := range []string{"one", "two"} {
		if err := h.p.Stage(h.want(name, v1alpha1.Hostname(name+".example.com"))); err != nil {
			t.Fatal(err)
		}
	}
	if h.loads() != 0 {
		t.Fatal("a staged load balancer loaded before Synced")
	}
	done := make(chan error, 1)
	go func() {
		_, err := h.p.Ensure(ctx, h.want("one", "one.example.com"))
		done <- err
	}()
	h.p.Synced()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	h.client.expect(t, "http", "one.example.com", "/", "one")
	h.client.expect(t, "http", "two.example.com", "/", "two")
	if got := h.loads(); got != 1 {
		t.Errorf("%v loads, want 1: the staged set loads at once", got)
	}
}
