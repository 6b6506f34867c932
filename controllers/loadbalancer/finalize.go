package loadbalancer

import (
	"context"
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/patch"
	"github.com/portico-dev/portico/providers"
)

// finalize deletes the load balancer's cloud resources and lets the object go only once
// nothing is left. While the provider fails, the finalizer stays and the status says why.
// A load balancer that was moving to another provider or location may hold resources in
// both places, so both are cleaned.
func (r *Reconciler) finalize(ctx context.Context, lb *v1alpha1.LoadBalancer) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(lb, v1alpha1.Finalizer) {
		return ctrl.Result{}, nil
	}
	status := lb.Status.DeepCopy()
	params, err := r.paramsOf(ctx, lb)
	if err != nil {
		return ctrl.Result{}, err
	}
	for _, h := range r.holders(lb, params) {
		p, ok := r.Registry.Get(h.provider)
		if !ok {
			setProgrammed(status, lb.Generation, providers.Invalid(v1alpha1.ReasonProviderNotEnabled, nil,
				"cannot delete the cloud resources: provider %s is not enabled in this controller; enable it, or remove the finalizer %s after deleting them by hand",
				h.provider, v1alpha1.Finalizer), "")
			return ctrl.Result{}, r.writeStatus(ctx, lb, status)
		}
		if err := p.Delete(ctx, h.ref); err != nil {
			setProgrammed(status, lb.Generation, providers.Retryable(v1alpha1.ReasonDeleteError, err, "deleting the cloud resources failed"), "retried")
			r.deleteEventOn(lb, "Warning", v1alpha1.ReasonDeleteError, "deleting the cloud resources in provider %s, location %s failed: %v", h.provider, h.ref.Location, err)
			if werr := r.writeStatus(ctx, lb, status); werr != nil {
				return ctrl.Result{}, werr
			}
			return r.resultForDelete(lb.Name, err)
		}
	}
	r.slow.reset(lb.Name)
	r.told.forget(lb.Name)
	if r.Health != nil {
		r.Health.Forget(lb.Name)
	}
	if n := len(lb.Status.Resources); n > 0 {
		r.deleteEventOn(lb, "Normal", ReasonResourceDeleted, "deleted %d cloud resources of provider %s", n, lb.Status.Provider)
	}
	change := patch.Locked(lb)
	controllerutil.RemoveFinalizer(lb, v1alpha1.Finalizer)
	if err := r.Client.Patch(ctx, lb, change); client.IgnoreNotFound(err) != nil {
		return ctrl.Result{}, fmt.Errorf("removing the finalizer: %w", err)
	}
	return ctrl.Result{}, nil
}

// holder is a provider and a location that may hold resources of the load balancer.
type holder struct {
	provider string
	ref      providers.Ref
}

// holders lists where the load balancer may have resources: where the status says it lives,
// and where it was moving to (spec.provider, in the location its parameters give).
func (r *Reconciler) holders(lb *v1alpha1.LoadBalancer, params classParams) []holder {
	var out []holder
	add := func(provider, location string) {
		h := holder{provider, providers.Ref{Name: lb.Name, Location: location}}
		for _, seen := range out {
			if seen == h {
				return
			}
		}
		out = append(out, h)
	}
	from := lb.Status.Provider
	if from == "" {
		from = lb.Spec.Provider
	}
	switch {
	case lb.Status.Location != "":
		add(from, lb.Status.Location)
	case from != lb.Spec.Provider:
		add(from, r.locationIn(from, params))
	}
	if !params.missing || lb.Status.Location == "" {
		add(lb.Spec.Provider, r.locationIn(lb.Spec.Provider, params))
	}
	return out
}

// resultForDelete retries every failed delete: nothing may leak, whatever the error. What
// only a person can fix is retried slowly.
func (r *Reconciler) resultForDelete(lb string, err error) (ctrl.Result, error) {
	if providers.IsInvalid(err) || waitsOnAPerson(err) {
		return ctrl.Result{RequeueAfter: r.slowDelay(lb, err)}, nil
	}
	return ctrl.Result{}, err
}
