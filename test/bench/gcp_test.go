package bench

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/ratelimit"
	"github.com/portico-dev/portico/testenv"
)

// The GCP scenario of DESIGN.md: creating N load balancers under a cloud limit of 20
// writes per second must take at most 1.2× the time the limit alone imposes.
const (
	gcpWritesPerSecond = 20
	gcpLatency         = 50 * time.Millisecond
	gcpProject         = "bench-project"
)

// gcpLoadBalancers is N, from PORTICO_BENCH_GCP_LBS (default 20; `make bench` runs 1000).
func gcpLoadBalancers() int {
	if n, err := strconv.Atoi(os.Getenv("PORTICO_BENCH_GCP_LBS")); err == nil && n > 0 {
		return n
	}
	return 20
}

// BenchmarkGCPCreate creates N Ingresses, each its own load balancer, through the
// controller with the gcp provider against gcptest (50 ms per call, operations DONE after
// one poll), its writes limited to 20 per second by the provider's rate limiter, and
// reports:
//   - s-to-program: seconds until every LoadBalancer is Programmed;
//   - writes: the mutating calls gcptest received;
//   - s-ideal: writes ÷ 20, the time the limit alone imposes;
//   - ratio: s-to-program ÷ s-ideal (target: at most 1.2);
//   - restart-writes, restart-reads: the calls of a restarted controller that reconciles
//     every load balancer again with nothing changed (targets: 0, and independent of N),
//     and restart-endpoint-reads, those of the reads that read one group's endpoints
//     (target: 0, each group's fingerprint in the status is trusted).
func BenchmarkGCPCreate(b *testing.B) {
	n := gcpLoadBalancers()
	b.Run(fmt.Sprintf("lbs=%d", n), func(b *testing.B) {
		for b.Loop() {
			gcpCreate(b, n)
		}
	})
}

func gcpCreate(b *testing.B, n int) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Minute)
	defer cancel()
	srv := gcptest.New(gcptest.Options{Project: gcpProject, OperationPolls: 1})
	defer srv.Close()
	srv.SetFaults(gcptest.Faults{Latency: gcpLatency})
	p := &countedGCP{srv: srv}
	if err := p.restart(); err != nil {
		b.Fatal(err)
	}
	env, err := testenv.Start(ctx, testenv.Options{ClusterID: "bench", SyncPeriod: 10 * time.Hour,
		ExtraProviders: []providers.Provider{p}, ClassProvider: v1alpha1.ProviderGCP, MaxConcurrentReconciles: gcpWorkers()})
	if err != nil {
		b.Fatal(err)
	}
	defer env.Stop()

	start := time.Now()
	for i := 0; i < n; i++ {
		createIngress(ctx, b, env.Client, i)
	}
	waitAllProgrammed(ctx, b, env, n)
	elapsed := time.Since(start).Seconds()
	writes := srv.Writes()
	ideal := float64(writes) / gcpWritesPerSecond
	b.ReportMetric(elapsed, "s-to-program")
	b.ReportMetric(float64(writes), "writes")
	b.ReportMetric(ideal, "s-ideal")
	b.ReportMetric(elapsed/ideal, "ratio")
	b.ReportMetric(float64(srv.Reads()), "reads")
	first, last := writeWindow(srv.Calls())
	b.ReportMetric(first.Sub(start).Seconds(), "s-first-write")
	b.ReportMetric(float64(writes)/last.Sub(first).Seconds(), "writes/s")

	if err := env.StopController(); err != nil {
		b.Fatal(err)
	}
	srv.ResetCalls()
	if err := p.restart(); err != nil { // a new process: nothing read yet
		b.Fatal(err)
	}
	start = time.Now()
	if err := env.StartController(ctx); err != nil {
		b.Fatal(err)
	}
	waitAll(ctx, b, "the restarted controller to ensure every load balancer", n, p.ensured)
	b.ReportMetric(time.Since(start).Seconds(), "s-restart")
	time.Sleep(2 * time.Second) // let the last reconciles finish before counting
	b.ReportMetric(float64(srv.Writes()), "restart-writes")
	b.ReportMetric(float64(srv.Reads()), "restart-reads")
	b.ReportMetric(float64(endpointReads(srv.Calls())), "restart-endpoint-reads")
}

