package nginxfallback

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/providertest"
)

// TestContract runs the provider contract suite against the provider nginx, with a real
// nginx on loopback ports and echo backends on loopback: the checks that apply to a
// provider with no cloud run (a second Ensure loads nothing, Plan lists what Ensure does,
// Delete is idempotent and Owned lists exactly what is served, routing through real HTTP
// agrees with the reference router on the suite's tables and the conformance tables); the
// others are skipped, each naming the capability nginx lacks and why.
func TestContract(t *testing.T) {
	nginx := nginxBinary(t)
	bs := &backends{t: t, servers: map[string]*httptest.Server{}}
	providertest.Run(t, providertest.Harness{
		NewCloud: func(tb testing.TB) providertest.Cloud { return newContractCloud(tb, nginx) },
		Kinds:    []string{KindServer, KindUpstream},
		// Each backend is an echo server that answers with the backend's name.
		Targets: func(_ string, b v1alpha1.Backend) []providers.Target {
			return []providers.Target{{IP: "127.0.0.1", Port: bs.port(b.Name)}}
		},
		Lacks: map[providertest.Capability]string{
			providertest.Restart: "nginx and the set it serves live in the controller's process; a restarted controller " +
				"starts an empty nginx and stages every LoadBalancer before its first load " +
				"(TestStagedLoadBalancersLoadTogetherOnceSynced)",
			providertest.Clusters: "each cluster runs its own nginx; two clusters never share one",
			providertest.FailWrite: "a write is the load of a whole configuration, checked by nginx -t and swapped " +
				"atomically: no pass stops between two writes (a refused load: TestARefusedLoadBalancerBlocksNoOther)",
			providertest.ReadCounts:     "the provider reads nothing: it serves what the controller's caches resolved",
			providertest.WritePerChange: "a write is one load of the whole configuration (a reload), carrying every change of the pass",
			providertest.OwnAddress:     "every LoadBalancer of the nginx mode shares the data plane's address",
			providertest.RandomFaults: "there is no cloud API to throttle a call or lose its answer: a write is a local " +
				"load, checked by nginx -t, which fails only on a configuration nginx refuses",
		},
	})
}

// contractCloud is one nginx, run and loaded by one provider, as the contract suite sees it:
// a write is a load (a reload, whatever its result), the resources are the servers and
// upstreams of the load balancers the provider serves, and a route is a real HTTP request.
type contractCloud struct {
	t       testing.TB
	p       *Provider
	metrics *Metrics
	dir     string
	client  *client
	cluster string

	mu sync.Mutex
	// owners records whose every upstream ever ensured is, to name the owner of one that
	// nginx still loads after its load balancer was deleted.
	owners map[string]providers.Owner
}

var _ providertest.Cloud = (*contractCloud)(nil)

func newContractCloud(t testing.TB, nginx string) *contractCloud {
	t.Helper()
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	set := Settings{HTTPPort: freePortTB(t), HTTPSPort: freePortTB(t), StatusPort: freePortTB(t), ListenAddress: "127.0.0.1", WorkerProcesses: 1}
	p, err := NewProvider(ProviderOptions{
		Supervisor: Options{Nginx: nginx, Dir: dir, Settings: set, Metrics: m, Log: testr.New(t.(*testing.T))},
		// The suite's passes follow one another: a short interval keeps it quick, and the
		// loads still coalesce.
		Coalescer: CoalescerOptions{Interval: 100 * time.Millisecond},
	})
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
	p.Synced()
	return &contractCloud{t: t, p: p, metrics: m, dir: dir, client: newClient(set), owners: map[string]providers.Owner{}}
}

func freePortTB(t testing.TB) int { return freePort(t.(*testing.T)) }

// Provider returns the cloud's one provider: nginx serves one cluster.
func (c *contractCloud) Provider(clusterID string) providers.Provider {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cluster != "" && c.cluster != clusterID {
		c.t.Fatalf("a second cluster (%s after %s) in one nginx, which the harness says nginx lacks", clusterID, c.cluster)
	}
	c.cluster = clusterID
	return &contractProvider{Provider: c.p, cloud: c}
}

