package providertest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/portico-dev/portico/providers"
)

// FaultyCloud is a Cloud that can fail a share of its calls at random, as a real cloud does
// under load. A Cloud that is not one skips the check of convergence under faults; its
// harness should say why in Lacks (RandomFaults).
type FaultyCloud interface {
	Cloud
	// SetFaults replaces the faults the cloud injects from now on; the zero Faults turns them
	// off. The providers the cloud makes from the first call on retry as their production
	// wiring does (the provider's own retry of a throttled or unavailable call).
	SetFaults(f Faults)
	// Faulted returns how many calls the faults have failed so far, by any of their kinds.
	Faulted() int
	// Fields returns every resource of the cloud by an id, with its fields as text from
	// which what two clouds give the same resource differently (ids, timestamps, addresses
	// the cloud chose, fingerprints) is left out: two clouds that hold the same load
	// balancers return the same map.
	Fields() map[string]string
}

// Faults are what a FaultyCloud injects. Rates are shares of calls in [0, 1].
type Faults struct {
	// CallFailures is the share of calls that fail at once with a transient error (429 or
	// 503, throttled or unavailable), having changed nothing.
	CallFailures float64
	// OperationFailures is the share of writes that are accepted and then fail, having
	// changed nothing.
	OperationFailures float64
	// LostAnswers is the share of writes that take effect but whose answer is lost: the
	// caller gets a transient error for a change that happened.
	LostAnswers float64
	// Seed makes the injected faults reproducible.
	Seed int64
}

// faultPhase is one phase of the check under faults: it Ensures the load balancers of ensure
// (name → scenario) and Deletes those of deleted, which an earlier phase made.
type faultPhase struct {
	name    string
	ensure  map[string]func(s *suite, name string) *lbBuilder
	deleted []string
}

var faultPhases = []faultPhase{
	{name: "create", ensure: map[string]func(*suite, string) *lbBuilder{
		"plain": web, "shop": secure, "edited": secure, "doomed": web}},
	{name: "change and delete", ensure: map[string]func(*suite, string) *lbBuilder{
		"plain": web, "shop": secure, "edited": changed}, deleted: []string{"doomed"}},
}

// faultProbes are the requests whose backend each load balancer of the last phase must
// choose as in the fault-free run.
var faultProbes = [][2]string{
	{"shop.example.com", "/"}, {"shop.example.com", "/cart"}, {"shop.example.com", "/cart/x"},
	{"shop.example.com", "/api"}, {"shop.example.com", "/api/x"}, {"other.example.com", "/"},
}

// faultMaxPasses bounds the passes of a phase under faults before it counts as not converging.
const faultMaxPasses = 40

// faultRun is what a run of the phases left in its cloud.
type faultRun struct {
	cloud FaultyCloud
	// calls are the calls (reads and writes) of each pass of each phase.
	calls [][]int
}

// testConvergesUnderFaults runs the phases (four load balancers created, plain HTTP and
// HTTPS with a certificate, with pod and node backends; then one changed and one deleted)
// while 20% of the calls fail with 429 or 503, some writes fail after being accepted and
// some answers are lost. It follows the controller: a pass Ensures each load balancer, and
// Deletes each deleted one, that has not yet answered nil, and passes repeat, now and then
// from a restarted provider, until each has answered nil once (a nil is not retried, so it
// must mean done). Then the faults stop, and the cloud must hold exactly what the same
// phases leave without faults: the same resources with the same owners and fields, the
// same routing, nothing of the deleted load balancer (which Owned omits), and a resync by
// restarted providers writes nothing. No pass may hot-loop: each makes at most 4× the calls
// of a fault-free pass.
//
// It runs one fixed seed; PORTICO_CONTRACT_CRASH=all (make test-full) runs 40 more.
func (s *suite) testConvergesUnderFaults(t *testing.T) {
	s.require(t, RandomFaults)
	if _, ok := s.h.NewCloud(t).(FaultyCloud); !ok {
		t.Skipf("needs the capability %q: the cloud does not implement providertest.FaultyCloud", RandomFaults)
	}
	seeds := []int64{8}
	if os.Getenv(crashEnv) == "all" {
		for seed := int64(100); seed < 140; seed++ {
			seeds = append(seeds, seed)
		}
	}
	ref := s.runFaults(t, Faults{})
	if n := ref.cloud.Faulted(); n != 0 {
		t.Fatalf("without faults the cloud failed %d call(s)", n)
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			got := s.runFaults(t, Faults{CallFailures: 0.2, OperationFailures: 0.1, LostAnswers: 0.05, Seed: seed})
			s.compareFaultRuns(t, got, ref)
		})
	}
}

