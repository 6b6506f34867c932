// Package loadbalancer reconciles one LoadBalancer at a time: it resolves the targets and
// certificates its spec needs, asks the provider to make the cloud match, and reports the
// address, the conditions and every cloud resource in the status.
package loadbalancer

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/cluster"
	"github.com/portico-dev/portico/controllers/metrics"
	"github.com/portico-dev/portico/controllers/notice"
	"github.com/portico-dev/portico/controllers/publish"
	"github.com/portico-dev/portico/controllers/readiness"
	"github.com/portico-dev/portico/internal/patch"
	"github.com/portico-dev/portico/providers"
)

// Reconciler reconciles LoadBalancers.
type Reconciler struct {
	// Client reads through the manager's cache and writes to the API server.
	Client client.Client
	// APIReader reads the private keys of TLS Secrets, which the cache does not hold; nil
	// reads them through Client.
	APIReader client.Reader
	Registry  *providers.Registry
	Recorder  events.EventRecorder
	// Locations records every location a provider creates resources in, for the orphan
	// sweep; nil keeps them in memory.
	Locations cluster.Locations
	// SlowRetry is the first wait after an error a person must fix outside Kubernetes
	// (conflict, quota, not found); it doubles up to MaxSlowRetry. Defaults
	// DefaultSlowRetry and DefaultMaxSlowRetry.
	SlowRetry, MaxSlowRetry time.Duration
	// Publish is the data plane's address of a Shared provider (nginx); a change of its
	// Service re-reconciles their LoadBalancers. Nil watches none.
	Publish *publish.Source
	// Rand returns a number in [0, 1) for the jitter of slow retries; default math/rand.
	Rand func() float64
	// Health records the health each pass finds, for the pod readiness gate; nil records
	// nothing.
	Health *readiness.Store
	// Notices keeps unhealthy targets visible as standing Events on the LoadBalancer.
	Notices *notice.Board
	// Clock tells the time of the notices' refresh; default the real clock.
	Clock clock.PassiveClock
	// HealthPoll is how soon a load balancer is checked again while the gate holds a pod
	// of it or a target is unhealthy; default DefaultHealthPoll.
	HealthPoll time.Duration
	// HealthResync is how often a load balancer whose provider reports health is passed
	// over without news; default DefaultHealthResync.
	HealthResync time.Duration
	// EventRefresh is how often a standing notice is renewed; default DefaultEventRefresh.
	EventRefresh time.Duration

	slow     slowRetries
	told     toldNotices
	initOnce sync.Once
}

// +kubebuilder:rbac:groups=portico.dev,resources=loadbalancers,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=portico.dev,resources=loadbalancers/status;loadbalancers/finalizers,verbs=get;update;patch
// +kubebuilder:rbac:groups=portico.dev,resources=ingressclassparams,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=services;nodes;namespaces;secrets,verbs=get;list;watch
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

// ensure calls the provider where the load balancer belongs, finishes a move, and writes
// the status once.
func (r *Reconciler) ensure(ctx context.Context, lb *v1alpha1.LoadBalancer) (ctrl.Result, error) {
	status := lb.Status.DeepCopy()
	provider, ok := r.Registry.Get(lb.Spec.Provider)
	if !ok {
		r.setNotEnabled(status, lb)
		return ctrl.Result{}, r.writeStatus(ctx, lb, status)
	}
	params, err := r.paramsOf(ctx, lb)
	if err != nil {
		return ctrl.Result{}, err
	}
	place := r.placeOf(lb, provider, params)
	if err := r.recordPlace(ctx, lb, place); err != nil {
		return ctrl.Result{}, err
	}
	want, targets, err := r.desiredOf(ctx, lb, params, place.to)
	if err != nil {
		return ctrl.Result{}, err
	}
	_, shared := provider.(providers.Shared)
	if shared {
		if want.Refused, err = r.refusedClaims(ctx, lb); err != nil {
			return ctrl.Result{}, err
		}
	}
	observed, ensureErr := provider.Ensure(ctx, want)
	if ensureErr == nil {
		ensureErr = r.leave(ctx, lb, place)
	}
	health := healthOf(want, observed, ensureErr)
	r.recordHealth(lb.Name, health, targets)
	sick := unhealthyBackends(want, health, targets.held)
	r.announce(ctx, lb, observed)
	r.computeStatus(status, lb, place, observed, want, ensureErr)
	hint := hintOf(provider)
	setHealthy(status, lb.Generation, sick, hint)
	if shared {
		setClaimed(status, lb.Generation, want.Refused)
		r.announceRefused(lb, &lb.Status, status)
	}
	r.announceTransition(ctx, lb, &lb.Status, status)
	r.tellHealth(ctx, lb, sick, hint)
	if err := r.writeStatus(ctx, lb, status); err != nil {
		return ctrl.Result{}, err
	}
	res, err := r.resultFor(ctx, lb.Name, ensureErr)
	if err != nil {
		return res, err
	}
	res = r.healthPoll(res, observed != nil && hasTargets(observed.Health), health, targets, sick)
	return r.pendingPoll(res, observed), nil
}

// setNotEnabled reports a provider that this controller does not run.
func (r *Reconciler) setNotEnabled(status *v1alpha1.LoadBalancerStatus, lb *v1alpha1.LoadBalancer) {
	gen := lb.Generation
	setAccepted(status, gen, lb.Spec.Provider, r.Registry.Names())
	setProgrammed(status, gen, providers.Invalid(v1alpha1.ReasonProviderNotEnabled, nil, "%s", notEnabled(lb.Spec.Provider, r.Registry.Names())), "")
	setReady(status, gen, nil)
	status.ObservedGeneration = gen
}

// writeStatus writes the status when it differs from the stored one. The merge patch holds
// only the fields that changed from the stored copy the status was computed from, so a field
// this controller does not compute (status.members, written by the ingress controller) is
// never cleared. It carries that copy's resourceVersion: a copy older than the stored status
// (a cache that has not seen the last write yet) would patch only what differs from itself
// and leave the last write's fields behind, such as a backend still listed as unready next
// to Ready=True; the API server refuses it as a conflict and the next pass reads again.
func (r *Reconciler) writeStatus(ctx context.Context, lb *v1alpha1.LoadBalancer, status *v1alpha1.LoadBalancerStatus) error {
	if equality.Semantic.DeepEqual(&lb.Status, status) {
		return nil
	}
	change := client.MergeFromWithOptions(lb.DeepCopy(), client.MergeFromWithOptimisticLock{})
	lb.Status = *status
	if err := r.Client.Status().Patch(ctx, lb, change); err != nil {
		return fmt.Errorf("writing the status: %w", err)
	}
	return nil
}

func (r *Reconciler) locations() cluster.Locations {
	r.initOnce.Do(func() {
		if r.Locations == nil {
			r.Locations = &cluster.MemoryLocations{}
		}
	})
	return r.Locations
}
