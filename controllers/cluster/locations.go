// Package cluster keeps what portico knows about the cluster it runs in: its ID, stored once
// in a ConfigMap, and every location each provider ever created resources in, so that the
// orphan sweep scans all of them.
package cluster

import (
	"context"
	"sort"
	"sync"
)

// Locations records every location each provider ever used.
type Locations interface {
	// Record adds a location of a provider; recording a known location writes nothing.
	Record(ctx context.Context, provider, location string) error
	// Of returns every recorded location of a provider, sorted.
	Of(provider string) []string
}

// MemoryLocations is a Locations held in memory only, for tests and tools.
type MemoryLocations struct {
	mu   sync.Mutex
	seen map[string]map[string]bool
}

var _ Locations = (*MemoryLocations)(nil)

// Record implements Locations.
func (m *MemoryLocations) Record(_ context.Context, provider, location string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = map[string]map[string]bool{}
	}
	if m.seen[provider] == nil {
		m.seen[provider] = map[string]bool{}
	}
	m.seen[provider][location] = true
	return nil
}

// Of implements Locations.
func (m *MemoryLocations) Of(provider string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.seen[provider]))
	for l := range m.seen[provider] {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}