// runFaults runs the phases under the faults, each to convergence, and turns the faults off.
func (s *suite) runFaults(t *testing.T, f Faults) *faultRun {
	t.Helper()
	cloud := s.h.NewCloud(t).(FaultyCloud)
	run := &faultRun{cloud: cloud}
	cloud.SetFaults(f)
	defer cloud.SetFaults(Faults{})
	for _, ph := range faultPhases {
		p := cloud.Provider(clusterA)
		var ensure []*providers.Desired
		for _, name := range slices.Sorted(maps.Keys(ph.ensure)) {
			ensure = append(ensure, s.build(p, ph.ensure[name](s, name)))
		}
		deleted := slices.Clone(ph.deleted)
		var calls []int
		var errs []error
		for pass := 0; len(ensure)+len(deleted) > 0; pass++ {
			if pass == faultMaxPasses {
				cloud.SetFaults(Faults{})
				t.Fatalf("%s: no convergence after %d passes; the last errors:\n%v", ph.name, faultMaxPasses, errors.Join(errs...))
			}
			if pass > 0 && pass%3 == 0 && s.has(Restart) {
				p = cloud.Provider(clusterA) // the controller restarted
			}
			before := cloud.Counts()
			errs = nil
			ensure = slices.DeleteFunc(ensure, func(d *providers.Desired) bool {
				_, err := p.Ensure(context.Background(), d)
				if err != nil {
					errs = append(errs, fmt.Errorf("ensure %s: %w", d.Ref.Name, err))
				}
				return err == nil
			})
			deleted = slices.DeleteFunc(deleted, func(name string) bool {
				err := p.Delete(context.Background(), providers.Ref{Name: name, Location: p.Location(s.h.Params)})
				if err != nil {
					errs = append(errs, fmt.Errorf("delete %s: %w", name, err))
				}
				return err == nil
			})
			c := cloud.Counts().Sub(before)
			calls = append(calls, c.Reads+c.Writes)
		}
		run.calls = append(run.calls, calls)
	}
	return run
}

// compareFaultRuns checks a run under faults against the fault-free reference run.
func (s *suite) compareFaultRuns(t *testing.T, r, ref *faultRun) {
	checkNoHotLoop(t, r, ref)
	checkSameInventory(t, r, ref)
	s.checkSameService(t, r, ref)
	s.checkResyncWritesNothing(t, r)
}

// checkNoHotLoop: the faults did fail calls, and no pass made more than a few times the
// calls of a fault-free pass (each failed call is retried a bounded number of times).
func checkNoHotLoop(t *testing.T, r, ref *faultRun) {
	t.Logf("calls per pass, by phase: %v (fault-free: %v); the faults failed %d call(s)", r.calls, ref.calls, r.cloud.Faulted())
	if r.cloud.Faulted() == 0 {
		t.Fatal("no call failed under faults: the faults are not what the check says")
	}
	// No hot loop: a pass under faults makes at most a few times the calls of a fault-free
	// pass (each failed call is retried a bounded number of times).
	for i, passes := range r.calls {
		limit := 4 * ref.calls[i][0]
		for j, n := range passes {
			if n > limit {
				t.Errorf("phase %q pass %d made %d calls, more than %d (4× the fault-free pass's %d)", faultPhases[i].name, j, n, limit, ref.calls[i][0])
			}
		}
	}
}

