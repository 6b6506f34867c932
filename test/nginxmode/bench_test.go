package nginxmode_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/test/nginxmode"
)

// benchIngress is one Ingress of its own load balancer: a host, Prefix / to Service web-N
// and Exact /api to Service api-N.
func benchIngress(i int) *networkingv1.Ingress {
	prefix, exact := networkingv1.PathTypePrefix, networkingv1.PathTypeExact
	backend := func(svc string) networkingv1.IngressBackend {
		return networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
			Name: svc, Port: networkingv1.ServiceBackendPort{Number: nginxmode.ServicePort}}}
	}
	return &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Namespace: "bench", Name: fmt.Sprintf("app-%05d", i)},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{
			Host: fmt.Sprintf("app%d.example.com", i),
			IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{
				{Path: "/", PathType: &prefix, Backend: backend(fmt.Sprintf("web-%d", i))},
				{Path: "/api", PathType: &exact, Backend: backend(fmt.Sprintf("api-%d", i))},
			}}},
		}}},
	}
}

// BenchmarkNginxRender10kIngresses translates 10,000 Ingresses (each its own load
// balancer, with two Services of two endpoints each) as the controller does (s-translate:
// the model, over the whole cluster at once; s-resolve: targets and claims), renders the
// nginx configuration (target: under 1 s; s-render), and has nginx validate it (`nginx -t`, the
// cost every reload of that configuration starts with).
func BenchmarkNginxRender10kIngresses(b *testing.B) {
	const n = 10000
	c := nginxmode.NewCluster(b)
	for i := 0; i < n; i++ {
		c.AddIngress(benchIngress(i))
		for _, svc := range []string{fmt.Sprintf("web-%d", i), fmt.Sprintf("api-%d", i)} {
			c.AddService("bench", svc)
			c.SetEndpoints("bench", svc, int32(10000+i%50000), int32(20000+i%40000))
		}
	}
	set := nginxfallback.Settings{HTTPPort: 8080, HTTPSPort: 8443, WorkerProcesses: 1}
	var translate, resolve, render time.Duration
	var config []byte
	for b.Loop() {
		start := time.Now()
		results, _ := c.Translate()
		translate += time.Since(start)
		start = time.Now()
		in := c.InputOf(results)
		in.Settings = set
		resolve += time.Since(start)
		start = time.Now()
		var err error
		if config, err = nginxfallback.Render(in); err != nil {
			b.Fatal(err)
		}
		render += time.Since(start)
	}
	b.ReportMetric(render.Seconds()/float64(b.N), "s-render")
	b.ReportMetric(translate.Seconds()/float64(b.N), "s-translate")
	b.ReportMetric(resolve.Seconds()/float64(b.N), "s-resolve")
	b.ReportMetric(float64(len(config))/1024, "KiB-config")
	b.ReportMetric(validateSeconds(b, config), "s-nginx-t")
}

func validateSeconds(b *testing.B, config []byte) float64 {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, nginxfallback.ConfigFile), config, 0o644); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := nginxfallback.Validate(context.Background(), nginxmode.Binary(b), dir); err != nil {
		b.Fatal(err)
	}
	return time.Since(start).Seconds()
}

const (
	benchRate      = 1000 // requests per second for the latency comparison
	benchRounds    = 10   // one-second rounds of each at benchRate
	benchMaxRounds = 5    // one-second rounds of each at the maximum rate
	benchHost      = "bench.example.com"
)