// contractProvider is the provider, recording the upstreams of every load balancer it ensures.
type contractProvider struct {
	*Provider
	cloud *contractCloud
}

func (p *contractProvider) Ensure(ctx context.Context, want *providers.Desired) (*providers.Observed, error) {
	p.cloud.mu.Lock()
	for _, be := range want.Spec.Backends {
		p.cloud.owners[upstreamName(want.Ref.Name, be.Name)] = providers.Owner{ClusterID: p.cloud.cluster, LoadBalancer: want.Ref.Name}
	}
	p.cloud.mu.Unlock()
	return p.Provider.Ensure(ctx, want)
}

// Counts counts every load as a write; the provider reads nothing.
func (c *contractCloud) Counts() providertest.Counts {
	writes := 0
	for _, result := range []string{ReloadSuccess, ReloadRejected, ReloadFailed} {
		writes += int(testutil.ToFloat64(c.metrics.reloads.WithLabelValues(result)))
	}
	return providertest.Counts{Writes: writes}
}

func (c *contractCloud) FailWrite(int, bool) {
	c.t.Fatal("FailWrite needs a capability the harness says nginx lacks")
}

// Resources lists the servers and upstreams of every load balancer the provider serves,
// owned by it, and every upstream that the configuration nginx runs still holds for a load
// balancer no longer served (a leftover of a Delete).
func (c *contractCloud) Resources() []providertest.Resource {
	c.p.mu.Lock()
	var out []providertest.Resource
	served := map[string]bool{}
	for _, name := range c.p.served.names() {
		for _, r := range servedResources(c.p.served.get(name)) {
			out = append(out, providertest.Resource{Location: Location, Kind: r.Kind, Name: r.Name,
				Owner: providers.Owner{ClusterID: c.cluster, LoadBalancer: name}})
			if r.Kind == KindUpstream {
				served[r.Name] = true
			}
		}
	}
	c.p.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, name := range c.loadedUpstreams() {
		if !served[name] {
			out = append(out, providertest.Resource{Location: Location, Kind: KindUpstream, Name: name, Owner: c.owners[name]})
		}
	}
	return out
}

var upstreamLine = regexp.MustCompile(`(?m)^\s*upstream (\S+) \{`)

// loadedUpstreams lists the upstreams of the configuration nginx runs.
func (c *contractCloud) loadedUpstreams() []string {
	config, err := os.ReadFile(filepath.Join(c.dir, ConfigFile))
	if err != nil {
		c.t.Fatalf("reading the configuration nginx runs: %v", err)
	}
	var out []string
	for _, m := range upstreamLine.FindAllSubmatch(config, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// Route sends a real request to nginx; the echo backend that answers names itself. An
// empty path is sent as "/", as every HTTP client sends it.
func (c *contractCloud) Route(_ string, _ *providers.Desired, host, path string) (string, bool) {
	if path == "" {
		path = "/"
	}
	r, err := c.get(host, path)
	switch {
	case err != nil:
		return fmt.Sprintf("no answer (%v)", err), true
	case r.status == http.StatusNotFound:
		return "", false
	case r.status != http.StatusOK:
		return fmt.Sprintf("an answer %d", r.status), true
	}
	return r.echo.Backend, true
}

// get sends a request with the Host header host (a port in it included, as a client sends
// it) to nginx's HTTP port on loopback.
func (c *contractCloud) get(host, path string) (response, error) {
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d%s", c.client.set.HTTPPort, path), nil)
	if err != nil {
		return response{}, err
	}
	if host != "" {
		req.Host = host
	}
	resp, err := c.client.http.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	r := response{status: resp.StatusCode}
	if resp.StatusCode == http.StatusOK {
		err = json.NewDecoder(resp.Body).Decode(&r.echo)
	}
	return r, err
}
