// Package controllers wires portico's reconcilers, indexes, metrics and orphan sweep into a
// controller-runtime manager. The reconcilers live in the subpackages ingress and
// loadbalancer; this package only assembles them.
package controllers

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/fields"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/portico-dev/portico/controllers/cluster"
	"github.com/portico-dev/portico/controllers/index"
	"github.com/portico-dev/portico/controllers/ingress"
	"github.com/portico-dev/portico/controllers/loadbalancer"
	"github.com/portico-dev/portico/controllers/metrics"
	"github.com/portico-dev/portico/controllers/notice"
	"github.com/portico-dev/portico/controllers/publish"
	"github.com/portico-dev/portico/controllers/ratelimit"
	"github.com/portico-dev/portico/controllers/readiness"
	"github.com/portico-dev/portico/controllers/sweep"
	"github.com/portico-dev/portico/internal/secrets"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers"
)

// Options configure the controllers.
type Options struct {
	// Registry holds the providers this controller runs.
	Registry *providers.Registry
	// DefaultProvider serves Ingresses that choose none; empty means nginx.
	DefaultProvider string
	// MaxConcurrentReconciles per controller.
	MaxConcurrentReconciles int
	// OrphanSweepInterval between orphan sweeps; zero turns the sweep off.
	OrphanSweepInterval time.Duration
	// OrphansReportOnly reports orphans without deleting them.
	OrphansReportOnly bool
	// Locations records every location each provider used (the cluster record), so that the
	// orphan sweep scans them all; nil keeps them in memory only.
	Locations cluster.Locations
	// SlowRetry is the wait after a quota or not-found error from a provider; default one
	// minute.
	SlowRetry time.Duration
	// EventRefresh is how often a standing problem is told again on its Ingress; default
	// ingress.DefaultEventRefresh (30 minutes, within the API server's one-hour Event TTL).
	EventRefresh time.Duration
	// Publish is the shared address of the nginx mode's LoadBalancers; nil for none.
	Publish *publish.Source
	// SeveralManagers allows more than one manager in one process (tests restart the
	// controller): controller names are not checked for uniqueness.
	SeveralManagers bool
	// HealthPoll is how soon a load balancer is checked again while the pod readiness gate
	// holds one of its pods or a target is unhealthy; default loadbalancer.DefaultHealthPoll.
	HealthPoll time.Duration
	// HealthResync is how often a load balancer whose provider reports health is checked
	// again without news; default loadbalancer.DefaultHealthResync.
	HealthResync time.Duration
}

// CacheOptions restricts what the manager caches: of the Secrets, only those of type
// kubernetes.io/tls, so that portico never holds every Secret of the cluster in memory, and
// of those no private key (secrets.Strip): a key is read from the API server only when a
// provider uploads its certificate. Of the Pods, only what the readiness gate and the
// health-check paths read (readiness.Strip).
func CacheOptions() cache.Options {
	return cache.Options{ByObject: map[client.Object]cache.ByObject{
		&corev1.Secret{}: {
			Field:     fields.OneTermEqualSelector("type", string(corev1.SecretTypeTLS)),
			Transform: secrets.Strip,
		},
		&corev1.Pod{}: {Transform: readiness.Strip},
	}}
}

// Setup registers the indexes, both reconcilers, the metrics collector and the orphan sweep.
func Setup(ctx context.Context, mgr manager.Manager, opts Options) error {
	if opts.Locations == nil {
		opts.Locations = &cluster.MemoryLocations{}
	}
	if err := index.Register(ctx, mgr.GetFieldIndexer()); err != nil {
		return err
	}
	copts := controller.Options{MaxConcurrentReconciles: max(opts.MaxConcurrentReconciles, 1)}
	if opts.SeveralManagers {
		skip := true
		copts.SkipNameValidation = &skip
	}
	// Each controller gets a limiter of its own (failure counts are per queue item), of
	// one kind: per-item backoff with jitter under an overall rate.
	copts.RateLimiter = ratelimit.New[reconcile.Request](ratelimit.Options{})
	ing := &ingress.Reconciler{
		Client:       mgr.GetClient(),
		APIReader:    mgr.GetAPIReader(),
		Recorder:     mgr.GetEventRecorder(ingress.ReportingController),
		Config:       model.Config{EnabledProviders: opts.Registry.Names(), DefaultProvider: opts.DefaultProvider},
		EventRefresh: opts.EventRefresh,
	}
	if err := ing.SetupWithManager(mgr, copts); err != nil {
		return fmt.Errorf("setting up the ingress controller: %w", err)
	}
	copts.RateLimiter = ratelimit.New[reconcile.Request](ratelimit.Options{})
	health := readiness.NewStore()
	lb := &loadbalancer.Reconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Registry:  opts.Registry,
		Recorder:  mgr.GetEventRecorder(loadbalancer.ReportingController),
		Locations: opts.Locations,
		SlowRetry: opts.SlowRetry,
		Health:    health,
		Notices: &notice.Board{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(),
			Controller: loadbalancer.ReportingController},
		HealthPoll:   opts.HealthPoll,
		HealthResync: opts.HealthResync,
		EventRefresh: opts.EventRefresh,
		Publish:      opts.Publish,
	}
	if err := lb.SetupWithManager(mgr, copts); err != nil {
		return fmt.Errorf("setting up the loadbalancer controller: %w", err)
	}
	copts.RateLimiter = ratelimit.New[reconcile.Request](ratelimit.Options{})
	gate := &readiness.Reconciler{Client: mgr.GetClient(), Store: health}
	if err := gate.SetupWithManager(mgr, copts); err != nil {
		return fmt.Errorf("setting up the readiness controller: %w", err)
	}
	if err := lb.SetupServing(mgr, copts); err != nil {
		return fmt.Errorf("setting up the serving controller: %w", err)
	}
	if err := addProviderRunnables(mgr, opts.Registry); err != nil {
		return err
	}
	metrics.LoadBalancers.Use(mgr.GetClient())
	if opts.Publish != nil {
		opts.Publish.Use(mgr.GetClient())
	}
	sweeper := &sweep.Sweeper{
		APIReader: mgr.GetAPIReader(), Registry: opts.Registry, Locations: opts.Locations,
		Interval: opts.OrphanSweepInterval, ReportOnly: opts.OrphansReportOnly,
	}
	if err := mgr.Add(sweeper); err != nil {
		return fmt.Errorf("adding the orphan sweep: %w", err)
	}
	return nil
}

// addProviderRunnables runs the providers that run something of their own, such as the
// nginx mode's nginx and reload coalescer, on every replica (they say so themselves).
func addProviderRunnables(mgr manager.Manager, reg *providers.Registry) error {
	for _, name := range reg.Names() {
		p, _ := reg.Get(name)
		if r, ok := p.(manager.Runnable); ok {
			if err := mgr.Add(r); err != nil {
				return fmt.Errorf("adding provider %s: %w", name, err)
			}
		}
	}
	return nil
}