// endpointReads counts the reads of one group's endpoints (networkEndpointGroups.
// listNetworkEndpoints, a page each).
func endpointReads(calls []gcptest.Call) int {
	n := 0
	for _, c := range calls {
		if strings.HasSuffix(c.Path, "/listNetworkEndpoints") {
			n++
		}
	}
	return n
}

// gcpWorkers is the controller's --max-concurrent-reconciles, from
// PORTICO_BENCH_GCP_WORKERS (default 4, the controller's default).
func gcpWorkers() int {
	if n, err := strconv.Atoi(os.Getenv("PORTICO_BENCH_GCP_WORKERS")); err == nil && n > 0 {
		return n
	}
	return 4
}

// countedGCP is the gcp provider as `portico controller --cloud-writes-per-second=20
// --cloud-reads-per-second=0 --cloud-operation-polls-per-second=0` builds it (the write
// burst is the flag's default; reads and polls unlimited, so that the write limit alone
// paces the run), with
// the SDK pointed at gcptest, recording the load balancers it ensured, to tell when a
// restarted controller has reconciled every one (its shared reads do not tell).
type countedGCP struct {
	*gcp.Provider
	srv  *gcptest.Server
	mu   sync.Mutex
	seen map[string]bool
}

// restart replaces the provider by a new one, as a restarted controller builds it, with
// nothing read and nothing ensured; call it while the controller is stopped.
func (c *countedGCP) restart() error {
	limiter, err := ratelimit.New(ratelimit.Config{WritesPerSecond: gcpWritesPerSecond, WriteBurst: ratelimit.DefaultConfig().WriteBurst}, nil)
	if err != nil {
		return err
	}
	c.Provider = gcp.New(gcp.Options{ClusterID: "bench", Project: gcpProject, Limiter: limiter,
		Dial: func(ctx context.Context) (*gcp.Clients, error) { return gcp.Dial(ctx, c.srv.ClientOptions()...) }})
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen = map[string]bool{}
	return nil
}

func (c *countedGCP) Ensure(ctx context.Context, want *providers.Desired) (*providers.Observed, error) {
	c.mu.Lock()
	c.seen[want.Ref.Name] = true
	c.mu.Unlock()
	return c.Provider.Ensure(ctx, want)
}

func (c *countedGCP) ensured(context.Context) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen), nil
}

// writeWindow is when the first and the last write were answered.
func writeWindow(calls []gcptest.Call) (first, last time.Time) {
	for _, c := range calls {
		if !c.Write {
			continue
		}
		if first.IsZero() {
			first = c.At
		}
		last = c.At
	}
	return first, last
}

// waitAllProgrammed waits until every LoadBalancer's Programmed condition is True: its
// resources exist, not only its address.
func waitAllProgrammed(ctx context.Context, b *testing.B, env *testenv.Env, n int) {
	waitAll(ctx, b, fmt.Sprintf("%d LoadBalancers to be programmed", n), n, func(ctx context.Context) (int, error) {
		list := &v1alpha1.LoadBalancerList{}
		if err := env.Client.List(ctx, list); err != nil {
			return 0, err
		}
		done := 0
		for _, lb := range list.Items {
			if meta.IsStatusConditionTrue(lb.Status.Conditions, v1alpha1.ConditionProgrammed) {
				done++
			}
		}
		return done, nil
	})
}

// waitAll polls count until it reaches n. It looks every half second, not at testenv's
// pace: listing a thousand LoadBalancers 20 times a second would take the CPU the
// controller and the API server are measured on, for a precision the seconds measured do
// not need.
func waitAll(ctx context.Context, b *testing.B, what string, n int, count func(context.Context) (int, error)) {
	for {
		done, err := count(ctx)
		if err == nil && done >= n {
			return
		}
		select {
		case <-ctx.Done():
			b.Fatalf("waiting for %s: %d of %d (%v)", what, done, n, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
