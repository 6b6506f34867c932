package ingress

import (
	"context"
	"errors"
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
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
	// deleting are Ingresses of the key, or no longer portico's, that are being deleted and
	// still carry the finalizer.
	deleting []*networkingv1.Ingress
	// strays carry the finalizer but are no longer portico's.
	strays []*networkingv1.Ingress
}

// findIngresses lists the Ingresses that may belong to the key, through the indexes: the one
// Ingress of an Ingress key, or the Ingresses annotated with the group's name.
func (r *Reconciler) findIngresses(ctx context.Context, key model.GroupKey, l model.Lookup) (*found, error) {
	var candidates []*networkingv1.Ingress
	if key.Kind == model.KeyKindIngress {
		ing := &networkingv1.Ingress{}
		err := r.Client.Get(ctx, client.ObjectKey{Namespace: key.Namespace, Name: key.Name}, ing)
		if err != nil && !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("reading Ingress %s/%s: %w", key.Namespace, key.Name, err)
		}
		if err == nil {
			candidates = append(candidates, ing)
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
		for i := range list.Items {
			candidates = append(candidates, &list.Items[i])
		}
	}
	return sortIngresses(key, candidates, l), nil
}

func sortIngresses(key model.GroupKey, candidates []*networkingv1.Ingress, l model.Lookup) *found {
	f := &found{}
	for _, ing := range candidates {
		class, ours := model.ClassOf(ing, l)
		hasFinalizer := controllerutil.ContainsFinalizer(ing, v1alpha1.Finalizer)
		switch {
		case !ours:
			if hasFinalizer && ing.DeletionTimestamp != nil {
				f.deleting = append(f.deleting, ing)
			} else if hasFinalizer {
				f.strays = append(f.strays, ing)
			}
		case model.KeyOf(ing, class, l) != key:
			// Another key owns it now; that key's reconcile takes care of it.
		case ing.DeletionTimestamp != nil:
			if hasFinalizer {
				f.deleting = append(f.deleting, ing)
			}
		default:
			f.members = append(f.members, ing)
		}
	}
	return f
}

// applyLoadBalancer creates, updates or deletes the key's LoadBalancer so that it matches
// the translation, writing nothing when it already does. It returns the LoadBalancer, or nil
// when the group has no served member.
func (r *Reconciler) applyLoadBalancer(ctx context.Context, key model.GroupKey, res *model.Result) (*v1alpha1.LoadBalancer, error) {
	existing := &v1alpha1.LoadBalancer{}
	err := r.Client.Get(ctx, client.ObjectKey{Name: res.Name}, existing)
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("reading LoadBalancer %s: %w", res.Name, err)
	}
	exists := err == nil
	if len(res.Accepted()) == 0 {
		if exists && existing.DeletionTimestamp == nil {
			if err := r.Client.Delete(ctx, existing); client.IgnoreNotFound(err) != nil {
				return nil, fmt.Errorf("deleting LoadBalancer %s: %w", res.Name, err)
			}
		}
		return nil, nil
	}
	if !exists {
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

// releaseStrays lets go of Ingresses that carry the finalizer but are no longer portico's:
// their class changed to another controller's, or to one that does not exist.
func (r *Reconciler) releaseStrays(ctx context.Context, strays []*networkingv1.Ingress) error {
	var errs []error
	for _, ing := range strays {
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