// checkSameInventory: the cloud under faults holds what the fault-free one does, nothing
// leaked, duplicated or ownerless, every field the same.
func checkSameInventory(t *testing.T, r, ref *faultRun) {
	rs := r.cloud.Resources()
	if d := censusDiff(census(rs), census(ref.cloud.Resources())); d != "" {
		t.Errorf("the cloud under faults differs from the fault-free one (leaked or duplicated): %s", d)
	}
	if o := ownerless(rs); len(o) != 0 {
		t.Errorf("resources nobody owns, which no cluster will ever delete: %v", o)
	}
	want, got := ref.cloud.Fields(), r.cloud.Fields()
	if len(want) == 0 {
		t.Fatal("Fields lists no resource of the fault-free cloud")
	}
	if extra, missing := without(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))),
		without(slices.Sorted(maps.Keys(want)), slices.Sorted(maps.Keys(got))); len(extra)+len(missing) != 0 {
		t.Errorf("the inventory under faults differs from the fault-free one:\nextra %v\nmissing %v", extra, missing)
	}
	for id, w := range want {
		if g, ok := got[id]; ok && g != w {
			t.Errorf("%s differs from the fault-free run:\n got %s\nwant %s", id, g, w)
		}
	}
}

// checkSameService: nothing of a deleted load balancer is left, Owned lists the others,
// and each routes every probe as it does without faults.
func (s *suite) checkSameService(t *testing.T, r, ref *faultRun) {
	rs := r.cloud.Resources()
	last := faultPhases[len(faultPhases)-1]
	p := r.cloud.Provider(clusterA)
	loc := p.Location(s.h.Params)
	for _, name := range last.deleted {
		if left := ownedBy(rs, owner(clusterA, name)); len(left) != 0 {
			t.Errorf("resources of the deleted load balancer %s are left: %v", name, left)
		}
	}
	if got, want := refNames(mustOwn(t, p, loc)), slices.Sorted(maps.Keys(last.ensure)); !slices.Equal(got, want) {
		t.Errorf("Owned lists %v; want %v", got, want)
	}
	for _, name := range slices.Sorted(maps.Keys(last.ensure)) {
		d := s.build(p, last.ensure[name](s, name))
		for _, pr := range faultProbes {
			g, gok := r.cloud.Route(clusterA, d, pr[0], pr[1])
			w, wok := ref.cloud.Route(clusterA, d, pr[0], pr[1])
			if g != w || gok != wok {
				t.Errorf("%s: %s%s reaches %q (%v), want %q (%v) as without faults", name, pr[0], pr[1], g, gok, w, wok)
			}
		}
	}
}

// checkResyncWritesNothing: a resync of every load balancer, and a Delete of the deleted
// ones again, by two fresh providers (restarts, when the cloud has them), writes nothing.
func (s *suite) checkResyncWritesNothing(t *testing.T, r *faultRun) {
	last := faultPhases[len(faultPhases)-1]
	p := r.cloud.Provider(clusterA)
	loc := p.Location(s.h.Params)
	before := r.cloud.Counts()
	for range 2 {
		if s.has(Restart) {
			p = r.cloud.Provider(clusterA)
		}
		for _, name := range slices.Sorted(maps.Keys(last.ensure)) {
			if _, err := p.Ensure(context.Background(), s.build(p, last.ensure[name](s, name))); err != nil {
				t.Errorf("resync of %s: %v", name, err)
			}
		}
		for _, name := range last.deleted {
			if err := p.Delete(context.Background(), providers.Ref{Name: name, Location: loc}); err != nil {
				t.Errorf("delete %s again: %v", name, err)
			}
		}
	}
	if n := r.cloud.Counts().Sub(before).Writes; n != 0 {
		t.Errorf("a resync after convergence wrote %d time(s); want none", n)
	}
}
