// Package ratelimit is the provider kit's client-side rate limit: one token bucket per class
// of cloud call (reads, writes, operation polls), shared by every load balancer of a
// provider, so that a thousand load balancers created at once stay under the cloud's API
// limits instead of being throttled by it, and so that polls of slow operations never starve
// the writes.
//
// A provider builds one Limiter when it starts and calls Wait before every call it makes.
package ratelimit

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"

	"github.com/portico-dev/portico/providers/retry"
)

// Class is a class of cloud call; each has its own rate.
type Class string

const (
	// Read is a get or list call.
	Read Class = "read"
	// Write is an insert, patch, update, set or delete call.
	Write Class = "write"
	// Poll is a get of a long-running operation.
	Poll Class = "poll"
)

// Classes lists every class.
var Classes = []Class{Read, Write, Poll}

// Limiter paces the calls of one provider. It is safe for concurrent use.
type Limiter struct {
	buckets map[Class]*rate.Limiter
	clock   retry.Clock
}

// New returns a limiter with the rates of c, waiting on clock (nil: the wall clock).
func New(c Config, clock retry.Clock) (*Limiter, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if clock == nil {
		clock = retry.RealClock
	}
	l := &Limiter{buckets: map[Class]*rate.Limiter{}, clock: clock}
	for _, class := range Classes {
		perSecond, burst := c.rate(class)
		limit := rate.Limit(perSecond)
		if perSecond == 0 {
			limit = rate.Inf
		}
		l.buckets[class] = rate.NewLimiter(limit, burst)
	}
	return l, nil
}

// Wait blocks until a call of the class may go, or until ctx ends. A call that would have to
// wait past ctx's deadline fails at once, and a call that gives up returns its token, so that
// abandoned calls never slow down the others.
func (l *Limiter) Wait(ctx context.Context, class Class) error {
	bucket, ok := l.buckets[class]
	if !ok {
		return fmt.Errorf("rate limit: unknown call class %q", class)
	}
	now := l.clock.Now()
	r := bucket.ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("rate limit: a %s call exceeds the burst", class)
	}
	delay := r.DelayFrom(now)
	if delay == 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && deadline.Sub(now) < delay {
		r.CancelAt(now)
		return fmt.Errorf("rate limit: a %s call would wait %v, past its deadline: %w", class, delay, context.DeadlineExceeded)
	}
	select {
	case <-l.clock.After(delay):
		return nil
	case <-ctx.Done():
		r.CancelAt(l.clock.Now())
		return fmt.Errorf("rate limit: waiting for a %s call: %w", class, ctx.Err())
	}
}
