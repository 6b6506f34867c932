package providertest

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/portico-dev/portico/providers"
)

// crashEnv selects the full crash sweep: PORTICO_CONTRACT_CRASH=all runs every write index.
const crashEnv = "PORTICO_CONTRACT_CRASH"

// crashLB is the load balancer the crash checks take through its lifecycle.
const crashLB = "crashy"

// crashMode is how the write at the crash point fails, and who runs the next pass.
type crashMode struct {
	name string
	// landed: the write took effect, only its answer was lost.
	landed bool
	// restart: the next pass runs in a new provider, as after the controller crashed.
	restart bool
}

var crashModes = []crashMode{
	{name: "refused"},
	{name: "answer lost", landed: true},
	{name: "controller crashed", landed: true, restart: true},
}

// reference is what a transition does without a crash.
type reference struct {
	writes int
	census map[string]int
}

// testCrashAfterAnyWrite fails the kth write of a create, an update and a delete, in each
// crash mode, then runs the pass again: it must succeed, leave the cloud as a run without a
// crash leaves it (nothing leaked, nothing duplicated, nothing ownerless, the other
// cluster's load balancer untouched), and a further pass must write nothing.
func (s *suite) testCrashAfterAnyWrite(t *testing.T) {
	s.require(t, FailWrite, Clusters)
	all := os.Getenv(crashEnv) == "all"
	ran, total := 0, 0
	for _, tr := range lifecycle {
		ref := s.reference(t, tr)
		total += ref.writes * len(crashModes)
		for _, k := range crashPoints(ref.writes, all) {
			for _, m := range crashModes {
				ran++
				t.Run(fmt.Sprintf("%s/write %d of %d/%s", tr.name, k, ref.writes, m.name), func(t *testing.T) {
					s.crashAt(t, tr, k, m, ref)
				})
			}
		}
	}
	if all {
		t.Logf("ran all %d crash points (write index × crash mode; %s=all)", total, crashEnv)
		return
	}
	t.Logf("ran %d of %d crash points (write index × crash mode), a fixed sample of the first, middle and last write; %s=all (make test-full) runs every one",
		ran, total, crashEnv)
}

// crashPoints returns every write index of a pass of n writes, or the first, middle and last.
func crashPoints(n int, all bool) []int {
	if all {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out
	}
	return slices.Compact([]int{1, (n + 1) / 2, n})
}

// reference runs a transition without a crash, and checks it ends clean.
func (s *suite) reference(t *testing.T, tr transition) reference {
	t.Helper()
	cloud, p := s.start(t, tr)
	before := cloud.Counts()
	obs, err := s.pass(p, tr)
	if err != nil {
		t.Fatalf("%s without a crash: %v", tr.name, err)
	}
	ref := reference{writes: cloud.Counts().Sub(before).Writes, census: census(cloud.Resources())}
	if ref.writes == 0 {
		t.Fatalf("%s wrote nothing; the crash checks need writes", tr.name)
	}
	s.checkClean(t, cloud, p, tr, obs)
	return ref
}

// crashAt runs a transition whose kth write fails, then the pass that must converge.
func (s *suite) crashAt(t *testing.T, tr transition, k int, m crashMode, ref reference) {
	cloud, p := s.start(t, tr)
	cloud.FailWrite(k, m.landed)
	_, _ = s.pass(p, tr) // an error is expected; a provider may also retry within the pass
	cloud.FailWrite(0, false)
	if m.restart {
		p = cloud.Provider(clusterA)
	}
	obs, err := s.pass(p, tr)
	if err != nil {
		t.Fatalf("the pass after the failed write did not converge: %v", err)
	}
	if d := censusDiff(census(cloud.Resources()), ref.census); d != "" {
		t.Errorf("the cloud differs from a run without a crash (leaked or duplicated): %s", d)
	}
	s.checkClean(t, cloud, p, tr, obs)
	before := cloud.Counts()
	if _, err := s.pass(p, tr); err != nil {
		t.Fatalf("the pass after convergence: %v", err)
	}
	if n := cloud.Counts().Sub(before).Writes; n != 0 {
		t.Errorf("the pass after convergence wrote %d time(s); want none", n)
	}
}

// checkClean checks the cloud after a pass: no resource is ownerless; after an Ensure, it
// reported exactly the resources the cloud records as the load balancer's; after a Delete,
// the cloud holds none of them and Owned omits the load balancer.
func (s *suite) checkClean(t *testing.T, cloud Cloud, p providers.Provider, tr transition, obs *providers.Observed) {
	t.Helper()
	rs := cloud.Resources()
	if o := ownerless(rs); len(o) != 0 {
		t.Errorf("resources nobody owns, which no cluster will ever delete: %v", o)
	}
	mine := ownedBy(rs, owner(clusterA, crashLB))
	if tr.to == nil {
		if len(mine) != 0 {
			t.Errorf("Delete left resources of the load balancer: %v", mine)
		}
		ref := s.build(p, tr.from(s, crashLB)).Ref
		if owned := refNames(mustOwn(t, p, ref.Location)); len(owned) != 0 {
			t.Errorf("after Delete, Owned lists %v; want none", owned)
		}
		return
	}
	// A resource the cluster's load balancers share may be reported too: the cloud records
	// the cluster as its owner, not the load balancer.
	shared := withoutLocation(ownedBy(rs, owner(clusterA, "")))
	if got := without(observedNames(obs.Resources), shared); !slices.Equal(got, withoutLocation(mine)) {
		t.Errorf("Ensure reports the resources\n  %v\nthe cloud records as the load balancer's\n  %v", got, mine)
	}
}

// start makes a cloud with the transition's starting point, and the same load balancer of
// another cluster, which no crash may touch.
func (s *suite) start(t *testing.T, tr transition) (Cloud, providers.Provider) {
	t.Helper()
	cloud := s.h.NewCloud(t)
	other := cloud.Provider(clusterB)
	mustEnsure(t, other, s.build(other, web(s, crashLB)))
	p := cloud.Provider(clusterA)
	if tr.from != nil {
		mustEnsure(t, p, s.build(p, tr.from(s, crashLB)))
	}
	return cloud, p
}

// pass runs the transition once: an Ensure of its end, or a Delete.
func (s *suite) pass(p providers.Provider, tr transition) (*providers.Observed, error) {
	if tr.to == nil {
		ref := s.build(p, tr.from(s, crashLB)).Ref
		return nil, p.Delete(context.Background(), ref)
	}
	return p.Ensure(context.Background(), s.build(p, tr.to(s, crashLB)))
}
