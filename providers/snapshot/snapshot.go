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

// entry is one (location, kind) snapshot. Its first list holds its lock, so concurrent
// readers wait for that list instead of making their own. Once filled, an expired snapshot
// is listed again by the one reader that finds it expired, without the lock: the others
// keep reading it meanwhile, instead of all the provider's workers stalling for a list of
// every load balancer's resources, and the writes that land during the list are journaled
// and applied to its result.
type entry[R any] struct {
	mu     sync.Mutex
	filled bool
	at     time.Time
	byName map[string]R
	groups map[string]map[string]bool // group -> names
	gen    uint64                     // changes with every fill and invalidation
	// version counts the changes of the snapshot: lists, puts and removes.
	version    uint64
	refreshing bool
	journal    []func(*entry[R], Options[R]) // the writes made during the refresh
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
// than the TTL (by this reader, unless another is already listing it) or force is set. The
// caller unlocks it.
func (c *Cache[R]) locked(ctx context.Context, location, kind string, force bool) (*entry[R], error) {
	e := c.entry(location, kind)
	e.mu.Lock()
	for {
		now := c.opts.Clock.Now()
		switch {
		case e.filled && !force && c.opts.TTL > 0 && now.Sub(e.at) < c.opts.TTL:
			return e, nil
		case e.filled && !force && e.refreshing:
			return e, nil // another reader lists it: this one reads what is there
		case e.filled && !force:
			if done, err := c.refresh(ctx, e, location, kind, now); done || err != nil {
				return e, err
			}
		default:
			rs, err := c.opts.List(ctx, location, kind)
			if err != nil {
				e.mu.Unlock()
				return nil, err
			}
			e.fill(c.opts, rs, now)
			return e, nil
		}
	}
}

// refresh lists an expired snapshot again without its lock, then fills it with the list and
// the writes journaled meanwhile. done is false when a fill or an invalidation came first:
// the list may predate them, so it is dropped and the caller looks again. On an error the
// snapshot stays as it was, and unlocked.
func (c *Cache[R]) refresh(ctx context.Context, e *entry[R], location, kind string, now time.Time) (done bool, err error) {
	gen := e.gen
	e.refreshing, e.journal = true, nil
	e.mu.Unlock()
	rs, err := c.opts.List(ctx, location, kind)
	e.mu.Lock()
	e.refreshing = false
	journal := e.journal
	e.journal = nil
	if err != nil {
		e.mu.Unlock()
		return true, err
	}
	if e.gen != gen {
		return false, nil
	}
	e.fill(c.opts, rs, now)
	for _, apply := range journal {
		apply(e, c.opts)
	}
	return true, nil
}

// fill replaces the snapshot with a list.
func (e *entry[R]) fill(opts Options[R], rs []R, now time.Time) {
	e.filled, e.at = true, now
	e.gen++
	e.version++
	e.byName, e.groups = map[string]R{}, map[string]map[string]bool{}
	for _, r := range rs {
		e.put(opts, r)
	}
}

// record applies a write to the snapshot, and journals it while a refresh is listing.
func (e *entry[R]) record(opts Options[R], apply func(*entry[R], Options[R])) {
	if e.filled {
		apply(e, opts)
	}
	if e.refreshing {
		e.journal = append(e.journal, apply)
	}
}

func (e *entry[R]) put(opts Options[R], r R) {
	name := opts.Name(r)
	if old, ok := e.byName[name]; ok {
		e.ungroup(opts, old, name)
	}
	e.byName[name] = r
	e.version++
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
	e.record(c.opts, func(e *entry[R], opts Options[R]) { e.put(opts, r) })
}

// Remove records a resource the provider just deleted (or found gone).
func (c *Cache[R]) Remove(location, kind, name string) {
	e := c.entry(location, kind)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.record(c.opts, func(e *entry[R], opts Options[R]) {
		if r, ok := e.byName[name]; ok {
			e.ungroup(opts, r, name)
			delete(e.byName, name)
			e.version++
		}
	})
}

// Invalidate makes the next read list the cloud again: for a write whose outcome is unknown
// (a timeout) or that showed the snapshot wrong (a name taken, a resource missing). A list
// under way when it comes is dropped.
func (c *Cache[R]) Invalidate(location, kind string) {
	e := c.entry(location, kind)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.filled = false
	e.gen++
	e.version++
}
