package testenv

import (
	"context"
	"sync"

	"github.com/portico-dev/portico/providers"
)

// ensured records which load balancers the controller's fake provider ensured, so that a
// benchmark can tell when a restarted controller has reconciled every one of them: the fake
// reads through a snapshot shared by all load balancers, so its cloud reads no longer say.
type ensured struct {
	mu    sync.Mutex
	names map[string]bool
}

// counted is a provider that records each load balancer it ensures.
type counted struct {
	providers.Provider
	seen *ensured
}

func (c counted) Ensure(ctx context.Context, want *providers.Desired) (*providers.Observed, error) {
	c.seen.mu.Lock()
	if c.seen.names == nil {
		c.seen.names = map[string]bool{}
	}
	c.seen.names[want.Ref.Name] = true
	c.seen.mu.Unlock()
	return c.Provider.Ensure(ctx, want)
}

// EnsuredLoadBalancers returns how many distinct load balancers the fake provider ensured
// since the last ResetEnsured.
func (e *Env) EnsuredLoadBalancers() int {
	e.ensured.mu.Lock()
	defer e.ensured.mu.Unlock()
	return len(e.ensured.names)
}

// ResetEnsured forgets the load balancers ensured so far.
func (e *Env) ResetEnsured() {
	e.ensured.mu.Lock()
	defer e.ensured.mu.Unlock()
	e.ensured.names = nil
}
