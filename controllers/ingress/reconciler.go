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
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/metrics"
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
	res := model.Translate(key, found.members, lookup, r.Config)
	if err := lookup.Err(); err != nil {
		return ctrl.Result{}, fmt.Errorf("reading the objects the group references: %w", err)
	}
	lb, err := r.applyLoadBalancer(ctx, key, res)
	if err != nil {
		return ctrl.Result{}, err
	}
	// Each Ingress is updated on its own: one that cannot be written (an admission policy
	// refuses it, say) never keeps the others from their status or their deletion.
	return ctrl.Result{}, errors.Join(
		r.syncMembers(ctx, found.members, res, lb),
		r.releaseStrays(ctx, found.strays),
		r.finishDeletions(ctx, found.deleting),
	)
}

func (r *Reconciler) syncMembers(ctx context.Context, members []*networkingv1.Ingress, res *model.Result, lb *v1alpha1.LoadBalancer) error {
	accepted := map[string]bool{}
	for _, id := range res.Accepted() {
		accepted[id.String()] = true
	}
	var errs []error
	for _, ing := range members {
		id := ing.Namespace + "/" + ing.Name
		if err := r.syncMember(ctx, ing, accepted[id], res, lb); err != nil {
			errs = append(errs, fmt.Errorf("updating Ingress %s: %w", id, err))
		}
	}
	return errors.Join(errs...)
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
