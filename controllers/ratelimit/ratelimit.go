// Package ratelimit is the retry limiter both controllers share: per-item exponential
// backoff with jitter, combined with an overall token bucket. The jitter spreads the retries
// of many items that failed together (a cloud outage fails every load balancer at once), so
// that they do not come back in lockstep; the bucket bounds how fast all of them together
// reach the cloud and the API server.
package ratelimit

import (
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
)

// Defaults of Options.
const (
	DefaultBase  = time.Second
	DefaultMax   = 5 * time.Minute
	DefaultQPS   = 10
	DefaultBurst = 100
)

// Options configure a limiter; zero fields take the defaults.
type Options struct {
	// Base is the first retry's delay before jitter; Max caps every delay.
	Base, Max time.Duration
	// QPS and Burst bound the retries of all items together.
	QPS   float64
	Burst int
	// Clock is the bucket's time source; default the real clock.
	Clock clock.PassiveClock
	// Rand returns a number in [0, 1) for the jitter; default math/rand.
	Rand func() float64
}

func (o Options) withDefaults() Options {
	if o.Base <= 0 {
		o.Base = DefaultBase
	}
	if o.Max <= 0 {
		o.Max = DefaultMax
	}
	if o.QPS <= 0 {
		o.QPS = DefaultQPS
	}
	if o.Burst <= 0 {
		o.Burst = DefaultBurst
	}
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	return o
}

// New returns a limiter for one controller's work queue. Each controller gets its own: the
// per-item failure counts are keyed by the queue's items.
func New[T comparable](opts Options) workqueue.TypedRateLimiter[T] {
	opts = opts.withDefaults()
	perItem := &itemBackoff[T]{backoff: Backoff{Base: opts.Base, Max: opts.Max, Rand: opts.Rand}, failures: map[T]int{}}
	overall := &bucket[T]{limiter: rate.NewLimiter(rate.Limit(opts.QPS), opts.Burst), clock: opts.Clock}
	return workqueue.NewTypedMaxOfRateLimiter[T](perItem, overall)
}

// Backoff is exponential backoff with "equal jitter": attempt n waits a random time between
// half and all of Base·2ⁿ, capped at Max. Half the delay is kept so that a retry never comes
// back at once; the other half is random so that retries spread out.
type Backoff struct {
	Base, Max time.Duration
	// Rand returns a number in [0, 1); default math/rand.
	Rand func() float64
}

// Delay returns the wait before retry number attempt (0 for the first retry).
func (b Backoff) Delay(attempt int) time.Duration {
	d := b.Base
	for i := 0; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	random := b.Rand
	if random == nil {
		random = rand.Float64
	}
	half := d / 2
	return half + time.Duration(random()*float64(d-half))
}

// itemBackoff counts the failures of each item.
type itemBackoff[T comparable] struct {
	backoff  Backoff
	mu       sync.Mutex
	failures map[T]int
}

func (l *itemBackoff[T]) When(item T) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.failures[item]
	l.failures[item] = n + 1
	return l.backoff.Delay(n)
}

func (l *itemBackoff[T]) NumRequeues(item T) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failures[item]
}

func (l *itemBackoff[T]) Forget(item T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, item)
}

// bucket is workqueue's bucket limiter with an injected clock.
type bucket[T comparable] struct {
	limiter *rate.Limiter
	clock   clock.PassiveClock
}

func (b *bucket[T]) When(T) time.Duration {
	now := b.clock.Now()
	return b.limiter.ReserveN(now, 1).DelayFrom(now)
}

func (b *bucket[T]) NumRequeues(T) int { return 0 }

func (b *bucket[T]) Forget(T) {}
