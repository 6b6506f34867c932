package loadbalancer

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// Event reasons of a load balancer that moves.
const (
	ReasonProviderChanged = "ProviderChanged"
	ReasonLocationChanged = "LocationChanged"
)

// place is where a load balancer lives (from: what the status records) and where it
// belongs (to: spec.provider, and the location its class parameters give). They differ while
// it moves: it is created in the new place first, and deleted from the old one only after
// that succeeded.
type place struct {
	fromProvider, toProvider string
	from, to                 providers.Ref
}

func (p place) moving() bool {
	return p.fromProvider != p.toProvider || p.from.Location != p.to.Location
}

// placeOf works out the load balancer's place. Class parameters that were deleted keep it
// where it is: a deleted IngressClassParams is no reason to move to the default location.
func (r *Reconciler) placeOf(lb *v1alpha1.LoadBalancer, provider providers.Provider, params classParams) place {
	p := place{toProvider: lb.Spec.Provider, fromProvider: lb.Status.Provider}
	if p.fromProvider == "" {
		p.fromProvider = p.toProvider
	}
	p.to = providers.Ref{Name: lb.Name, Location: provider.Location(params.spec)}
	if params.missing && lb.Status.Location != "" && p.fromProvider == p.toProvider {
		p.to.Location = lb.Status.Location
	}
	p.from = providers.Ref{Name: lb.Name, Location: lb.Status.Location}
	if p.from.Location == "" {
		// Never ensured since locations are recorded: it lives where its parameters say.
		p.from.Location = r.locationIn(p.fromProvider, params)
	}
	return p
}

// locationIn is the location a provider gives the parameters, "" for a provider that this
// controller does not run.
func (r *Reconciler) locationIn(provider string, params classParams) string {
	if p, ok := r.Registry.Get(provider); ok {
		return p.Location(params.spec)
	}
	return ""
}

// recordPlace records both locations before anything is created there, so that the orphan
// sweep scans them and Delete finds the resources even if this controller stops right after
// the write. The first time, status.location is written ahead of the Ensure for the same
// reason.
func (r *Reconciler) recordPlace(ctx context.Context, lb *v1alpha1.LoadBalancer, p place) error {
	for _, at := range []struct{ provider, location string }{{p.fromProvider, p.from.Location}, {p.toProvider, p.to.Location}} {
		if err := r.locations().Record(ctx, at.provider, at.location); err != nil {
			return fmt.Errorf("recording location %s of provider %s: %w", at.location, at.provider, err)
		}
	}
	if lb.Status.Location != "" {
		return nil
	}
	status := lb.Status.DeepCopy()
	status.Location = p.from.Location
	if status.Provider == "" {
		status.Provider = p.fromProvider
	}
	return r.writeStatus(ctx, lb, status)
}

// leave deletes the load balancer from the place it moved out of, once the new place
// serves it: create before delete.
func (r *Reconciler) leave(ctx context.Context, lb *v1alpha1.LoadBalancer, p place) error {
	if !p.moving() {
		return nil
	}
	old, ok := r.Registry.Get(p.fromProvider)
	if !ok {
		return providers.Invalid(v1alpha1.ReasonProviderNotEnabled, nil,
			"the load balancer moved from provider %s, which this controller does not run, so its resources there cannot be deleted; enable %s or delete them by hand",
			p.fromProvider, p.fromProvider)
	}
	if err := old.Delete(ctx, p.from); err != nil {
		return fmt.Errorf("deleting the load balancer from provider %s in location %s, which it moved out of: %w", p.fromProvider, p.from.Location, err)
	}
	if p.fromProvider != p.toProvider {
		r.deleteEventOn(lb, "Normal", ReasonProviderChanged, "moved from provider %s to %s; its resources in %s are deleted",
			p.fromProvider, p.toProvider, p.fromProvider)
	}
	if p.from.Location != p.to.Location {
		r.deleteEventOn(lb, "Normal", ReasonLocationChanged, "moved from location %s to %s; its resources in %s are deleted",
			p.from.Location, p.to.Location, p.from.Location)
	}
	return nil
}
