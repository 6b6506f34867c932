package nginxfallback

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"
)

// recorder is an ApplyFunc that records the states it loaded, by their CatchAll name.
type recorder struct {
	mu     sync.Mutex
	loaded []string
	fail   map[string]error
}

func (r *recorder) apply(_ context.Context, in Input) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.loaded = append(r.loaded, in.CatchAll)
	return r.fail[in.CatchAll]
}

func (r *recorder) loads() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.loaded...)
}

func state(name string) Input { return Input{CatchAll: name} }

// runCoalescer runs a Coalescer on a fake clock until the test ends.
func runCoalescer(t *testing.T, apply ApplyFunc, interval time.Duration) (*Coalescer, *clocktesting.FakeClock, context.CancelFunc) {
	t.Helper()
	clock := clocktesting.NewFakeClock(time.Now())
	c := NewCoalescer(apply, CoalescerOptions{Interval: interval, Clock: clock})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = c.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return c, clock, cancel
}

func waitAll(t *testing.T, pending []*Pending) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	for _, p := range pending {
		errs = append(errs, p.Wait(ctx))
	}
	return errors.Join(errs...)
}

func TestCoalescerLoadsNothingBeforeSynced(t *testing.T) {
	r := &recorder{}
	c, _, _ := runCoalescer(t, r.apply, time.Hour)
	first, second := c.Update(state("partial")), c.Update(state("complete"))
	select {
	case <-first.Done():
		t.Fatal("a state was loaded before the caches synced")
	default:
	}
	c.Synced()
	if err := waitAll(t, []*Pending{first, second}); err != nil {
		t.Fatal(err)
	}
	if got := r.loads(); len(got) != 1 || got[0] != "complete" {
		t.Fatalf("loaded %v, want only the latest state, complete", got)
	}
}

// TestCoalescerBurstLoadsTheLatestOncePerInterval: the first state loads at once; a burst
// during the interval waits on the clock and then loads once, as its last state.
func TestCoalescerBurstLoadsTheLatestOncePerInterval(t *testing.T) {
	r := &recorder{}
	c, clock, _ := runCoalescer(t, r.apply, time.Minute)
	c.Synced()
	if err := waitAll(t, []*Pending{c.Update(state("s0"))}); err != nil {
		t.Fatal(err)
	}
	var burst []*Pending
	for i := 1; i <= 100; i++ {
		burst = append(burst, c.Update(state(fmt.Sprintf("s%d", i))))
	}
	waitUntil(t, "the coalescer to wait for its interval", clock.HasWaiters)
	clock.Step(time.Minute - time.Nanosecond)
	if !clock.HasWaiters() || len(r.loads()) != 1 {
		t.Fatalf("loaded %v before the interval passed", r.loads())
	}
	clock.Step(time.Nanosecond)
	if err := waitAll(t, burst); err != nil {
		t.Fatal(err)
	}
	if got := r.loads(); len(got) != 2 || got[1] != "s100" {
		t.Fatalf("loaded %v, want s0 then s100", got)
	}
}

// TestCoalescerReportsTheLoadThatIncludedEachUpdate: every update superseded before its
// load gets the result of the load of the state that replaced it.
func TestCoalescerReportsTheLoadThatIncludedEachUpdate(t *testing.T) {
	refused := errors.New("refused")
	r := &recorder{fail: map[string]error{"bad": refused}}
	c, clock, _ := runCoalescer(t, r.apply, time.Minute)
	older, bad := c.Update(state("older")), c.Update(state("bad"))
	c.Synced()
	if err := waitAll(t, []*Pending{older}); !errors.Is(err, refused) {
		t.Fatalf("superseded update: %v, want the error of the state that replaced it", err)
	}
	if err := bad.Wait(context.Background()); !errors.Is(err, refused) {
		t.Fatalf("bad update: %v", err)
	}
	good := c.Update(state("good"))
	waitUntil(t, "the coalescer to wait for its interval", clock.HasWaiters)
	clock.Step(time.Minute)
	if err := waitAll(t, []*Pending{good}); err != nil {
		t.Fatalf("the next state after a refused one: %v", err)
	}
}

func TestCoalescerShutdownAnswersWaitingUpdates(t *testing.T) {
	r := &recorder{}
	c, _, cancel := runCoalescer(t, r.apply, time.Minute)
	p := c.Update(state("never synced"))
	cancel()
	if err := p.Wait(context.Background()); !errors.Is(err, context.Canceled) {
		t.Fatalf("an update waiting at shutdown: %v, want context.Canceled", err)
	}
	if got := r.loads(); len(got) != 0 {
		t.Fatalf("loaded %v without a sync", got)
	}
	waitUntil(t, "Run to return", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.stopped != nil
	})
	if err := c.Update(state("late")).Wait(context.Background()); !errors.Is(err, context.Canceled) {
		t.Fatalf("an update after shutdown: %v, want context.Canceled at once", err)
	}
}
