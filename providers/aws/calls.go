package aws

import (
	"context"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/ratelimit"
)

// caller makes one call to AWS: paced by the limiter in its class, classified, and told to
// the observer under its operation's name ("elbv2.CreateRule"), so that every call of the
// provider counts, waits and fails alike.
type caller struct {
	observer providers.CallObserver
	limiter  Limiter
}

func (c caller) call(ctx context.Context, class ratelimit.Class, op, what string, fn func() error) error {
	if err := c.limiter.Wait(ctx, class); err != nil {
		return providers.Retryable(reasonCanceled, err, "%s: waiting for the %s rate limit", what, class)
	}
	err := classify(what, fn())
	c.observer.ObserveCall(ProviderName, op, err)
	return err
}

func (c caller) read(ctx context.Context, op, what string, fn func() error) error {
	return c.call(ctx, ratelimit.Read, op, what, fn)
}

func (c caller) write(ctx context.Context, op, what string, fn func() error) error {
	return c.call(ctx, ratelimit.Write, op, what, fn)
}
