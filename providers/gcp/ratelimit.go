package gcp

import (
	"context"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/ratelimit"
)

// Limiter paces the provider's calls to Google, by class. *ratelimit.Limiter is the one the
// controller gives it; one per provider, shared by every load balancer, so that a thousand
// load balancers created at once stay under the project's API limits together.
type Limiter interface {
	Wait(ctx context.Context, class ratelimit.Class) error
}

// unlimited lets every call through at once: the provider of a test or of `portico plan`.
type unlimited struct{}

func (unlimited) Wait(context.Context, ratelimit.Class) error { return nil }

// paceWrite waits for the limiter before a write; a wait the context ends is a retryable
// error, as the write it held back would have been. Reads and polls wait inside the SDK's
// iterators and the kit's backoff, whose errors are classified there.
func paceWrite(ctx context.Context, l Limiter, what string) error {
	if err := l.Wait(ctx, ratelimit.Write); err != nil {
		return providers.Retryable(reasonCanceled, err, "%s: waiting for the write rate limit", what)
	}
	return nil
}
