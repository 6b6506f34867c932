package loadbalancer

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/index"
)

// SetupWithManager registers the controller. opts.RateLimiter paces the retries of passing
// faults (controllers.Setup gives it the shared limiter of controllers/ratelimit).
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	b := ctrl.NewControllerManagedBy(mgr).
		Named("loadbalancer").
		WithOptions(opts).
		For(&v1alpha1.LoadBalancer{}, builder.WithPredicates(specOrResync{}))
	return r.watchInputs(b).Complete(r)
}

// watchInputs adds the watches of everything a LoadBalancer's desired state is made of.
func (r *Reconciler) watchInputs(b *builder.Builder) *builder.Builder {
	return b.
		Watches(&v1alpha1.LoadBalancer{}, handler.EnqueueRequestsFromMapFunc(r.contenders),
			builder.WithPredicates(claimsChanged{})).
		Watches(&corev1.Service{}, handler.EnqueueRequestsFromMapFunc(r.publishedLoadBalancers)).
		Watches(&corev1.Service{}, handler.EnqueueRequestsFromMapFunc(r.byIndex(index.LBService, serviceKey))).
		Watches(&discoveryv1.EndpointSlice{}, handler.EnqueueRequestsFromMapFunc(r.byIndex(index.LBService, sliceServiceKey))).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.byIndex(index.LBSecret, serviceKey))).
		Watches(&v1alpha1.IngressClassParams{}, handler.EnqueueRequestsFromMapFunc(r.byIndex(index.LBParams, nameKey)),
			builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		// Metadata only, as the ingress controller watches namespaces: one informer for both.
		WatchesMetadata(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(r.byIndex(index.LBNamespace, nameKey)),
			builder.WithPredicates(predicate.LabelChangedPredicate{})).
		Watches(&corev1.Node{}, handler.EnqueueRequestsFromMapFunc(r.instanceLoadBalancers),
			builder.WithPredicates(nodeTargetChanged{})).
		Watches(&corev1.Pod{}, handler.EnqueueRequestsFromMapFunc(r.podLoadBalancers),
			builder.WithPredicates(podTargetChanged{}))
}

// specOrResync lets through what needs the provider: a new spec, a deletion, a finalizer or
// annotation change, and the periodic resync (same resourceVersion), which checks the cloud
// for drift. It drops the controller's own status writes.
type specOrResync struct{ predicate.Funcs }

func (specOrResync) Update(e event.UpdateEvent) bool {
	o, n := e.ObjectOld, e.ObjectNew
	return o.GetGeneration() != n.GetGeneration() ||
		o.GetResourceVersion() == n.GetResourceVersion() ||
		!n.GetDeletionTimestamp().IsZero() ||
		len(o.GetFinalizers()) != len(n.GetFinalizers())
}

func nameKey(o client.Object) string { return o.GetName() }

func serviceKey(o client.Object) string { return index.Key(o.GetNamespace(), o.GetName()) }

func sliceServiceKey(o client.Object) string {
	svc := o.GetLabels()[discoveryv1.LabelServiceName]
	if svc == "" {
		return ""
	}
	return index.Key(o.GetNamespace(), svc)
}

// byIndex maps an object to the LoadBalancers whose index holds its key.
func (r *Reconciler) byIndex(name string, keyOf func(client.Object) string) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []reconcile.Request {
		key := keyOf(o)
		if key == "" {
			return nil
		}
		return r.listLoadBalancers(ctx, client.MatchingFields{name: key})
	}
}

// instanceLoadBalancers maps a node change to the LoadBalancers with instance backends.
func (r *Reconciler) instanceLoadBalancers(ctx context.Context, _ client.Object) []reconcile.Request {
	return r.listLoadBalancers(ctx, client.MatchingFields{index.LBTargetType: v1alpha1.TargetTypeInstance})
}

func (r *Reconciler) listLoadBalancers(ctx context.Context, opts ...client.ListOption) []reconcile.Request {
	list := &v1alpha1.LoadBalancerList{}
	if err := r.Client.List(ctx, list, opts...); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list LoadBalancers for an event")
		return nil
	}
	out := make([]reconcile.Request, 0, len(list.Items))
	for _, lb := range list.Items {
		out = append(out, reconcile.Request{NamespacedName: client.ObjectKey{Name: lb.Name}})
	}
	return out
}

// nodeTargetChanged drops node updates that cannot change instance targets: heartbeats and
// status noise. Readiness, addresses, zone and the exclusion label matter.
type nodeTargetChanged struct{ predicate.Funcs }

func (nodeTargetChanged) Update(e event.UpdateEvent) bool {
	o, ok1 := e.ObjectOld.(*corev1.Node)
	n, ok2 := e.ObjectNew.(*corev1.Node)
	if !ok1 || !ok2 {
		return true
	}
	if nodeReady(o) != nodeReady(n) || len(o.Status.Addresses) != len(n.Status.Addresses) {
		return true
	}
	for i := range o.Status.Addresses {
		if o.Status.Addresses[i] != n.Status.Addresses[i] {
			return true
		}
	}
	_, exO := o.Labels[labelExcludeFromLB]
	_, exN := n.Labels[labelExcludeFromLB]
	return exO != exN || o.Labels[corev1.LabelTopologyZone] != n.Labels[corev1.LabelTopologyZone]
}
