package loadbalancer

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// Serving hands every LoadBalancer of a Shared provider (nginx) to it on every replica, not
// only on the leader: each replica of the data plane renders and serves, so a rollout or a
// lost replica drops no traffic. It writes nothing to the API server; the leader's
// Reconciler writes the status (its Ensure of a state already handed over loads nothing).
type Serving struct {
	*Reconciler
}

// SetupServing registers the serving controller (no leader election) and a runnable that,
// once the caches have synced, stages every shared LoadBalancer and lets the providers load:
// a restarted replica never serves a partial set. It does nothing without a Shared provider.
func (r *Reconciler) SetupServing(mgr ctrl.Manager, opts controller.Options) error {
	if len(r.sharedProviders()) == 0 {
		return nil
	}
	opts.NeedLeaderElection = ptr.To(false)
	s := Serving{r}
	b := ctrl.NewControllerManagedBy(mgr).
		Named("loadbalancer-serving").
		WithOptions(opts).
		For(&v1alpha1.LoadBalancer{}, builder.WithPredicates(specOrResync{}))
	if err := r.watchInputs(b).Complete(s); err != nil {
		return err
	}
	return mgr.Add(&primer{s: s, cache: mgr.GetCache()})
}

// Reconcile serves the LoadBalancer if a Shared provider runs it, and stops serving it
// otherwise (deleted, being deleted, or moved to another provider).
func (s Serving) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	lb := &v1alpha1.LoadBalancer{}
	err := s.Client.Get(ctx, req.NamespacedName, lb)
	if apierrors.IsNotFound(err) {
		return ctrl.Result{}, s.unserve(ctx, req.Name, "")
	}
	if err != nil {
		return ctrl.Result{}, err
	}
	provider, ok := s.sharedProvider(lb.Spec.Provider)
	if !ok || !lb.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, s.unserve(ctx, lb.Name, "")
	}
	if err := s.unserve(ctx, lb.Name, provider.Name()); err != nil {
		return ctrl.Result{}, err
	}
	want, err := s.sharedDesired(ctx, lb, provider)
	if err != nil {
		return ctrl.Result{}, err
	}
	// An invalid state is the leader's to report in the status; retrying it changes nothing.
	if err := provider.Serve(ctx, want); err != nil && !providers.IsInvalid(err) {
		return ctrl.Result{}, err
	}
	return ctrl.Result{}, nil
}

// unserve removes the load balancer from every Shared provider but keep.
func (s Serving) unserve(ctx context.Context, name, keep string) error {
	var errs []error
	for _, p := range s.sharedProviders() {
		if p.Name() != keep {
			errs = append(errs, p.Delete(ctx, providers.Ref{Name: name, Location: p.Location(nil)}))
		}
	}
	return errors.Join(errs...)
}

// sharedDesired is the desired state of lb with the claims it lost.
func (r *Reconciler) sharedDesired(ctx context.Context, lb *v1alpha1.LoadBalancer, p providers.Shared) (*providers.Desired, error) {
	params, err := r.paramsOf(ctx, lb)
	if err != nil {
		return nil, err
	}
	ref := providers.Ref{Name: lb.Name, Location: p.Location(params.spec)}
	want, _, err := r.desiredOf(ctx, lb, params, ref)
	if err != nil {
		return nil, err
	}
	if want.Refused, err = r.refusedClaims(ctx, lb); err != nil {
		return nil, err
	}
	return want, nil
}

func (r *Reconciler) sharedProvider(name string) (providers.Shared, bool) {
	p, ok := r.Registry.Get(name)
	if !ok {
		return nil, false
	}
	s, ok := p.(providers.Shared)
	return s, ok
}

func (r *Reconciler) sharedProviders() []providers.Shared {
	var out []providers.Shared
	for _, name := range r.Registry.Names() {
		if s, ok := r.sharedProvider(name); ok {
			out = append(out, s)
		}
	}
	return out
}

// primer stages every shared LoadBalancer once the caches have synced, then tells the
// providers they may load.
type primer struct {
	s     Serving
	cache cache.Cache
}

// NeedLeaderElection is false: every replica serves.
func (p *primer) NeedLeaderElection() bool { return false }

// Start stages the LoadBalancers and returns.
func (p *primer) Start(ctx context.Context) error {
	if !p.cache.WaitForCacheSync(ctx) {
		return nil
	}
	list := &v1alpha1.LoadBalancerList{}
	if err := p.s.Client.List(ctx, list); err != nil {
		return fmt.Errorf("listing the LoadBalancers to serve: %w", err)
	}
	for i := range list.Items {
		lb := &list.Items[i]
		provider, ok := p.s.sharedProvider(lb.Spec.Provider)
		if !ok || !lb.DeletionTimestamp.IsZero() {
			continue
		}
		if err := p.stage(ctx, lb, provider); err != nil {
			log.FromContext(ctx).Error(err, "Failed to stage a LoadBalancer; the serving controller retries it", "loadbalancer", lb.Name)
		}
	}
	for _, provider := range p.s.sharedProviders() {
		provider.Synced()
	}
	return nil
}

func (p *primer) stage(ctx context.Context, lb *v1alpha1.LoadBalancer, provider providers.Shared) error {
	want, err := p.s.sharedDesired(ctx, lb, provider)
	if err != nil {
		return err
	}
	return provider.Stage(want)
}

// publishedLoadBalancers maps a change of the published Service (the data plane's address)
// to every LoadBalancer of a Shared provider, whose status shows that address.
func (r *Reconciler) publishedLoadBalancers(ctx context.Context, o client.Object) []reconcile.Request {
	if !r.Publish.Is(o.GetNamespace(), o.GetName()) {
		return nil
	}
	list := &v1alpha1.LoadBalancerList{}
	if err := r.Client.List(ctx, list); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list LoadBalancers for the published Service")
		return nil
	}
	var out []reconcile.Request
	for _, lb := range list.Items {
		if _, ok := r.sharedProvider(lb.Spec.Provider); ok {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKey{Name: lb.Name}})
		}
	}
	return out
}
