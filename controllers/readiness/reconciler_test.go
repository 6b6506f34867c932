package readiness

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

var namespaces atomic.Int32

// world is one test's namespace, store and reconciler.
type world struct {
	t     *testing.T
	ctx   context.Context
	ns    string
	store *Store
	r     *Reconciler
}

func newWorld(t *testing.T) *world {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	w := &world{t: t, ctx: ctx, ns: fmt.Sprintf("r%d", namespaces.Add(1)), store: NewStore()}
	w.r = &Reconciler{Client: kube, Store: w.store, Clock: clocktesting.NewFakePassiveClock(time.Unix(5000, 0))}
	w.create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: w.ns}})
	return w
}

func (w *world) create(obj client.Object) {
	w.t.Helper()
	if err := kube.Create(w.ctx, obj); err != nil {
		w.t.Fatal(err)
	}
	// The reconciler reads through the cache: wait until it holds the object.
	err := wait.PollUntilContextTimeout(w.ctx, 10*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		return kube.Get(ctx, client.ObjectKeyFromObject(obj), obj.DeepCopyObject().(client.Object)) == nil, nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

// gatedPod creates a pod with the gate and the IP, selected by app=shop.
func (w *world) gatedPod(name, ip string) {
	w.t.Helper()
	pod := pod(name).gated("").p
	pod.Namespace, pod.Labels = w.ns, map[string]string{"app": "shop"}
	w.create(pod)
	pod.Status.PodIP = ip
	if err := kube.Status().Update(w.ctx, pod); err != nil {
		w.t.Fatal(err)
	}
	w.waitFor(name, func(p *corev1.Pod) bool { return p.Status.PodIP == ip })
}

// waitFor waits until the cache's copy of the pod satisfies ok.
func (w *world) waitFor(name string, ok func(*corev1.Pod) bool) {
	w.t.Helper()
	err := wait.PollUntilContextTimeout(w.ctx, 10*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		p := &corev1.Pod{}
		return kube.Get(ctx, client.ObjectKey{Namespace: w.ns, Name: name}, p) == nil && ok(p), nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

// loadBalancer creates a Service shop selecting app=shop, and a LoadBalancer routing to it.
func (w *world) loadBalancer(name string) {
	w.t.Helper()
	w.create(&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: w.ns, Name: "shop"}, Spec: corev1.ServiceSpec{
		Selector: map[string]string{"app": "shop"}, Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080)}}}})
	w.create(&v1alpha1.LoadBalancer{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.LoadBalancerSpec{
		Provider: v1alpha1.ProviderFake, Frontends: v1alpha1.Frontends{HTTP: true}, DefaultBackend: "shop",
		Backends: []v1alpha1.Backend{{Name: "shop", TargetType: v1alpha1.TargetTypeIP,
			Service: v1alpha1.ServiceRef{Namespace: w.ns, Name: "shop", PortName: "http"}}}}})
}

// reconcile runs one Reconcile and returns the pod's condition afterwards (from the API
// server, not the cache).
func (w *world) reconcile(name string) (ctrl.Result, *corev1.PodCondition) {
	w.t.Helper()
	res, err := w.r.Reconcile(w.ctx, ctrl.Request{NamespacedName: client.ObjectKey{Namespace: w.ns, Name: name}})
	if err != nil {
		w.t.Fatal(err)
	}
	p := &corev1.Pod{}
	if err := direct.Get(w.ctx, client.ObjectKey{Namespace: w.ns, Name: name}, p); err != nil {
		w.t.Fatal(err)
	}
	return res, condition(p)
}

func TestPodWithoutLoadBalancerIsLetThrough(t *testing.T) {
	w := newWorld(t)
	w.gatedPod("lonely", "10.1.0.1")
	res, c := w.reconcile("lonely")
	if c == nil || c.Status != corev1.ConditionTrue || c.Reason != v1alpha1.ReasonNoLoadBalancer || res.RequeueAfter != 0 {
		t.Fatalf("condition %+v, result %+v; want True NoLoadBalancer and no recheck", c, res)
	}
}

func TestPodWaitsUntilEveryLoadBalancerFindsItHealthy(t *testing.T) {
	w := newWorld(t)
	lbA, lbB := w.ns+"-a", w.ns+"-b"
	w.loadBalancer(lbA)
	w.create(&v1alpha1.LoadBalancer{ObjectMeta: metav1.ObjectMeta{Name: lbB}, Spec: v1alpha1.LoadBalancerSpec{
		Provider: v1alpha1.ProviderFake, Frontends: v1alpha1.Frontends{HTTP: true}, DefaultBackend: "shop",
		Backends: []v1alpha1.Backend{{Name: "shop", TargetType: v1alpha1.TargetTypeIP,
			Service: v1alpha1.ServiceRef{Namespace: w.ns, Name: "shop", PortName: "http"}}}}})
	w.gatedPod("shop-1", "10.1.0.2")

	res, c := w.reconcile("shop-1")
	if c == nil || c.Status != corev1.ConditionFalse || c.Reason != v1alpha1.ReasonWaitingForHealth || res.RequeueAfter != DefaultRecheck {
		t.Fatalf("before any pass: condition %+v, result %+v; want False WaitingForHealth, checked again", c, res)
	}
	health := func(state string) map[string][]providers.TargetHealth {
		return map[string][]providers.TargetHealth{"shop": {{IP: "10.1.0.2", Port: 8080, State: state}}}
	}
	w.store.Record(lbA, health(providers.HealthHealthy))
	w.store.Record(lbB, health(providers.HealthUnhealthy))
	w.waitFor("shop-1", func(p *corev1.Pod) bool { return condition(p) != nil })
	_, c = w.reconcile("shop-1")
	if c.Status != corev1.ConditionFalse || c.Message != "waiting for the cloud to find 10.1.0.2 healthy: LoadBalancer "+lbB+" (backend shop): unhealthy" {
		t.Fatalf("one load balancer of two healthy: condition %+v", c)
	}
	w.store.Record(lbB, health(providers.HealthHealthy))
	w.waitFor("shop-1", func(p *corev1.Pod) bool { return condition(p).Message == c.Message })
	_, c = w.reconcile("shop-1")
	if c.Status != corev1.ConditionTrue || c.Reason != v1alpha1.ReasonLoadBalancerHealthy {
		t.Fatalf("both healthy: condition %+v, want True LoadBalancerHealthy", c)
	}
}
