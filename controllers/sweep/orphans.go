package sweep

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// orphansOf returns the provider's load balancers, in every location given, that no
// LoadBalancer object claims, checked against the API server one by one.
func (s *Sweeper) orphansOf(ctx context.Context, p providers.Provider, locations []string) ([]providers.Ref, error) {
	owned, err := p.Owned(ctx, locations)
	if err != nil {
		return nil, fmt.Errorf("listing the load balancers of this cluster in %v: %w", locations, err)
	}
	var orphans []providers.Ref
	for _, ref := range owned {
		claimed, err := s.claimed(ctx, p, ref)
		if err != nil {
			return nil, err
		}
		if !claimed {
			orphans = append(orphans, ref)
		}
	}
	return orphans, nil
}

// deleteOrphan deletes an orphan after reading its LoadBalancer again: one created since the
// last pass (a re-created Ingress, a restore) takes it back. It reports whether the orphan is
// gone or claimed, that is, whether the sweep can forget it.
func (s *Sweeper) deleteOrphan(ctx context.Context, p providers.Provider, ref providers.Ref, since time.Time) bool {
	logger := log.FromContext(ctx).WithName("sweep").WithValues("provider", p.Name(), "loadbalancer", ref.Name, "location", ref.Location)
	claimed, err := s.claimed(ctx, p, ref)
	if err != nil {
		logger.Error(err, "Failed to read the LoadBalancer again before deleting an orphan; not deleting it")
		return false
	}
	if claimed {
		logger.Info("Kept a load balancer that a LoadBalancer claims again")
		return true
	}
	if err := p.Delete(ctx, ref); err != nil {
		logger.Error(err, "Failed to delete an orphaned load balancer")
		return false
	}
	logger.Info("Deleted an orphaned load balancer", "unclaimedSince", since)
	return true
}

// claimed reads the LoadBalancer named like ref from the API server and says whether it
// claims ref.
func (s *Sweeper) claimed(ctx context.Context, p providers.Provider, ref providers.Ref) (bool, error) {
	lb := &v1alpha1.LoadBalancer{}
	err := s.APIReader.Get(ctx, client.ObjectKey{Name: ref.Name}, lb)
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading LoadBalancer %s: %w", ref.Name, err)
	}
	target, err := s.targetLocation(ctx, p, lb)
	if err != nil {
		return false, err
	}
	return claims(lb, p.Name(), target, ref), nil
}

// targetLocation is where the provider realises lb now, from its class parameters: a move to
// another location creates the load balancer there before the status says so.
func (s *Sweeper) targetLocation(ctx context.Context, p providers.Provider, lb *v1alpha1.LoadBalancer) (string, error) {
	if lb.Spec.Provider != p.Name() || lb.Spec.ParametersRef == "" {
		return p.Location(nil), nil
	}
	params := &v1alpha1.IngressClassParams{}
	err := s.APIReader.Get(ctx, client.ObjectKey{Name: lb.Spec.ParametersRef}, params)
	if apierrors.IsNotFound(err) {
		return p.Location(nil), nil
	}
	if err != nil {
		return "", fmt.Errorf("reading IngressClassParams %s of LoadBalancer %s: %w", lb.Spec.ParametersRef, lb.Name, err)
	}
	return p.Location(&params.Spec), nil
}

// claims says whether lb claims ref of the provider: ref is where lb's resources live
// (status.provider and status.location), or where lb is being realised (spec.provider and
// the location its parameters give). A load balancer whose object moved to another provider
// or location is an orphan where it was. A ref without a location (a provider that does not
// report one) or a status without one (written before locations were recorded) matches any
// location: the sweep errs on the side of keeping.
func claims(lb *v1alpha1.LoadBalancer, provider, target string, ref providers.Ref) bool {
	sameLocation := func(l string) bool { return ref.Location == "" || l == "" || l == ref.Location }
	if lb.Status.Provider == provider && sameLocation(lb.Status.Location) {
		return true
	}
	return lb.Spec.Provider == provider && sameLocation(target)
}
