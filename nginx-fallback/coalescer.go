package nginxfallback

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/portico-dev/portico/providers/retry"
)

// ApplyFunc loads one desired state; Supervisor.Apply is one.
type ApplyFunc func(ctx context.Context, in Input) error

// Coalescer turns bursts of desired states into few loads: at most one per Interval, always
// of the latest state, so the last change is never lost. It loads nothing before Synced, so
// that a restarted controller never serves a configuration built from half-filled caches.
type Coalescer struct {
	apply    ApplyFunc
	interval time.Duration
	clock    retry.Clock
	metrics  *Metrics

	mu sync.Mutex
	// latest builds the state to load next; nil when there is none.
	latest  func() Input
	waiters []*Pending
	stopped error // set when Run has returned: later updates get it at once
	// wake holds one token when latest is set, so Run never misses an Update.
	wake       chan struct{}
	synced     chan struct{}
	syncedOnce sync.Once
}

// CoalescerOptions configure a Coalescer.
type CoalescerOptions struct {
	// Interval is the least time between the starts of two loads; 0 is one second.
	Interval time.Duration
	// Clock paces the loads; nil is the wall clock.
	Clock   retry.Clock
	Metrics *Metrics
}

// NewCoalescer returns a Coalescer that loads states with apply; nothing runs until Run.
func NewCoalescer(apply ApplyFunc, o CoalescerOptions) *Coalescer {
	if o.Clock == nil {
		o.Clock = retry.RealClock
	}
	return &Coalescer{
		apply: apply, interval: orDefault(o.Interval, time.Second), clock: o.Clock, metrics: o.Metrics,
		wake: make(chan struct{}, 1), synced: make(chan struct{}),
	}
}

// Pending is the outcome of one Update: the result of the first load that included it,
// which is the load of this state or of a later one that superseded it.
type Pending struct {
	done chan struct{}
	err  error
}

// Wait returns the result of the load that included the update, or ctx's error.
func (p *Pending) Wait(ctx context.Context) error {
	select {
	case <-p.done:
		return p.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Done is closed once the load that included the update has ended.
func (p *Pending) Done() <-chan struct{} { return p.done }

func (p *Pending) resolve(err error) {
	p.err = err
	close(p.done)
}

// Update makes in the state to load next, replacing any state not loaded yet. The caller
// must not change in's maps or slices afterwards.
func (c *Coalescer) Update(in Input) *Pending {
	return c.UpdateFunc(func() Input { return in })
}

// UpdateFunc is Update of a state that build makes only when the coalescer loads it, so that
// a burst of updates builds one state, not one per update. build runs without the
// coalescer's lock, in Run's goroutine.
func (c *Coalescer) UpdateFunc(build func() Input) *Pending {
	p := &Pending{done: make(chan struct{})}
	c.mu.Lock()
	if c.stopped != nil {
		c.mu.Unlock()
		p.resolve(c.stopped)
		return p
	}
	c.latest = build
	c.waiters = append(c.waiters, p)
	c.mu.Unlock()
	c.metrics.updated()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return p
}

// Synced says the caches have synced: the states given from now on (and the latest one
// given before) are complete, and Run may load them.
func (c *Coalescer) Synced() {
	c.syncedOnce.Do(func() { close(c.synced) })
}

// Run loads states until ctx ends; the updates still waiting then get ctx's error.
func (c *Coalescer) Run(ctx context.Context) error {
	defer c.abandon(ctx)
	select {
	case <-ctx.Done():
		return nil
	case <-c.synced:
	}
	var last time.Time // zero: the first load waits for nothing
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-c.wake:
		}
		if !c.waitInterval(ctx, last) {
			return nil
		}
		build, waiters, ok := c.take()
		if !ok {
			continue
		}
		last = c.clock.Now()
		err := c.apply(ctx, build())
		for _, w := range waiters {
			w.resolve(err)
		}
	}
}

// waitInterval waits until Interval has passed since last; false when ctx ended first.
func (c *Coalescer) waitInterval(ctx context.Context, last time.Time) bool {
	wait := last.Add(c.interval).Sub(c.clock.Now())
	if wait <= 0 {
		return true
	}
	select {
	case <-ctx.Done():
		return false
	case <-c.clock.After(wait):
		return true
	}
}

// take returns the latest state and every update it answers; false when an earlier take
// already took it (an Update between the wake and that take leaves a token behind).
func (c *Coalescer) take() (func() Input, []*Pending, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.latest == nil {
		return nil, nil, false
	}
	build, waiters := c.latest, c.waiters
	c.latest, c.waiters = nil, nil
	return build, waiters, true
}

func (c *Coalescer) abandon(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = fmt.Errorf("the reload coalescer has stopped: %w", context.Cause(ctx))
	for _, w := range c.waiters {
		w.resolve(c.stopped)
	}
	c.latest, c.waiters = nil, nil
}
