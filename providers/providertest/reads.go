package providertest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/portico-dev/portico/providers"
)

// defaultLoadBalancers is the N of the read checks.
const defaultLoadBalancers = 300

// testReads makes N load balancers, then checks what a pass over all of them reads: a
// steady resync reads nothing per load balancer beyond one shared snapshot of the cloud, and
// a restart (a new provider, nothing cached) reads at most N/100 lists, with a floor of one
// per kind, plus one read per resource of a kind the cloud cannot list. Neither writes.
func (s *suite) testReads(t *testing.T) {
	s.require(t, ReadCounts)
	n := s.h.LoadBalancers
	if n <= 0 {
		n = defaultLoadBalancers
	}
	cloud := s.h.NewCloud(t)
	p := cloud.Provider(clusterA)
	wants := make([]*providers.Desired, n)
	for i := range wants {
		wants[i] = s.build(p, web(s, fmt.Sprintf("lb-%04d", i)))
		mustEnsure(t, p, wants[i])
	}
	lists, single := s.readBound(n, cloud.Resources())
	check := func(t *testing.T, p providers.Provider) {
		before := cloud.Counts()
		for _, want := range wants {
			mustEnsure(t, p, want)
		}
		got := cloud.Counts().Sub(before)
		if got.Writes != 0 {
			t.Errorf("a pass over %d unchanged load balancers wrote %d time(s); want none", n, got.Writes)
		}
		if got.Reads > lists+single {
			t.Errorf("a pass over %d load balancers read the cloud %d times (%.1f per load balancer); at most %d: "+
				"%d lists (N/100, at least one per page of each of %d kinds) and %d reads of resources the cloud cannot list",
				n, got.Reads, float64(got.Reads)/float64(n), lists+single, lists, len(s.h.Kinds), single)
		}
	}
	t.Run("SteadyResync", func(t *testing.T) { check(t, p) })
	t.Run("Restart", func(t *testing.T) {
		s.require(t, Restart)
		check(t, cloud.Provider(clusterA))
	})
}

// readBound returns the reads a pass over n load balancers may make: lists (N/100, at least
// every page of one list per kind), and single reads of the resources of the kinds the cloud
// reads one at a time.
func (s *suite) readBound(n int, rs []Resource) (lists, single int) {
	perKind := map[string]int{}
	for _, r := range rs {
		perKind[r.Kind]++
		if slices.Contains(s.h.ReadOneAtATime, r.Kind) {
			single++
		}
	}
	pages := 0
	for _, kind := range s.h.Kinds {
		pages += s.pagesOf(perKind[kind])
	}
	return max(n/100, pages), single
}

// pagesOf is how many list calls read count resources of one kind: one at least.
func (s *suite) pagesOf(count int) int {
	if s.h.PageSize <= 0 || count <= s.h.PageSize {
		return 1
	}
	return (count + s.h.PageSize - 1) / s.h.PageSize
}
