package loadbalancer

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/patch"
	"github.com/portico-dev/portico/providers"
)

// finalize deletes the load balancer's cloud resources and lets the object go only once
// nothing is left. While the provider fails, the finalizer stays and the status says why.
// A load balancer that was moving to another provider may hold resources in both, so both
// are cleaned.
func (r *Reconciler) finalize(ctx context.Context, lb *v1alpha1.LoadBalancer) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(lb, v1alpha1.Finalizer) {
		return ctrl.Result{}, nil
	}
	status := lb.Status.DeepCopy()
	for _, name := range holders(lb) {
		p, ok := r.Registry.Get(name)
		if !ok {
			setProgrammed(status, lb.Generation, metav1.ConditionFalse, v1alpha1.ReasonProviderNotEnabled, fmt.Sprintf(
				"cannot delete the cloud resources: provider %s is not enabled in this controller; enable it, or remove the finalizer %s after deleting them by hand",
				name, v1alpha1.Finalizer))
			return ctrl.Result{}, r.writeStatus(ctx, lb, status)
		}
		if err := p.Delete(ctx, providers.Ref{Name: lb.Name}); err != nil {
			setProgrammed(status, lb.Generation, metav1.ConditionFalse, v1alpha1.ReasonDeleteError,
				"deleting the cloud resources failed and is retried: "+err.Error())
			r.eventOn(lb, "Warning", v1alpha1.ReasonDeleteError, "Delete", "deleting the cloud resources in provider %s failed: %v", name, err)
			if werr := r.writeStatus(ctx, lb, status); werr != nil {
				return ctrl.Result{}, werr
			}
			return r.resultForDelete(err)
		}
	}
	r.invalid.forget(lb.Name)
	if n := len(lb.Status.Resources); n > 0 {
		r.eventOn(lb, "Normal", ReasonResourceDeleted, "Delete", "deleted %d cloud resources of provider %s", n, lb.Status.Provider)
	}
	change := patch.Locked(lb)
	controllerutil.RemoveFinalizer(lb, v1alpha1.Finalizer)
	if err := r.Client.Patch(ctx, lb, change); client.IgnoreNotFound(err) != nil {
		return ctrl.Result{}, fmt.Errorf("removing the finalizer: %w", err)
	}
	return ctrl.Result{}, nil
}

// holders lists the providers that may hold the load balancer's resources: the one that
// served it and the one it asks for.
func holders(lb *v1alpha1.LoadBalancer) []string {
	out := []string{lb.Spec.Provider}
	if p := lb.Status.Provider; p != "" && p != lb.Spec.Provider {
		out = append([]string{p}, out...)
	}
	return out
}

// resultForDelete retries every failed delete: nothing may leak, whatever the error.
func (r *Reconciler) resultForDelete(err error) (ctrl.Result, error) {
	if providers.IsQuota(err) || providers.IsInvalid(err) || providers.IsNotFound(err) {
		return ctrl.Result{RequeueAfter: retryAfter(err, r.slowRetry())}, nil
	}
	return ctrl.Result{}, err
}
