package nginxmode_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"

	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/test/echo"
	"github.com/portico-dev/portico/test/nginxmode"
)

const (
	churnEndpointChanges = 200
	churnConfigChanges   = 20
	// churnUpdatesPerTick is how many changes arrive per coalescing interval.
	churnUpdatesPerTick = 10
	churnInterval       = time.Second // on the fake clock
	churnRate           = 200         // requests per second, constant
)

// TestNoFailedRequestUnderChurn: under a constant load, 200 endpoint changes (a rolling
// replacement of the Service's pods, each drained after nginx stopped sending to it) and 20
// configuration changes (new paths) go through the Coalescer into a real nginx, and no
// request fails. The Coalescer runs on a fake clock stepped one interval after every
// churnUpdatesPerTick changes, so the bound on loads is counted, not timed: at most one load
// per interval stepped, plus the first.
func TestNoFailedRequestUnderChurn(t *testing.T) {
	n := nginxmode.Start(t, nginxmode.Options{})
	cluster := nginxmode.NewCluster(t)
	pods := cluster.Echo("shop", "web", "web", 3)
	cluster.AddIngress(churnIngress(0))
	clock := clocktesting.NewFakeClock(time.Now())
	var loads atomic.Int64
	c := nginxfallback.NewCoalescer(func(ctx context.Context, in nginxfallback.Input) error {
		loads.Add(1)
		return n.Supervisor.Apply(ctx, in)
	}, nginxfallback.CoalescerOptions{Interval: churnInterval, Clock: clock})
	runCoalescer(t, c)
	c.Synced()
	if err := wait(c.Update(cluster.Input())); err != nil {
		t.Fatal(err)
	}

	load := nginxmode.StartLoad("http://"+n.Addr("http")+"/", "churn.test", churnRate)
	r := &churn{t: t, n: n, c: c, clock: clock, cluster: cluster, pods: pods}
	for i := 1; i <= churnEndpointChanges+churnConfigChanges; i++ {
		if i%((churnEndpointChanges+churnConfigChanges)/churnConfigChanges) == 0 {
			r.configChange()
		} else {
			r.endpointChange()
		}
		if i%churnUpdatesPerTick == 0 {
			r.tick()
		}
	}
	r.finish()
	report := load.Stop()

	if report.Failed > 0 || report.Metrics.Requests == 0 {
		t.Errorf("%d of %d requests failed under churn, first: %v\nnginx's error log:\n%s", report.Failed, report.Metrics.Requests, report.Failures, n.ErrorLog())
	}
	if bound := r.ticks + 1; loads.Load() > bound {
		t.Errorf("%d loads for %d changes over %d intervals, want at most %d", loads.Load(), r.updates, r.ticks, bound)
	}
	t.Logf("%d requests, %d changes, %d loads, %d intervals", report.Metrics.Requests, r.updates, loads.Load(), r.ticks)
	expectServed(t, n, "/v20/x", "web")
}

// churn drives the changes and keeps what their loads must answer.
type churn struct {
	t       *testing.T
	n       *nginxmode.Nginx
	c       *nginxfallback.Coalescer
	clock   *clocktesting.FakeClock
	cluster *nginxmode.Cluster
	pods    []*echo.Server
	// draining are pods left out of the endpoints, each waiting for the load that left it
	// out before it stops.
	draining []draining
	pending  []*nginxfallback.Pending
	updates  int
	configs  int
	ticks    int64
}

type draining struct {
	pod  *echo.Server
	load *nginxfallback.Pending
}

// endpointChange replaces the oldest pod with a new one, as a rolling update does.
func (r *churn) endpointChange() {
	old := r.pods[0]
	r.pods = append(r.pods[1:], echo.New(r.t, echo.Identity{Namespace: "shop", Service: "web", Pod: fmt.Sprintf("web-%d", r.updates)}))
	ports := make([]int32, 0, len(r.pods))
	for _, p := range r.pods {
		ports = append(ports, p.Port)
	}
	r.cluster.SetEndpoints("shop", "web", ports...)
	p := r.update()
	r.draining = append(r.draining, draining{pod: old, load: p})
	r.drain(false)
}

// configChange adds a path to the Ingress.
func (r *churn) configChange() {
	r.configs++
	r.cluster.SetIngresses(churnIngress(r.configs))
	r.update()
}

func (r *churn) update() *nginxfallback.Pending {
	r.updates++
	p := r.c.Update(r.cluster.Input())
	r.pending = append(r.pending, p)
	return p
}

// tick lets one interval pass on the Coalescer's clock, once it waits on it, and lets
// the loads of the interval finish, so the pods they left out drain.
func (r *churn) tick() {
	r.ticks++
	last := r.pending[len(r.pending)-1]
	waitFor(r.t, "the coalescer to wait for its interval or to be done", func() bool {
		return r.clock.HasWaiters() || isDone(last)
	})
	r.clock.Step(churnInterval)
	r.drain(false)
}

// finish steps the clock until every change is loaded, then drains every pod left out.
func (r *churn) finish() {
	last := r.pending[len(r.pending)-1]
	for !isDone(last) {
		r.tick()
	}
	for _, p := range r.pending {
		if err := wait(p); err != nil {
			r.t.Fatal(err)
		}
	}
	r.drain(true)
}

// drain stops the pods whose removal nginx serves and that no old worker can still send a
// request to, gracefully, as a terminating pod drains. Apply returns once no old worker
// accepts connections, but an old worker still answers a request that arrived on a
// connection it holds, by its own configuration: a pod must serve until those workers are
// gone, as a pod's preStop delay lets it in a cluster.
func (r *churn) drain(all bool) {
	if r.n.OldWorkers() > 0 {
		if !all {
			return
		}
		waitFor(r.t, "nginx's old workers to exit", func() bool { return r.n.OldWorkers() == 0 })
	}
	kept := r.draining[:0]
	for _, d := range r.draining {
		if !all && !isDone(d.load) {
			kept = append(kept, d)
			continue
		}
		go func(pod *echo.Server) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = pod.Shutdown(ctx)
		}(d.pod)
	}
	r.draining = kept
}

func churnIngress(paths int) *networkingv1.Ingress {
	prefix := networkingv1.PathTypePrefix
	backend := networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
		Name: "web", Port: networkingv1.ServiceBackendPort{Number: nginxmode.ServicePort}}}
	rule := networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &prefix, Backend: backend}}}
	for i := 1; i <= paths; i++ {
		rule.Paths = append(rule.Paths, networkingv1.HTTPIngressPath{Path: fmt.Sprintf("/v%d", i), PathType: &prefix, Backend: backend})
	}
	return &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{
			Host: "churn.test", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &rule}}}},
	}
}

func runCoalescer(t *testing.T, c *nginxfallback.Coalescer) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = c.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

func wait(p *nginxfallback.Pending) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return p.Wait(ctx)
}

func isDone(p *nginxfallback.Pending) bool {
	select {
	case <-p.Done():
		return true
	default:
		return false
	}
}

// waitFor polls cond for up to 60 s: a condition another goroutine or process makes true.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func expectServed(t *testing.T, n *nginxmode.Nginx, path, service string) {
	t.Helper()
	got, err := routeThrough(n.Client(nil), n, "churn.test", path)
	if err != nil || got != service {
		t.Errorf("%s: served by %q (%v), want %s", path, got, err, service)
	}
}
