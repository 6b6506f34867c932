// Package sweep finds cloud load balancers of this cluster that no LoadBalancer object
// claims, left behind by a crash or by a LoadBalancer deleted while its finalizer was
// removed by hand, and deletes them (or only reports them).
//
// Deleting a load balancer a user still needs is the worst mistake portico can make, so the
// sweep is slow to conclude: a load balancer is deleted only after two consecutive passes found
// it unclaimed, and only if the API server, read again just before the delete, still shows no
// LoadBalancer that claims it.
package sweep

import (
	"context"
	"sync"
	"time"

	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/portico-dev/portico/controllers/cluster"
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
	// Locations are the locations each provider ever used (the cluster record); the sweep
	// scans them all, and each provider's default location. Nil scans the defaults only.
	Locations cluster.Locations
	Interval  time.Duration
	// ReportOnly logs and counts orphans without deleting them.
	ReportOnly bool
	// Clock ticks the passes and dates the sightings; nil is the real clock.
	Clock clock.WithTicker

	mu sync.Mutex
	// suspects are, by provider, the load balancers the last pass found unclaimed, and when
	// they were first found so.
	suspects map[string]map[providers.Ref]time.Time
}

// Start runs the sweep until ctx ends.
func (s *Sweeper) Start(ctx context.Context) error {
	if s.Interval <= 0 {
		return nil
	}
	ticker := s.clock().NewTicker(s.Interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C():
			s.SweepOnce(ctx)
		}
	}
}

func (s *Sweeper) clock() clock.WithTicker {
	if s.Clock == nil {
		return clock.RealClock{}
	}
	return s.Clock
}

// SweepOnce sweeps every provider once and returns the orphans it found, by provider. It
// deletes (unless ReportOnly) those that the previous pass found unclaimed too.
func (s *Sweeper) SweepOnce(ctx context.Context) map[string][]providers.Ref {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.suspects == nil {
		s.suspects = map[string]map[providers.Ref]time.Time{}
	}
	found := map[string][]providers.Ref{}
	for _, name := range s.Registry.Names() {
		p, _ := s.Registry.Get(name)
		found[name] = s.sweepProvider(ctx, p)
	}
	return found
}

// sweepProvider runs one pass over one provider and returns the orphans it found.
func (s *Sweeper) sweepProvider(ctx context.Context, p providers.Provider) []providers.Ref {
	logger := log.FromContext(ctx).WithName("sweep").WithValues("provider", p.Name())
	orphans, err := s.orphansOf(ctx, p, s.locationsOf(p))
	if err != nil {
		// A pass that failed saw nothing: the next one starts the count again.
		delete(s.suspects, p.Name())
		logger.Error(err, "Failed to sweep orphans")
		return nil
	}
	metrics.OrphanedLoadBalancers.WithLabelValues(p.Name()).Set(float64(len(orphans)))
	previous, now := s.suspects[p.Name()], s.clock().Now()
	current := map[providers.Ref]time.Time{}
	for _, ref := range orphans {
		since, seenBefore := previous[ref]
		if !seenBefore {
			since = now
		}
		switch {
		case s.ReportOnly:
			logger.Info("Found an orphaned load balancer; not deleting it (--orphan-policy=report)",
				"loadbalancer", ref.Name, "location", ref.Location, "unclaimedSince", since)
		case !seenBefore:
			logger.Info("Found an orphaned load balancer; deleting it if the next sweep finds it unclaimed too",
				"loadbalancer", ref.Name, "location", ref.Location)
		case s.deleteOrphan(ctx, p, ref, since):
			continue // gone, or claimed again: forget it
		}
		current[ref] = since
	}
	s.suspects[p.Name()] = current
	return orphans
}

// locationsOf returns every location the provider ever used, and its default one.
func (s *Sweeper) locationsOf(p providers.Provider) []string {
	def := p.Location(nil)
	if s.Locations == nil {
		return []string{def}
	}
	ls := s.Locations.Of(p.Name())
	for _, l := range ls {
		if l == def {
			return ls
		}
	}
	return append(ls, def)
}
