// Package steptime is a clock for tests of code that waits: every wait fires at once,
// advancing the clock's time by its length, and is recorded, so that no test sleeps and a
// test can assert the waits themselves. Blocked, it never fires a wait.
package steptime

import (
	"slices"
	"sync"
	"time"
)

// Clock is a stepping clock; its zero value starts at the zero time, unblocked.
type Clock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
	block bool
}

// At returns a clock whose time starts at start.
func At(start time.Time) *Clock { return &Clock{now: start} }

// Blocked returns a clock that fires no wait until SetBlocked(false).
func Blocked() *Clock { return &Clock{block: true} }

// Now is the clock's time: its start plus every wait fired.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After records a wait of d and, unless the clock is blocked, fires it at once.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	if !c.block {
		c.now = c.now.Add(d)
		ch <- c.now
	}
	return ch
}

// Waits returns the waits recorded so far, in order.
func (c *Clock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.waits)
}

// SetBlocked blocks or unblocks the waits that come after it, and forgets those recorded.
func (c *Clock) SetBlocked(block bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.block, c.waits = block, nil
}
