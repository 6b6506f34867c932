package ingress

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/index"
	"github.com/portico-dev/portico/controllers/notice"
	"github.com/portico-dev/portico/model"
)

// SetupWithManager registers the controller. Every watched kind maps a change only to the
// group keys it affects, through the indexes.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	r.memory = newMemory()
	if r.Notices == nil {
		r.Notices = &notice.Board{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Controller: ReportingController, Clock: r.Clock}
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("ingress").
		WithOptions(opts).
		Watches(&networkingv1.Ingress{}, handler.EnqueueRequestsFromMapFunc(r.keysOfIngress)).
		Watches(&networkingv1.IngressClass{}, handler.EnqueueRequestsFromMapFunc(r.keysOfClass)).
		Watches(&v1alpha1.IngressClassParams{}, handler.EnqueueRequestsFromMapFunc(r.keysOfParams)).
		Watches(&corev1.Service{}, handler.EnqueueRequestsFromMapFunc(r.keysByIndex(index.IngressService))).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.keysByIndex(index.IngressSecret))).
		WatchesMetadata(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(r.keysOfNamespace),
			builder.WithPredicates(predicate.LabelChangedPredicate{})).
		// A LoadBalancer's status carries the address to copy into its members.
		Watches(&v1alpha1.LoadBalancer{}, handler.EnqueueRequestsFromMapFunc(keyOfLoadBalancer)).
		Complete(r)
}

func request(key model.GroupKey) reconcile.Request {
	return reconcile.Request{NamespacedName: client.ObjectKey{Name: key.String()}}
}

// keysOfIngress maps an Ingress to the keys it affects: its group key now; the key of the
// LoadBalancer that serves it (which differs when a class, its parameters or a namespace's
// labels moved it to another group, so the group it left is reconciled too); and its own
// Ingress key when it carries the finalizer, so that an Ingress that left portico is
// released. Updates map both the old and the new object.
func (r *Reconciler) keysOfIngress(ctx context.Context, o client.Object) []reconcile.Request {
	ing, ok := o.(*networkingv1.Ingress)
	if !ok {
		return nil
	}
	lookup := newLookup(ctx, r.Client, r.APIReader)
	var out []reconcile.Request
	if class, ours := model.ClassOf(ing, lookup); ours {
		out = append(out, request(model.KeyOf(ing, class, lookup)))
	}
	if key, ok := r.servingKey(ctx, ing); ok {
		out = append(out, request(key))
	}
	if controllerutil.ContainsFinalizer(ing, v1alpha1.Finalizer) {
		out = append(out, request(model.GroupKey{Kind: model.KeyKindIngress, Namespace: ing.Namespace, Name: ing.Name}))
	}
	return unique(out)
}

// servingKey returns the group key of the LoadBalancer the Ingress's annotation names.
func (r *Reconciler) servingKey(ctx context.Context, ing *networkingv1.Ingress) (model.GroupKey, bool) {
	name := ing.Annotations[model.AnnotationLoadBalancer]
	if name == "" {
		return model.GroupKey{}, false
	}
	lb := &v1alpha1.LoadBalancer{}
	if err := r.Client.Get(ctx, client.ObjectKey{Name: name}, lb); err != nil {
		return model.GroupKey{}, false
	}
	return model.ParseGroupKey(lb.Annotations[index.AnnotationGroupKey])
}

func unique(reqs []reconcile.Request) []reconcile.Request {
	seen := map[reconcile.Request]bool{}
	out := reqs[:0]
	for _, r := range reqs {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// keysOfIngresses maps each Ingress of a list through keysOfIngress.
func (r *Reconciler) keysOfIngresses(ctx context.Context, list *networkingv1.IngressList) []reconcile.Request {
	var out []reconcile.Request
	for i := range list.Items {
		out = append(out, r.keysOfIngress(ctx, &list.Items[i])...)
	}
	return unique(out)
}

func (r *Reconciler) listIngresses(ctx context.Context, opts ...client.ListOption) []reconcile.Request {
	list := &networkingv1.IngressList{}
	if err := r.Client.List(ctx, list, opts...); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list Ingresses for an event")
		return nil
	}
	return r.keysOfIngresses(ctx, list)
}

// keysOfClass maps an IngressClass to the Ingresses that name it, and, when it is or was the
// default, to the Ingresses that name no class.
func (r *Reconciler) keysOfClass(ctx context.Context, o client.Object) []reconcile.Request {
	out := r.listIngresses(ctx, client.MatchingFields{index.IngressClass: o.GetName()})
	if ic, ok := o.(*networkingv1.IngressClass); ok && model.IsDefaultClass(ic) {
		out = append(out, r.listIngresses(ctx, client.MatchingFields{index.IngressClass: ""})...)
	}
	return out
}

// keysOfParams maps IngressClassParams to the Ingresses of the classes that name them.
func (r *Reconciler) keysOfParams(ctx context.Context, o client.Object) []reconcile.Request {
	classes := &networkingv1.IngressClassList{}
	if err := r.Client.List(ctx, classes, client.MatchingFields{index.ClassParams: o.GetName()}); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list IngressClasses for an event")
		return nil
	}
	var out []reconcile.Request
	for i := range classes.Items {
		out = append(out, r.keysOfClass(ctx, &classes.Items[i])...)
	}
	return out
}

// keysByIndex maps a namespaced object to the Ingresses that reference it by that index.
func (r *Reconciler) keysByIndex(name string) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []reconcile.Request {
		return r.listIngresses(ctx, client.MatchingFields{name: index.Key(o.GetNamespace(), o.GetName())})
	}
}

// keysOfNamespace maps a namespace whose labels changed to the keys of its grouped
// Ingresses: the labels may move a group between its namespace and a shared one, and
// keysOfIngress reconciles both the group an Ingress is in and the one that serves it.
func (r *Reconciler) keysOfNamespace(ctx context.Context, o client.Object) []reconcile.Request {
	list := &networkingv1.IngressList{}
	if err := r.Client.List(ctx, list, client.InNamespace(o.GetName())); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list Ingresses for a namespace event")
		return nil
	}
	grouped := &networkingv1.IngressList{}
	for _, ing := range list.Items {
		if ing.Annotations[model.AnnotationGroup] != "" {
			grouped.Items = append(grouped.Items, ing)
		}
	}
	return r.keysOfIngresses(ctx, grouped)
}

// keyOfLoadBalancer maps a LoadBalancer to the group key it was translated from.
func keyOfLoadBalancer(_ context.Context, o client.Object) []reconcile.Request {
	key, ok := model.ParseGroupKey(o.GetAnnotations()[index.AnnotationGroupKey])
	if !ok {
		return nil
	}
	return []reconcile.Request{request(key)}
}
