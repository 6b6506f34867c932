package retry

import (
	"context"
	"fmt"
	"time"
)

// Clock tells the time and waits; k8s.io/utils/clock's clocks satisfy it. Tests inject one
// that advances on demand, so that no test sleeps.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// RealClock is the wall clock.
var RealClock Clock = realClock{}

// Backoff paces the polls of a long-running cloud operation. It starts small, because most
// operations of a load balancer finish in well under a second and the SDKs' fixed one-second
// wait would make creating a thousand of them take minutes longer than the cloud does, and
// grows so that a slow operation costs few reads.
type Backoff struct {
	// Initial is the first wait; 0 is 25ms.
	Initial time.Duration
	// Factor multiplies the wait after each poll; below 1 is 2.
	Factor float64
	// Max bounds one wait; 0 is 5s.
	Max time.Duration
	// Clock waits; nil is the wall clock.
	Clock Clock
}

// DefaultBackoff is the operation polling of every provider.
var DefaultBackoff = Backoff{Initial: 25 * time.Millisecond, Factor: 2, Max: 5 * time.Second}

func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = 25 * time.Millisecond
	}
	if b.Factor < 1 {
		b.Factor = 2
	}
	if b.Max <= 0 {
		b.Max = 5 * time.Second
	}
	if b.Clock == nil {
		b.Clock = RealClock
	}
	return b
}

// Delay returns the wait before poll n (n = 0 is the first).
func (b Backoff) Delay(n int) time.Duration {
	b = b.withDefaults()
	d := float64(b.Initial)
	for range n {
		d *= b.Factor
		if d >= float64(b.Max) {
			return b.Max
		}
	}
	return min(time.Duration(d), b.Max)
}

// Poll calls done until it reports true or fails, waiting Delay(n) before call n+1. A wait
// ends early when ctx does; the error then wraps ctx's.
func (b Backoff) Poll(ctx context.Context, done func(ctx context.Context) (bool, error)) error {
	b = b.withDefaults()
	for n := 0; ; n++ {
		ok, err := done(ctx)
		if err != nil || ok {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the operation after %d polls: %w", n+1, ctx.Err())
		case <-b.Clock.After(b.Delay(n)):
		}
	}
}