// BenchmarkNginxLatency sends a constant 1,000 requests per second (vegeta) to the echo
// backend (a process of its own) directly and through nginx, in alternating one-second rounds so that both see the
// same load from the rest of the machine, and reports p50 and p99 of each and the p99 that
// nginx adds (target: at most 1 ms); then the most requests per second each answers with
// 16 requests in flight, in alternating rounds too, side by side from the same run.
func BenchmarkNginxLatency(b *testing.B) {
	n := nginxmode.Start(b, nginxmode.Options{})
	c := nginxmode.NewCluster(b)
	port := echoProcess(b)
	c.AddService("bench", "web")
	c.SetEndpoints("bench", "web", port)
	ing := benchIngress(0)
	ing.Spec.Rules[0].Host = benchHost
	ing.Spec.Rules[0].HTTP.Paths = ing.Spec.Rules[0].HTTP.Paths[:1]
	ing.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Name = "web"
	c.AddIngress(ing)
	n.MustApply(c.Input())
	direct, proxied := fmt.Sprintf("http://127.0.0.1:%d/", port), "http://"+n.Addr("http")+"/"
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	for b.Loop() {
		rounds(b, direct, proxied, benchRate, 1) // warm both up: connections, caches
		d, p := rounds(b, direct, proxied, benchRate, benchRounds)
		dl, _ := nginxmode.Merge(d...)
		pl, _ := nginxmode.Merge(p...)
		b.ReportMetric(ms(nginxmode.Percentile(dl, 0.5)), "ms-p50-direct")
		b.ReportMetric(ms(nginxmode.Percentile(pl, 0.5)), "ms-p50-nginx")
		b.ReportMetric(ms(nginxmode.Percentile(dl, 0.99)), "ms-p99-direct")
		b.ReportMetric(ms(nginxmode.Percentile(pl, 0.99)), "ms-p99-nginx")
		b.ReportMetric(ms(nginxmode.Percentile(pl, 0.99)-nginxmode.Percentile(dl, 0.99)), "ms-p99-added")
		d, p = rounds(b, direct, proxied, 0, benchMaxRounds)
		_, dt := nginxmode.Merge(d...)
		_, pt := nginxmode.Merge(p...)
		b.ReportMetric(dt, "rps-max-direct")
		b.ReportMetric(pt, "rps-max-nginx")
	}
}

// rounds loads direct and proxied in turn, a second each, n times.
func rounds(b *testing.B, direct, proxied string, rate, n int) (d, p []nginxmode.LoadReport) {
	for i := 0; i < n; i++ {
		d = append(d, run(b, direct, rate, time.Second))
		p = append(p, run(b, proxied, rate, time.Second))
	}
	return d, p
}

// run loads url for d and fails the benchmark on a failed request.
func run(b *testing.B, url string, rate int, d time.Duration) nginxmode.LoadReport {
	l := nginxmode.StartLoad(url, benchHost, rate)
	time.Sleep(d)
	r := l.Stop()
	if r.Failed > 0 {
		b.Fatalf("%d of %d requests to %s failed: %v", r.Failed, r.Metrics.Requests, url, r.Failures)
	}
	return r
}

const (
	churnBenchInterval = time.Second
	churnBenchFor      = 20 * time.Second
	churnBenchEvery    = 20 * time.Millisecond // 50 endpoint changes a second
)

// BenchmarkNginxReloadsUnderChurn changes a Service's endpoints 50 times a second for 20 s
// through a Coalescer with a 1 s interval on the wall clock into a real nginx, and reports
// reloads per minute against the bound the interval sets (one per interval elapsed, plus
// the first).
func BenchmarkNginxReloadsUnderChurn(b *testing.B) {
	n := nginxmode.Start(b, nginxmode.Options{})
	c := nginxmode.NewCluster(b)
	c.AddService("bench", "web-0")
	c.AddService("bench", "api-0")
	c.AddIngress(benchIngress(0))
	for b.Loop() {
		var loads atomic.Int64
		co := nginxfallback.NewCoalescer(func(ctx context.Context, in nginxfallback.Input) error {
			loads.Add(1)
			return n.Supervisor.Apply(ctx, in)
		}, nginxfallback.CoalescerOptions{Interval: churnBenchInterval})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = co.Run(ctx)
		}()
		co.Synced()
		changes, last, elapsed := churnFor(c, co)
		if err := wait(last); err != nil {
			b.Fatal(err)
		}
		cancel()
		<-done
		// The bound: one load per interval elapsed, plus the first.
		bound := float64(elapsed/churnBenchInterval) + 1
		minutes := elapsed.Minutes()
		b.ReportMetric(float64(changes)/minutes, "changes/min")
		b.ReportMetric(float64(loads.Load())/minutes, "reloads/min")
		b.ReportMetric(bound/minutes, "bound-reloads/min")
		b.ReportMetric(float64(loads.Load()), "reloads")
		b.ReportMetric(bound, "bound-reloads")
	}
}

// churnFor changes the endpoints every churnBenchEvery for churnBenchFor, and returns the
// number of changes, the last one's Pending and the time until it was loaded.
func churnFor(c *nginxmode.Cluster, co *nginxfallback.Coalescer) (int, *nginxfallback.Pending, time.Duration) {
	start := time.Now()
	var last *nginxfallback.Pending
	changes := 0
	for time.Since(start) < churnBenchFor {
		changes++
		c.SetEndpoints("bench", "web-0", int32(10000+changes%50000), int32(20000+changes%40000))
		last = co.Update(c.Input())
		time.Sleep(churnBenchEvery)
	}
	<-last.Done()
	return changes, last, time.Since(start)
}
