// Package loadbalancer reconciles one LoadBalancer at a time: it resolves the targets and
// certificates its spec needs, asks the provider to make the cloud match, and reports the
// address, the conditions and every cloud resource in the status.
package loadbalancer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/metrics"
	"github.com/portico-dev/portico/internal/patch"
	"github.com/portico-dev/portico/providers"
)

// DefaultSlowRetry is how long to wait before trying again when waiting on a person, not on
// a passing fault: a quota, or a cloud resource that does not exist yet.
const DefaultSlowRetry = time.Minute

// Reconciler reconciles LoadBalancers.
type Reconciler struct {
	Client   client.Client
	Registry *providers.Registry
	Recorder events.EventRecorder
	// SlowRetry is the wait after a quota or not-found error; default DefaultSlowRetry.
	SlowRetry time.Duration

	invalid invalidInputs
}

// +kubebuilder:rbac:groups=portico.dev,resources=loadbalancers,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=portico.dev,resources=loadbalancers/status;loadbalancers/finalizers,verbs=get;update;patch
// +kubebuilder:rbac:groups="",resources=services;nodes,verbs=get;list;watch
// +kubebuilder:rbac:groups=discovery.k8s.io,resources=endpointslices,verbs=get;list;watch

// Reconcile makes the provider match one LoadBalancer and reports what it did.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	start := time.Now()
	lb := &v1alpha1.LoadBalancer{}
	if err := r.Client.Get(ctx, req.NamespacedName, lb); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	log := log.FromContext(ctx).WithValues("loadbalancer", lb.Name, "provider", lb.Spec.Provider)
	ctx = ctrl.LoggerInto(ctx, log)
	defer func() {
		metrics.ObserveReconcile("loadbalancer", start, err != nil, providers.ReasonOf(err))
	}()
	if !lb.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, lb)
	}
	if !controllerutil.ContainsFinalizer(lb, v1alpha1.Finalizer) {
		change := patch.Locked(lb)
		controllerutil.AddFinalizer(lb, v1alpha1.Finalizer)
		if err := r.Client.Patch(ctx, lb, change); err != nil {
			return ctrl.Result{}, fmt.Errorf("adding the finalizer: %w", err)
		}
	}
	return r.ensure(ctx, lb)
}

// ensure calls the provider and writes the status.
func (r *Reconciler) ensure(ctx context.Context, lb *v1alpha1.LoadBalancer) (ctrl.Result, error) {
	status := lb.Status.DeepCopy()
	provider, ok := r.Registry.Get(lb.Spec.Provider)
	if !ok {
		setNotAccepted(status, lb.Generation, lb.Spec.Provider, r.Registry.Names())
		return ctrl.Result{}, r.writeStatus(ctx, lb, status)
	}
	want, err := r.desiredOf(ctx, lb)
	if err != nil {
		return ctrl.Result{}, err
	}
	fingerprint := fingerprintOf(want)
	if r.invalid.same(lb.Name, fingerprint) {
		// The provider refused exactly this input; retrying it cannot help.
		return ctrl.Result{}, nil
	}
	observed, ensureErr := provider.Ensure(ctx, want)
	r.invalid.record(lb.Name, fingerprint, providers.IsInvalid(ensureErr))
	if ensureErr == nil {
		ensureErr = r.leaveOldProvider(ctx, lb, status)
	}
	if status.Provider == "" {
		status.Provider = lb.Spec.Provider
	}
	r.announce(ctx, lb, observed)
	computeStatus(status, lb, observed, want, ensureErr, r.slowRetry())
	if ensureErr == nil {
		status.Provider = lb.Spec.Provider
	}
	r.announceTransition(ctx, lb, &lb.Status, status)
	if err := r.writeStatus(ctx, lb, status); err != nil {
		return ctrl.Result{}, err
	}
	return r.resultFor(ctx, ensureErr)
}

// leaveOldProvider deletes the load balancer from the provider it used before spec.provider
// changed, once the new provider serves it: create before delete.
func (r *Reconciler) leaveOldProvider(ctx context.Context, lb *v1alpha1.LoadBalancer, status *v1alpha1.LoadBalancerStatus) error {
	old := status.Provider
	if old == "" || old == lb.Spec.Provider {
		return nil
	}
	p, ok := r.Registry.Get(old)
	if !ok {
		return providers.Invalid(v1alpha1.ReasonProviderNotEnabled, nil,
			"the load balancer moved from provider %s, which this controller does not run, so its resources there cannot be deleted; enable %s or delete them by hand", old, old)
	}
	if err := p.Delete(ctx, providers.Ref{Name: lb.Name}); err != nil {
		return fmt.Errorf("deleting the load balancer from its former provider %s: %w", old, err)
	}
	r.eventOn(lb, "Normal", ReasonProviderChanged, "Delete", "moved from provider %s to %s; its resources in %s are deleted", old, lb.Spec.Provider, old)
	return nil
}

// writeStatus writes the status when it differs from the stored one.
func (r *Reconciler) writeStatus(ctx context.Context, lb *v1alpha1.LoadBalancer, status *v1alpha1.LoadBalancerStatus) error {
	if equality.Semantic.DeepEqual(&lb.Status, status) {
		return nil
	}
	change := client.MergeFrom(lb.DeepCopy())
	lb.Status = *status
	if err := r.Client.Status().Patch(ctx, lb, change); err != nil {
		return fmt.Errorf("writing the status: %w", err)
	}
	return nil
}

// resultFor turns a provider error into a retry policy: backoff for passing faults, a slow
// retry for quota and missing cloud resources, and none for invalid input, which waits for
// the spec to change.
func (r *Reconciler) resultFor(ctx context.Context, err error) (ctrl.Result, error) {
	switch {
	case err == nil:
		return ctrl.Result{}, nil
	case providers.IsInvalid(err):
		log.FromContext(ctx).Info("Waiting for the input to change", "reason", providers.ReasonOf(err), "error", err.Error())
		return ctrl.Result{}, nil
	case providers.IsQuota(err), providers.IsNotFound(err):
		return ctrl.Result{RequeueAfter: retryAfter(err, r.slowRetry())}, nil
	}
	return ctrl.Result{}, err
}

func (r *Reconciler) slowRetry() time.Duration {
	if r.SlowRetry > 0 {
		return r.SlowRetry
	}
	return DefaultSlowRetry
}

func retryAfter(err error, fallback time.Duration) time.Duration {
	var e *providers.Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		return e.RetryAfter
	}
	return fallback
}
