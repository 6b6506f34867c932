package ingress

import (
	"context"
	"errors"
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/index"
	"github.com/portico-dev/portico/internal/patch"
	"github.com/portico-dev/portico/model"
)

// found sorts the Ingresses that a group key's reconcile must look at.
type found struct {
	// members are portico's live Ingresses of the key.
	members []*networkingv1.Ingress
	// held are Ingresses the key's load balancer serves and keeps serving as they were:
	// their class is missing, or they move to another load balancer.
	held []model.Hold
	// deleting are Ingresses of the key, or no longer portico's, that are being deleted and
	// still carry the finalizer.
	deleting []*networkingv1.Ingress
	// strays carry the finalizer but left portico's class.
	strays []*networkingv1.Ingress
}

// findIngresses lists the Ingresses that may belong to the key, through the indexes: the one
// Ingress of an Ingress key, or the Ingresses annotated with the group's name; and every
// Ingress the key's load balancer serves now.
func (r *Reconciler) findIngresses(ctx context.Context, key model.GroupKey, l model.Lookup) (*found, error) {
	candidates := map[types.UID]*networkingv1.Ingress{}
	add := func(list *networkingv1.IngressList) {
		for i := range list.Items {
			candidates[list.Items[i].UID] = &list.Items[i]
		}
	}
	if key.Kind == model.KeyKindIngress {
		ing := &networkingv1.Ingress{}
		err := r.Client.Get(ctx, client.ObjectKey{Namespace: key.Namespace, Name: key.Name}, ing)
		if err != nil && !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("reading Ingress %s/%s: %w", key.Namespace, key.Name, err)
		}
		if err == nil {
			candidates[ing.UID] = ing
		}
	} else {
		list := &networkingv1.IngressList{}
		opts := []client.ListOption{client.MatchingFields{index.IngressGroup: key.Name}}
		if !key.Shared() {
			opts = append(opts, client.InNamespace(key.Namespace))
		}
		if err := r.Client.List(ctx, list, opts...); err != nil {
			return nil, fmt.Errorf("listing the Ingresses of group %s: %w", key.Name, err)
		}
		add(list)
	}
	served := &networkingv1.IngressList{}
	if err := r.Client.List(ctx, served, client.MatchingFields{index.IngressLoadBalancer: key.LoadBalancerName()}); err != nil {
		return nil, fmt.Errorf("listing the Ingresses LoadBalancer %s serves: %w", key.LoadBalancerName(), err)
	}
	add(served)
	f := &found{}
	for _, ing := range candidates {
		f.sort(key, ing, l)
	}
	return f, nil
}

// sort files one candidate.
func (f *found) sort(key model.GroupKey, ing *networkingv1.Ingress, l model.Lookup) {
	hasFinalizer := controllerutil.ContainsFinalizer(ing, v1alpha1.Finalizer)
	if ing.DeletionTimestamp != nil {
		if hasFinalizer && deletedHere(ing, key, l) {
			f.deleting = append(f.deleting, ing)
		}
		return
	}
	switch placement, hold := model.Place(ing, key, l); placement {
	case model.PlaceMember:
		f.members = append(f.members, ing)
	case model.PlaceHold:
		f.held = append(f.held, hold)
	case model.PlaceRelease:
		if hasFinalizer || ing.Annotations[model.AnnotationLoadBalancer] != "" {
			f.strays = append(f.strays, ing)
		}
	}
}

// deletedHere reports whether this key finishes the deletion of an Ingress: the load balancer
// that serves it, or, when none does, the key it belongs to.
func deletedHere(ing *networkingv1.Ingress, key model.GroupKey, l model.Lookup) bool {
	if served := ing.Annotations[model.AnnotationLoadBalancer]; served != "" {
		return served == key.LoadBalancerName()
	}
	class, ours := model.ClassOf(ing, l)
	return !ours || model.KeyOf(ing, class, l) == key
}

// currentLoadBalancer reads the key's LoadBalancer, or nil when there is none.
func (r *Reconciler) currentLoadBalancer(ctx context.Context, name string) (*v1alpha1.LoadBalancer, error) {
	lb := &v1alpha1.LoadBalancer{}
	err := r.Client.Get(ctx, client.ObjectKey{Name: name}, lb)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading LoadBalancer %s: %w", name, err)
	}
	return lb, nil
}

