package providertest

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// testSecondEnsureWritesNothing ensures each scenario, then ensures it again with the same
// provider and with a restarted one: neither may write, nor report a change.
func (s *suite) testSecondEnsureWritesNothing(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			cloud := s.h.NewCloud(t)
			p := cloud.Provider(clusterA)
			want := s.build(p, sc.build(s, "idempotent"))
			mustEnsure(t, p, want)
			for _, again := range []struct {
				name    string
				restart bool
			}{{"the same provider", false}, {"a restarted provider", true}} {
				t.Run(again.name, func(t *testing.T) {
					p := p
					if again.restart {
						s.require(t, Restart)
						p = cloud.Provider(clusterA)
					}
					before := cloud.Counts()
					obs := mustEnsure(t, p, want)
					if n := cloud.Counts().Sub(before).Writes; n != 0 || len(obs.Changes) != 0 {
						t.Errorf("a second Ensure by %s wrote %d time(s) and reported changes %v; want none",
							again.name, n, actions(obs.Changes))
					}
				})
			}
		})
	}
}

// testPlanListsWhatEnsureDoes plans each update, checks that planning wrote nothing, then
// ensures it: Ensure must report exactly the planned actions, in order, each backed by a
// write, and a plan made afterwards must be empty.
func (s *suite) testPlanListsWhatEnsureDoes(t *testing.T) {
	ctx := context.Background()
	for _, tr := range updates {
		t.Run(tr.name, func(t *testing.T) {
			cloud := s.h.NewCloud(t)
			p := cloud.Provider(clusterA)
			if tr.from != nil {
				mustEnsure(t, p, s.build(p, tr.from(s, "planned")))
			}
			want := s.build(p, tr.to(s, "planned"))
			before := cloud.Counts()
			plan, err := p.Plan(ctx, want)
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			if n := cloud.Counts().Sub(before).Writes; n != 0 {
				t.Errorf("Plan wrote %d time(s); it must mutate nothing", n)
			}
			if plan.Empty() {
				t.Fatalf("the plan of %q is empty", tr.name)
			}
			before = cloud.Counts()
			obs := mustEnsure(t, p, want)
			planned, done := actions(plan.Actions), actions(obs.Changes)
			if !slices.Equal(planned, done) {
				t.Errorf("Plan listed:\n  %s\nEnsure did:\n  %s", strings.Join(planned, "\n  "), strings.Join(done, "\n  "))
			}
			n := cloud.Counts().Sub(before).Writes
			switch {
			case s.has(WritePerChange) && n < len(done):
				t.Errorf("Ensure reported %d changes but wrote %d time(s)", len(done), n)
			case !s.has(WritePerChange) && len(done) > 0 && n == 0:
				t.Errorf("Ensure reported %d changes but wrote nothing", len(done))
			}
			after, err := p.Plan(ctx, want)
			if err != nil {
				t.Fatalf("plan after ensure: %v", err)
			}
			if !after.Empty() {
				t.Errorf("after Ensure, Plan still lists:\n  %s", strings.Join(actions(after.Actions), "\n  "))
			}
		})
	}
}
