package aws

import (
	"context"
	"sync"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/ratelimit"
)

// regions holds the clients of each region, built on first use, so that a provider starts
// without credentials and their absence is an error on each load balancer, retried, never
// a reason to stop the controller.
type regions struct {
	mu       sync.Mutex
	home     string
	byRegion map[string]*Clients
	regional func(ctx context.Context, region string) (*Clients, error)
}

func (r *regions) get(ctx context.Context, region string) (*Clients, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.byRegion[region]; ok {
		return c, nil
	}
	if r.regional == nil {
		return nil, providers.Invalid("RegionUnsupported", nil, "the aws provider has no clients for region %s (it serves %s)", region, r.home)
	}
	c, err := r.regional(ctx, region)
	if err != nil {
		return nil, providers.Retryable("CredentialsUnavailable", err, "connecting to AWS in %s with the default credential chain", region)
	}
	r.byRegion[region] = c
	return c, nil
}

// Limiter paces the provider's calls to AWS, by class. *ratelimit.Limiter is the one the
// controller gives it; one per provider, shared by every load balancer, so that a thousand
// load balancers created at once stay under the account's API limits together.
type Limiter interface {
	Wait(ctx context.Context, class ratelimit.Class) error
}

// unlimited lets every call through at once: the provider of a test or of `portico plan`.
type unlimited struct{}

func (unlimited) Wait(context.Context, ratelimit.Class) error { return nil }