// applyLoadBalancer creates, updates or deletes the key's LoadBalancer so that it matches
// the translation, writing nothing when it already does. It returns the LoadBalancer, or nil
// when the group has no served member or its LoadBalancer is still being deleted: a
// LoadBalancer on its way out is never adopted (kubectl replace --force re-creates an
// Ingress of the same name at once), so a new one is made once the old one is gone.
func (r *Reconciler) applyLoadBalancer(ctx context.Context, key model.GroupKey, existing *v1alpha1.LoadBalancer, res *model.Result) (*v1alpha1.LoadBalancer, error) {
	if existing != nil && existing.DeletionTimestamp != nil {
		return nil, nil
	}
	if len(res.Accepted()) == 0 {
		if existing != nil {
			if err := r.Client.Delete(ctx, existing); client.IgnoreNotFound(err) != nil {
				return nil, fmt.Errorf("deleting LoadBalancer %s: %w", res.Name, err)
			}
		}
		return nil, nil
	}
	if existing == nil {
		lb := &v1alpha1.LoadBalancer{Spec: res.Spec}
		lb.Name = res.Name
		lb.Annotations = map[string]string{index.AnnotationGroupKey: key.String()}
		if err := r.Client.Create(ctx, lb); err != nil {
			return nil, fmt.Errorf("creating LoadBalancer %s: %w", res.Name, err)
		}
		return lb, nil
	}
	if specEqual(existing.Spec, res.Spec) && existing.Annotations[index.AnnotationGroupKey] == key.String() {
		return existing, nil
	}
	change := client.MergeFrom(existing.DeepCopy())
	existing.Spec = res.Spec
	if existing.Annotations == nil {
		existing.Annotations = map[string]string{}
	}
	existing.Annotations[index.AnnotationGroupKey] = key.String()
	if err := r.Client.Patch(ctx, existing, change); err != nil {
		return nil, fmt.Errorf("updating LoadBalancer %s: %w", res.Name, err)
	}
	return existing, nil
}

// syncMemberStatus writes the LoadBalancer's status.members: each member not served as it
// is written, and why. Only this field is patched; the loadbalancer controller owns the rest.
func (r *Reconciler) syncMemberStatus(ctx context.Context, lb *v1alpha1.LoadBalancer, res *model.Result) error {
	if lb == nil {
		return nil
	}
	want := res.MemberStatuses()
	if equalMemberStatuses(lb.Status.Members, want) {
		return nil
	}
	change := client.MergeFrom(lb.DeepCopy())
	lb.Status.Members = want
	if err := r.Client.Status().Patch(ctx, lb, change); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("writing the member status of LoadBalancer %s: %w", lb.Name, err)
	}
	return nil
}

func equalMemberStatuses(a, b []v1alpha1.MemberStatus) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// releaseStrays lets go of Ingresses that carry the finalizer but left portico's class for
// another controller's. When one was served, it is told first that its load balancer and
// address are released (if no other Ingress uses them).
func (r *Reconciler) releaseStrays(ctx context.Context, strays []*networkingv1.Ingress) error {
	var errs []error
	for _, ing := range strays {
		if lb := ing.Annotations[model.AnnotationLoadBalancer]; lb != "" {
			r.event(ing, "Warning", ReasonAddressReleasing, "Release "+lb,
				"the Ingress left portico's class; LoadBalancer %s stops serving it and, if no other Ingress uses it, is deleted with its address %s",
				lb, firstAddress(ing.Status.LoadBalancer))
		}
		errs = append(errs, r.release(ctx, ing))
	}
	return errors.Join(errs...)
}

// release removes portico's finalizer and annotation from an Ingress, and the address portico
// wrote into its status (only when the annotation says portico served it, so that the status
// another controller wrote is never touched).
func (r *Reconciler) release(ctx context.Context, ing *networkingv1.Ingress) error {
	if ing.Annotations[model.AnnotationLoadBalancer] != "" && len(ing.Status.LoadBalancer.Ingress) > 0 {
		change := client.MergeFrom(ing.DeepCopy())
		ing.Status.LoadBalancer = networkingv1.IngressLoadBalancerStatus{}
		if err := r.Client.Status().Patch(ctx, ing, change); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("clearing the status of Ingress %s/%s: %w", ing.Namespace, ing.Name, err)
		}
	}
	change := patch.Locked(ing)
	controllerutil.RemoveFinalizer(ing, v1alpha1.Finalizer)
	delete(ing.Annotations, model.AnnotationLoadBalancer)
	if err := r.Client.Patch(ctx, ing, change); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("releasing Ingress %s/%s: %w", ing.Namespace, ing.Name, err)
	}
	r.memory.forget(ing.UID)
	return nil
}

// finishDeletions removes the finalizer from deleted Ingresses once the LoadBalancer no
// longer serves them, which applyLoadBalancer has just made true.
func (r *Reconciler) finishDeletions(ctx context.Context, deleting []*networkingv1.Ingress) error {
	var errs []error
	for _, ing := range deleting {
		change := patch.Locked(ing)
		controllerutil.RemoveFinalizer(ing, v1alpha1.Finalizer)
		if err := r.Client.Patch(ctx, ing, change); client.IgnoreNotFound(err) != nil {
			errs = append(errs, fmt.Errorf("removing the finalizer of Ingress %s/%s: %w", ing.Namespace, ing.Name, err))
			continue
		}
		r.memory.forget(ing.UID)
	}
	return errors.Join(errs...)
}
