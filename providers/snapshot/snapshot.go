// Package snapshot batches a provider's reads: one list call per (location, kind) fills a
// snapshot that every load balancer's Ensure reads, refreshed at most once per TTL and
// updated in place by the provider's own writes. Reconciling N load balancers therefore
// reads the cloud once per kind, not N times, and an Ensure right after another sees the
// other's writes. A change made outside portico is seen at the next refresh.
package snapshot

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultTTL is how long a snapshot serves before the next read lists the cloud again:
// short enough that drift made outside portico is repaired within a resync or two.
const DefaultTTL = 5 * time.Second

// Clock tells the time; k8s.io/utils/clock's clocks satisfy it.
type Clock interface{ Now() time.Time }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// Options configure a Cache. Every function is required but Clock.
type Options[R any] struct {
	// List reads every resource of a kind in a location: the cloud's list call.
	List func(ctx context.Context, location, kind string) ([]R, error)
	// Name returns a resource's name, unique per location and kind.
	Name func(R) string
	// Group returns the group a resource belongs to (for example the load balancer that
	// owns it), or "" for none, so that one load balancer reads its own resources without
	// scanning everybody's.
	Group func(R) string
	// TTL is how long a snapshot serves; 0 is DefaultTTL, and a negative TTL lists on every
	// read (no sharing, for tests that count every read).
	TTL time.Duration
	// Clock is the time source; nil is the wall clock.
	Clock Clock
}

// Cache holds the snapshots of one provider. It is safe for concurrent use. Resources are
// handed out as stored: callers must not modify them.
type Cache[R any] struct {
	opts    Options[R]
	mu      sync.Mutex
	entries map[entryKey]*entry[R]
}

type entryKey struct{ location, kind string }

// entry is one (location, kind) snapshot. Its lock is held during a list, so concurrent
// readers wait for one list instead of making their own, and a write that lands during a
// list is applied after it.
type entry[R any] struct {
	mu     sync.Mutex
	filled bool
	at     time.Time
	byName map[string]R
	groups map[string]map[string]bool // group -> names
	// version counts the changes of the snapshot: lists, puts and removes.
	version uint64
}

// New returns an empty Cache.
func New[R any](opts Options[R]) *Cache[R] {
	if opts.TTL == 0 {
		opts.TTL = DefaultTTL
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	return &Cache[R]{opts: opts, entries: map[entryKey]*entry[R]{}}
}

func (c *Cache[R]) entry(location, kind string) *entry[R] {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := entryKey{location, kind}
	e, ok := c.entries[k]
	if !ok {
		e = &entry[R]{}
		c.entries[k] = e
	}
	return e
}

// locked returns the (location, kind) snapshot locked, listed again first when it is older
// than the TTL or force is set. The caller unlocks it.
func (c *Cache[R]) locked(ctx context.Context, location, kind string, force bool) (*entry[R], error) {
	e := c.entry(location, kind)
	e.mu.Lock()
	now := c.opts.Clock.Now()
	if e.filled && !force && c.opts.TTL > 0 && now.Sub(e.at) < c.opts.TTL {
		return e, nil
	}
	rs, err := c.opts.List(ctx, location, kind)
	if err != nil {
		e.mu.Unlock()
		return nil, err
	}
	e.filled, e.at = true, now
	e.version++
	e.byName, e.groups = map[string]R{}, map[string]map[string]bool{}
	for _, r := range rs {
		e.put(c.opts, r)
	}
	return e, nil
}

func (e *entry[R]) put(opts Options[R], r R) {
	name := opts.Name(r)
	if old, ok := e.byName[name]; ok {
		e.ungroup(opts, old, name)
	}
	e.version++
	e.byName[name] = r
	if g := opts.Group(r); g != "" {
		if e.groups[g] == nil {
			e.groups[g] = map[string]bool{}
		}
		e.groups[g][name] = true
	}
}

func (e *entry[R]) ungroup(opts Options[R], r R, name string) {
	if g := opts.Group(r); g != "" {
		delete(e.groups[g], name)
		if len(e.groups[g]) == 0 {
			delete(e.groups, g)
		}
	}
}

// Get returns one resource of the snapshot.
func (c *Cache[R]) Get(ctx context.Context, location, kind, name string) (R, bool, error) {
	e, err := c.locked(ctx, location, kind, false)
	if err != nil {
		var zero R
		return zero, false, err
	}
	defer e.mu.Unlock()
	r, ok := e.byName[name]
	return r, ok, nil
}

// Group returns the resources of one group, sorted by name.
func (c *Cache[R]) Group(ctx context.Context, location, kind, group string) ([]R, error) {
	e, err := c.locked(ctx, location, kind, false)
	if err != nil {
		return nil, err
	}
	defer e.mu.Unlock()
	return e.sorted(e.groups[group]), nil
}

// All returns every resource of the snapshot, sorted by name.
func (c *Cache[R]) All(ctx context.Context, location, kind string) ([]R, error) {
	e, err := c.locked(ctx, location, kind, false)
	if err != nil {
		return nil, err
	}
	defer e.mu.Unlock()
	all := make(map[string]bool, len(e.byName))
	for n := range e.byName {
		all[n] = true
	}
	return e.sorted(all), nil
}

// Version returns a number that changes whenever the (location, kind) snapshot does (a
// list, a Put, a Remove), once the snapshot is as fresh as any read makes it: a caller may
// keep what it derived from All until the version changes, instead of deriving it again
// for every load balancer.
func (c *Cache[R]) Version(ctx context.Context, location, kind string) (uint64, error) {
	e, err := c.locked(ctx, location, kind, false)
	if err != nil {
		return 0, err
	}
	defer e.mu.Unlock()
	return e.version, nil
}

// Refresh lists the cloud now, whatever the snapshot's age: for a read that must not miss a
// resource made in the last TTL (the orphan sweep).
func (c *Cache[R]) Refresh(ctx context.Context, location, kind string) error {
	e, err := c.locked(ctx, location, kind, true)
	if err != nil {
		return err
	}
	e.mu.Unlock()
	return nil
}

// sorted returns the resources named, sorted by name.
func (e *entry[R]) sorted(names map[string]bool) []R {
	sortedNames := make([]string, 0, len(names))
	for n := range names {
		sortedNames = append(sortedNames, n)
	}
	slices.SortFunc(sortedNames, strings.Compare)
	out := make([]R, 0, len(sortedNames))
	for _, n := range sortedNames {
		out = append(out, e.byName[n])
	}
	return out
}

// Put records a resource the provider just created or changed. A snapshot not read yet is
// left empty: its first read lists the cloud, which holds the write.
func (c *Cache[R]) Put(location, kind string, r R) {
	e := c.entry(location, kind)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.filled {
		e.put(c.opts, r)
	}
}

// Remove records a resource the provider just deleted (or found gone).
func (c *Cache[R]) Remove(location, kind, name string) {
	e := c.entry(location, kind)
	e.mu.Lock()
	defer e.mu.Unlock()
	if r, ok := e.byName[name]; ok {
		e.ungroup(c.opts, r, name)
		delete(e.byName, name)
		e.version++
	}
}

// Invalidate makes the next read list the cloud again: for a write whose outcome is unknown
// (a timeout) or that showed the snapshot wrong (a name taken, a resource missing).
func (c *Cache[R]) Invalidate(location, kind string) {
	e := c.entry(location, kind)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.filled = false
}
