package bench

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/aws/awstest"
	"github.com/portico-dev/portico/providers/ratelimit"
	"github.com/portico-dev/portico/testenv"
)

// The AWS scenario of DESIGN.md, as the GCP one: creating N load balancers under a limit of
// 20 writes per second must take at most 1.2× the time the limit alone imposes.
const (
	awsWritesPerSecond = 20
	awsLatency         = 50 * time.Millisecond
	awsRegion          = "us-west-2"
)

// awsLoadBalancers is N, from PORTICO_BENCH_AWS_LBS (default 20; `make bench` runs 1000).
func awsLoadBalancers() int {
	if n, err := strconv.Atoi(os.Getenv("PORTICO_BENCH_AWS_LBS")); err == nil && n > 0 {
		return n
	}
	return 20
}

// awsWorkers is the controller's --max-concurrent-reconciles, from
// PORTICO_BENCH_AWS_WORKERS (default 4, the controller's default).
func awsWorkers() int {
	if n, err := strconv.Atoi(os.Getenv("PORTICO_BENCH_AWS_WORKERS")); err == nil && n > 0 {
		return n
	}
	return 4
}

// BenchmarkAWSCreate creates N Ingresses, each its own load balancer, through the
// controller with the aws provider against awstest (50 ms per call, load balancers active
// and targets healthy at once), its writes limited to 20 per second by the provider's rate
// limiter, and reports:
//   - s-to-program: seconds until every LoadBalancer is Programmed;
//   - writes: the mutating calls awstest received;
//   - s-ideal: writes ÷ 20, the time the limit alone imposes;
//   - ratio: s-to-program ÷ s-ideal (target: at most 1.2);
//   - restart-writes, restart-reads: the calls of a restarted controller that reconciles
//     every load balancer again with nothing changed (targets: 0, and independent of N),
//     and restart-tag-reads, those of the reads that are DescribeTags (AWS's batch of tags
//     takes 20 resources, so these grow with N ÷ 20).
func BenchmarkAWSCreate(b *testing.B) {
	n := awsLoadBalancers()
	b.Run(fmt.Sprintf("lbs=%d", n), func(b *testing.B) {
		for b.Loop() {
			awsCreate(b, n)
		}
	})
}

func awsCreate(b *testing.B, n int) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Minute)
	defer cancel()
	// AWS's quotas of load balancers and target groups per region are raised for the run,
	// as an account running a thousand would have them raised.
	srv := awstest.New(awstest.Options{Region: awsRegion, Limits: awstest.Limits{LoadBalancers: n, TargetGroups: 2 * n}})
	defer srv.Close()
	srv.SeedDefault()
	srv.SetFaults(awstest.Faults{Latency: awsLatency})
	p := &countedAWS{srv: srv}
	if err := p.restart(); err != nil {
		b.Fatal(err)
	}
	env, err := testenv.Start(ctx, testenv.Options{ClusterID: "bench", SyncPeriod: 10 * time.Hour,
		ExtraProviders: []providers.Provider{p}, ClassProvider: v1alpha1.ProviderAWS, MaxConcurrentReconciles: awsWorkers()})
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
	ideal := float64(writes) / awsWritesPerSecond
	b.ReportMetric(elapsed, "s-to-program")
	b.ReportMetric(float64(writes), "writes")
	b.ReportMetric(ideal, "s-ideal")
	b.ReportMetric(elapsed/ideal, "ratio")
	b.ReportMetric(float64(srv.Reads()), "reads")
	first, last := awsWriteWindow(srv.Calls())
	b.ReportMetric(first.Sub(start).Seconds(), "s-first-write")
	b.ReportMetric(float64(writes)/last.Sub(first).Seconds(), "writes/s")
	b.Logf("create writes by action: %v", callsByAction(srv.Calls(), true))

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
	b.ReportMetric(float64(tagReads(srv.Calls())), "restart-tag-reads")
	b.Logf("restart reads by action: %v", callsByAction(srv.Calls(), false))
}

// tagReads counts the DescribeTags calls: AWS takes at most 20 resources per call, so a
// read of every load balancer's and target group's tags grows with N ÷ 20.
func tagReads(calls []awstest.Call) int {
	return callsByAction(calls, false)["DescribeTags"]
}

// callsByAction counts the writes (or the reads) by action.
func callsByAction(calls []awstest.Call, writes bool) map[string]int {
	out := map[string]int{}
	for _, c := range calls {
		if c.Write == writes {
			out[c.Action]++
		}
	}
	return out
}

// countedAWS is the aws provider as `portico controller --providers aws
// --cloud-writes-per-second=20 --cloud-reads-per-second=0` builds it (the write burst is
// the flag's default; reads unlimited, so that the write limit alone paces the run), with
// the SDK pointed at awstest, recording the load balancers it ensured, to tell when a
// restarted controller has reconciled every one (its shared reads do not tell).
type countedAWS struct {
	*aws.Provider
	srv  *awstest.Server
	mu   sync.Mutex
	seen map[string]bool
}

// restart replaces the provider by a new one, as a restarted controller builds it, with
// nothing read and nothing ensured; call it while the controller is stopped.
func (c *countedAWS) restart() error {
	limiter, err := ratelimit.New(ratelimit.Config{WritesPerSecond: awsWritesPerSecond, WriteBurst: ratelimit.DefaultConfig().WriteBurst}, nil)
	if err != nil {
		return err
	}
	clients := aws.ClientsOf(c.srv.Config())
	c.Provider = aws.New(aws.Options{ClusterID: "bench", Region: awsRegion, VPC: awstest.DefaultVPC, Limiter: limiter,
		ELBV2: clients.ELBV2, EC2: clients.EC2, ACM: clients.ACM})
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen = map[string]bool{}
	return nil
}

func (c *countedAWS) Ensure(ctx context.Context, want *providers.Desired) (*providers.Observed, error) {
	c.mu.Lock()
	c.seen[want.Ref.Name] = true
	c.mu.Unlock()
	return c.Provider.Ensure(ctx, want)
}

func (c *countedAWS) ensured(context.Context) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen), nil
}

// awsWriteWindow is when the first and the last write were answered.
func awsWriteWindow(calls []awstest.Call) (first, last time.Time) {
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
