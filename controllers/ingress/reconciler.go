// Package ingress reconciles one load-balancer group at a time: it translates the group's
// Ingresses with the model into a LoadBalancer, copies the LoadBalancer's address back into
// each member's status, and tells each member what happened through Events.
package ingress

import (
	"context"
	"errors"
	"fmt"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/metrics"
	"github.com/portico-dev/portico/controllers/notice"
	"github.com/portico-dev/portico/model"
)

// Reconciler reconciles the Ingresses of one group key, carried in the request's Name.
type Reconciler struct {
	// Client reads from the cache and writes to the API server.
	Client client.Client
	// APIReader reads from the API server directly, for the rare reads the cache cannot serve.
	APIReader client.Reader
	// Recorder emits Events on Ingresses.
	Recorder events.EventRecorder
	// Config tells the model which providers run.
	Config model.Config
	// EventRefresh is how often a standing problem is told again, so that it stays in
	// `kubectl describe ingress` although Events expire (after one hour by default);
	// default DefaultEventRefresh.
	EventRefresh time.Duration
	// Clock tells the time; default the real clock.
	Clock clock.PassiveClock
	// Notices keeps each standing problem as one Event on its Ingress; SetupWithManager
	// makes it when nil.
	Notices *notice.Board

	memory *memory
}

// +kubebuilder:rbac:groups=networking.k8s.io,resources=ingresses,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=networking.k8s.io,resources=ingresses/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=networking.k8s.io,resources=ingressclasses,verbs=get;list;watch
// +kubebuilder:rbac:groups=portico.dev,resources=ingressclassparams,verbs=get;list;watch
// +kubebuilder:rbac:groups=portico.dev,resources=loadbalancers,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups="",resources=services;namespaces,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=list

// DefaultEventRefresh tells a standing problem again every 30 minutes, well within the API
// server's default Event lifetime of one hour.
const DefaultEventRefresh = 30 * time.Minute

// Reconcile translates the group and brings its LoadBalancer and members up to date.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (_ ctrl.Result, err error) {
	start := time.Now()
	defer func() { metrics.ObserveReconcile("ingress", start, err != nil, errorReason(err)) }()
	key, ok := model.ParseGroupKey(req.Name)
	if !ok {
		log.FromContext(ctx).Info("Ignored a request that is not a group key", "key", req.Name)
		return ctrl.Result{}, nil
	}
	ctx = log.IntoContext(ctx, log.FromContext(ctx).WithValues("group", key.String(), "loadbalancer", key.LoadBalancerName()))
	lookup := newLookup(ctx, r.Client, r.APIReader)
	found, err := r.findIngresses(ctx, key, lookup)
	if err != nil {
		return ctrl.Result{}, err
	}
	existing, err := r.currentLoadBalancer(ctx, key.LoadBalancerName())
	if err != nil {
		return ctrl.Result{}, err
	}
	res := model.TranslateGroup(model.Group{
		Key: key, Ingresses: found.members, Held: found.held, Previous: previousSpec(existing),
	}, lookup, r.Config)
	if err := lookup.Err(); err != nil {
		return ctrl.Result{}, fmt.Errorf("reading the objects the group references: %w", err)
	}
	lb, err := r.applyLoadBalancer(ctx, key, existing, res)
	if err != nil {
		return ctrl.Result{}, err
	}
	// Each Ingress is updated on its own: one that cannot be written (an admission policy
	// refuses it, say) never keeps the others from their status or their deletion.
	refresh, syncErr := r.syncMembers(ctx, found, res, lb)
	return ctrl.Result{RequeueAfter: refresh}, errors.Join(
		syncErr,
		r.syncMemberStatus(ctx, lb, res),
		r.releaseStrays(ctx, found.strays),
		r.finishDeletions(ctx, found.deleting),
	)
}

// previousSpec is the spec frozen members are served from: the live LoadBalancer's, never
// one that is being deleted.
func previousSpec(lb *v1alpha1.LoadBalancer) *v1alpha1.LoadBalancerSpec {
	if lb == nil || lb.DeletionTimestamp != nil {
		return nil
	}
	return &lb.Spec
}

// syncMembers brings every member up to date and returns when the soonest standing problem
// must be told again (zero when none stands).
func (r *Reconciler) syncMembers(ctx context.Context, f *found, res *model.Result, lb *v1alpha1.LoadBalancer) (time.Duration, error) {
	byID := map[types.NamespacedName]*networkingv1.Ingress{}
	for _, ing := range f.members {
		byID[types.NamespacedName{Namespace: ing.Namespace, Name: ing.Name}] = ing
	}
	for _, h := range f.held {
		byID[types.NamespacedName{Namespace: h.Ingress.Namespace, Name: h.Ingress.Name}] = h.Ingress
	}
	var errs []error
	var refresh time.Duration
	for _, m := range res.Members {
		ing := byID[m.Ingress]
		if ing == nil {
			continue
		}
		next, err := r.syncMember(ctx, ing, m, res, lb)
		if err != nil {
			errs = append(errs, fmt.Errorf("updating Ingress %s: %w", m.Ingress, err))
		}
		if next > 0 && (refresh == 0 || next < refresh) {
			refresh = next
		}
	}
	return refresh, errors.Join(errs...)
}

// errorReason names a failed reconcile for the metrics.
func errorReason(err error) string {
	switch {
	case err == nil:
		return ""
	case apierrors.IsConflict(err):
		return "Conflict"
	case apierrors.IsForbidden(err) || apierrors.IsInvalid(err):
		return "WriteRefused"
	}
	return "Error"
}
