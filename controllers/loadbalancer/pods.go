package loadbalancer

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/index"
	"github.com/portico-dev/portico/controllers/readiness"
	"github.com/portico-dev/portico/providers"
)

// +kubebuilder:rbac:groups="",resources=pods,verbs=get;list;watch

// podsOf returns the pods a Service selects, by name, from the cache and without copies
// (they are read, never changed): their readiness gates decide which endpoints are
// attached, and their readiness probes the default health-check path. A Service without
// a selector has no pods portico knows of.
func (r *Reconciler) podsOf(ctx context.Context, svc *corev1.Service) (map[string]*corev1.Pod, error) {
	if len(svc.Spec.Selector) == 0 {
		return nil, nil
	}
	list := &corev1.PodList{}
	err := r.Client.List(ctx, list, client.InNamespace(svc.Namespace),
		client.MatchingLabelsSelector{Selector: labels.SelectorFromSet(svc.Spec.Selector)}, client.UnsafeDisableDeepCopy)
	if err != nil {
		return nil, fmt.Errorf("listing the pods of Service %s/%s: %w", svc.Namespace, svc.Name, err)
	}
	out := make(map[string]*corev1.Pod, len(list.Items))
	for i := range list.Items {
		out[list.Items[i].Name] = &list.Items[i]
	}
	return out, nil
}

// withProbePaths gives each backend whose health check sets no path the path of its
// serving pods' readiness probe, as ingress-gce does. It changes only the copy of the spec
// the provider gets: the LoadBalancer's spec says what the Ingresses say. A health check on
// another port than the traffic's probes something the probe says nothing about.
func withProbePaths(spec *v1alpha1.LoadBalancerSpec, paths map[string]string) {
	for i := range spec.Backends {
		be := &spec.Backends[i]
		path := paths[be.Name]
		if path == "" || (be.HealthCheck != nil && (be.HealthCheck.Path != "" || be.HealthCheck.Port != 0)) {
			continue
		}
		if be.HealthCheck == nil {
			be.HealthCheck = &v1alpha1.HealthCheck{}
		}
		be.HealthCheck.Path = path
	}
}

// awaiting names the backends whose targets include a pod the readiness gate holds.
func awaiting(held map[string][]heldPod) map[string]bool {
	out := map[string]bool{}
	for backend, pods := range held {
		if len(pods) > 0 {
			out[backend] = true
		}
	}
	return out
}

// heldPods lists every held pod of a load balancer, for the readiness reconciler to
// evaluate again after a pass.
func heldPods(held map[string][]heldPod) []types.NamespacedName {
	seen := map[types.NamespacedName]bool{}
	var out []types.NamespacedName
	for _, pods := range held {
		for _, p := range pods {
			if !seen[p.key] {
				seen[p.key] = true
				out = append(out, p.key)
			}
		}
	}
	return out
}

// healthOf is the health a pass found: the provider's, or, from a provider that checks
// none, every target attached counts as healthy. Nil when the pass failed before the
// provider could say, so that the last known health stands.
func healthOf(want *providers.Desired, observed *providers.Observed, err error) map[string][]providers.TargetHealth {
	if observed != nil && observed.Health != nil {
		return observed.Health
	}
	if err != nil {
		return nil
	}
	out := make(map[string][]providers.TargetHealth, len(want.Targets))
	for backend, ts := range want.Targets {
		for _, t := range ts {
			out[backend] = append(out[backend], providers.TargetHealth{IP: t.IP, Port: t.Port, State: providers.HealthHealthy})
		}
	}
	return out
}

// podLoadBalancers maps a pod to the load balancers that send it traffic: the
// EndpointSlices listing it (index SlicePod), their Services, then the load balancers of
// those Services (index LBService).
func (r *Reconciler) podLoadBalancers(ctx context.Context, o client.Object) []reconcile.Request {
	slices := &discoveryv1.EndpointSliceList{}
	if err := r.Client.List(ctx, slices, client.MatchingFields{index.SlicePod: index.Key(o.GetNamespace(), o.GetName())}); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list EndpointSlices for a pod event")
		return nil
	}
	seen := map[reconcile.Request]bool{}
	var out []reconcile.Request
	for i := range slices.Items {
		key := sliceServiceKey(&slices.Items[i])
		if key == "" {
			continue
		}
		for _, req := range r.listLoadBalancers(ctx, client.MatchingFields{index.LBService: key}) {
			if !seen[req] {
				seen[req] = true
				out = append(out, req)
			}
		}
	}
	return out
}

// podTargetChanged lets through the pod changes that can change a load balancer: whether
// the gate holds it (its endpoints are attached though not ready), its deletion, its IP,
// and its readiness probes and ports (the default health-check path).
type podTargetChanged struct{ predicate.Funcs }

func (podTargetChanged) Update(e event.UpdateEvent) bool {
	o, ok1 := e.ObjectOld.(*corev1.Pod)
	n, ok2 := e.ObjectNew.(*corev1.Pod)
	if !ok1 || !ok2 {
		return true
	}
	return readiness.Held(o) != readiness.Held(n) || o.DeletionTimestamp.IsZero() != n.DeletionTimestamp.IsZero() ||
		o.Status.PodIP != n.Status.PodIP || !equality.Semantic.DeepEqual(o.Spec.Containers, n.Spec.Containers)
}
