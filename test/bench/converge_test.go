// Package bench measures portico at scale against a real API server with the fake provider:
// how long N Ingresses take to be served, how long a restarted controller takes to converge,
// what a resync writes, and how much memory the controller holds per Ingress. Run it with
// `make bench`; PORTICO_BENCH_INGRESSES sets the sizes N, comma-separated (default 300;
// `make bench` runs 1000 and 3000, `make bench-large` 10000). BenchmarkGCPCreate (gcp_test.go)
// creates load balancers through the gcp provider against gcptest under a write limit;
// PORTICO_BENCH_GCP_LBS sets their number (default 20; `make bench` runs 1000).
package bench

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers/fake"
	"github.com/portico-dev/portico/testenv"
)

// ingressCounts are the sizes to measure, from PORTICO_BENCH_INGRESSES.
func ingressCounts() []int {
	var out []int
	for _, f := range strings.Split(os.Getenv("PORTICO_BENCH_INGRESSES"), ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return []int{300}
	}
	return out
}

// BenchmarkConverge creates N Ingresses, each with its own Service, and reports:
//   - s-to-serve: seconds until every Ingress has its address, and s/lb-serve per load
//     balancer;
//   - s-restart: seconds until a restarted controller has reconciled every load balancer
//     again, and s/lb-restart per load balancer: both per-LB figures must stay flat as N
//     grows (work that grows faster than N shows here first);
//   - restart-cloud-lists: the list calls of that restart (one per resource kind, not per
//     load balancer);
//   - resync-api-writes, resync-cloud-writes: writes of a restart with nothing changed
//     (targets: 0);
//   - KiB/ingress: the heap the controller holds per Ingress, measured as what stopping it
//     frees (target: at most 50).
func BenchmarkConverge(b *testing.B) {
	for _, n := range ingressCounts() {
		b.Run(fmt.Sprintf("ingresses=%d", n), func(b *testing.B) {
			for b.Loop() {
				converge(b, n)
			}
		})
	}
}

func converge(b *testing.B, n int) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Minute)
	defer cancel()
	env, err := testenv.Start(ctx, testenv.Options{ClusterID: "bench", SyncPeriod: 10 * time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	defer env.Stop()

	start := time.Now()
	for i := 0; i < n; i++ {
		createIngress(ctx, b, env.Client, i)
	}
	waitAllServed(ctx, b, env, n)
	serve := time.Since(start).Seconds()
	b.ReportMetric(serve, "s-to-serve")
	b.ReportMetric(serve/float64(n), "s/lb-serve")

	// The controller's memory is what stopping it frees: the fake cloud, the test's client
	// and the API server (another process) stay.
	running := heapInUse()
	if err := env.StopController(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(int64(running)-int64(heapInUse()))/1024/float64(n), "KiB/ingress")
	env.ResetAPIWrites()
	env.Cloud.ResetCalls()
	env.ResetEnsured()
	start = time.Now()
	if err := env.StartController(ctx); err != nil {
		b.Fatal(err)
	}
	waitAllEnsured(ctx, b, env, n)
	restart := time.Since(start).Seconds()
	b.ReportMetric(restart, "s-restart")
	b.ReportMetric(restart/float64(n), "s/lb-restart")
	b.ReportMetric(float64(cloudLists(env.Cloud)), "restart-cloud-lists")
	time.Sleep(2 * time.Second) // let the last reconciles finish before counting
	b.ReportMetric(float64(len(env.APIWrites())), "resync-api-writes")
	b.ReportMetric(float64(cloudWrites(env.Cloud)), "resync-cloud-writes")
}

func createIngress(ctx context.Context, b *testing.B, c client.Client, i int) {
	name := fmt.Sprintf("app-%d", i)
	port, portName := int32(8080), "http"
	objs := []client.Object{
		// Headless: envtest's Service IP range holds only a few hundred addresses.
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name}, Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone,
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080)}}}},
		&discoveryv1.EndpointSlice{
			ObjectMeta:  metav1.ObjectMeta{Namespace: "default", Name: name, Labels: map[string]string{discoveryv1.LabelServiceName: name}},
			AddressType: discoveryv1.AddressTypeIPv4,
			Ports:       []discoveryv1.EndpointPort{{Name: &portName, Port: &port}},
			Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{fmt.Sprintf("10.%d.%d.1", i/250, i%250)}}},
		},
		ingress(name),
	}
	for _, o := range objs {
		if err := c.Create(ctx, o); err != nil {
			b.Fatal(err)
		}
	}
}

func ingress(name string) *networkingv1.Ingress {
	prefix := networkingv1.PathTypePrefix
	return &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{
			Host: name + ".example.com",
			IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
				Path: "/", PathType: &prefix,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: name, Port: networkingv1.ServiceBackendPort{Number: 80}}},
			}}}},
		}}},
	}
}

func waitAllServed(ctx context.Context, b *testing.B, env *testenv.Env, n int) {
	err := testenv.WaitFor(ctx, fmt.Sprintf("%d Ingresses to be served", n), func(ctx context.Context) (bool, error) {
		list := &networkingv1.IngressList{}
		if err := env.Client.List(ctx, list); err != nil {
			return false, err
		}
		served := 0
		for _, ing := range list.Items {
			if len(ing.Status.LoadBalancer.Ingress) > 0 {
				served++
			}
		}
		return served == n, fmt.Errorf("%d of %d served", served, n)
	})
	if err != nil {
		b.Fatal(err)
	}
}

// waitAllEnsured waits until the restarted controller has reconciled every load balancer:
// the fake provider ensured each one since the restart. (Cloud reads do not tell: the fake
// lists each kind once for all load balancers.)
func waitAllEnsured(ctx context.Context, b *testing.B, env *testenv.Env, n int) {
	err := testenv.WaitFor(ctx, "the restarted controller to converge", func(ctx context.Context) (bool, error) {
		done := env.EnsuredLoadBalancers()
		return done >= n, fmt.Errorf("%d of %d load balancers reconciled", done, n)
	})
	if err != nil {
		b.Fatal(err)
	}
	list := &v1alpha1.LoadBalancerList{}
	if err := env.Client.List(ctx, list); err != nil || len(list.Items) != n {
		b.Fatalf("%d LoadBalancers, want %d (%v)", len(list.Items), n, err)
	}
}

func cloudWrites(c *fake.Cloud) int {
	n := 0
	for _, call := range c.Calls() {
		if call.Op != fake.OpGet && call.Op != fake.OpList {
			n++
		}
	}
	return n
}

func cloudLists(c *fake.Cloud) int {
	n := 0
	for _, call := range c.Calls() {
		if call.Op == fake.OpList {
			n++
		}
	}
	return n
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
