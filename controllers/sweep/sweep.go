// Package sweep finds cloud load balancers of this cluster that no LoadBalancer object
// claims, left behind by a crash or by a LoadBalancer deleted while its finalizer was
// removed by hand, and deletes them (or only reports them).
package sweep

import (
	"context"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/metrics"
	"github.com/portico-dev/portico/providers"
)

// Sweeper runs the orphan sweep every Interval. It runs on the leader only (it does not
// implement LeaderElectionRunnable, so the manager treats it as needing the lease).
type Sweeper struct {
	// APIReader reads LoadBalancers from the API server itself: a cache that lags behind a
	// just-created LoadBalancer must never make its resources look orphaned.
	APIReader client.Reader
	Registry  *providers.Registry
	Interval  time.Duration
	// ReportOnly logs and counts orphans without deleting them.
	ReportOnly bool
}

// Start runs the sweep until ctx ends.
func (s *Sweeper) Start(ctx context.Context) error {
	if s.Interval <= 0 {
		return nil
	}
	ticker := time.NewTicker(s.Interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
			s.SweepOnce(ctx)
		}
	}
}

// SweepOnce sweeps every provider once and returns the orphans it found, by provider.
func (s *Sweeper) SweepOnce(ctx context.Context) map[string][]providers.Ref {
	logger := log.FromContext(ctx).WithName("sweep")
	found := map[string][]providers.Ref{}
	for _, name := range s.Registry.Names() {
		p, _ := s.Registry.Get(name)
		orphans, err := s.orphansOf(ctx, p)
		if err != nil {
			logger.Error(err, "Failed to sweep orphans", "provider", name)
			continue
		}
		metrics.OrphanedLoadBalancers.WithLabelValues(name).Set(float64(len(orphans)))
		found[name] = orphans
		for _, ref := range orphans {
			if s.ReportOnly {
				logger.Info("Found an orphaned load balancer; not deleting it (--orphan-policy=report)", "provider", name, "loadbalancer", ref.Name)
				continue
			}
			if err := p.Delete(ctx, ref); err != nil {
				logger.Error(err, "Failed to delete an orphaned load balancer", "provider", name, "loadbalancer", ref.Name)
				continue
			}
			logger.Info("Deleted an orphaned load balancer", "provider", name, "loadbalancer", ref.Name)
		}
	}
	return found
}

// orphansOf returns the provider's load balancers that no LoadBalancer object claims with
// this provider, checked against the API server one by one.
func (s *Sweeper) orphansOf(ctx context.Context, p providers.Provider) ([]providers.Ref, error) {
	owned, err := p.Owned(ctx, nil)
	if err != nil {
		return nil, err
	}
	var orphans []providers.Ref
	for _, ref := range owned {
		lb := &v1alpha1.LoadBalancer{}
		err := s.APIReader.Get(ctx, client.ObjectKey{Name: ref.Name}, lb)
		switch {
		case apierrors.IsNotFound(err):
			orphans = append(orphans, ref)
		case err != nil:
			return nil, err
		case lb.Spec.Provider != p.Name() && lb.Status.Provider != p.Name():
			orphans = append(orphans, ref) // the object moved to another provider long ago
		}
	}
	return orphans, nil
}
