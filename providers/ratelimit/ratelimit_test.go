package ratelimit

import (
	"context"
	"errors"
	"flag"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/steptime"
)

func newLimiter(t *testing.T, c Config, clock *steptime.Clock) *Limiter {
	t.Helper()
	l, err := New(c, clock)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestWritesOfEveryLoadBalancerShareOneRate(t *testing.T) {
	clock := steptime.At(time.Unix(1000, 0))
	l := newLimiter(t, Config{WritesPerSecond: 10, WriteBurst: 2}, clock)
	// Two load balancers' reconciles take turns with one limiter: after the burst, every
	// write waits a tenth of a second, whichever load balancer it is for.
	for i := range 6 {
		if err := l.Wait(context.Background(), Write); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	want := []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}
	if got := clock.Waits(); !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v: a burst of 2 then 10 a second", got, want)
	}
	if elapsed := clock.Now().Sub(time.Unix(1000, 0)); elapsed != 400*time.Millisecond {
		t.Errorf("6 writes took %v, want 400ms", elapsed)
	}
}

func TestClassesHaveTheirOwnRates(t *testing.T) {
	clock := &steptime.Clock{}
	l := newLimiter(t, Config{WritesPerSecond: 1, WriteBurst: 1, ReadsPerSecond: 1, ReadBurst: 1, PollsPerSecond: 0}, clock)
	for _, c := range []Class{Write, Read} {
		if err := l.Wait(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	// Polls are unlimited here, and the exhausted write and read buckets do not slow them.
	for range 100 {
		if err := l.Wait(context.Background(), Poll); err != nil {
			t.Fatal(err)
		}
	}
	if got := clock.Waits(); len(got) != 0 {
		t.Errorf("waited %v: a class spent another's tokens", got)
	}
	if err := l.Wait(context.Background(), Write); err != nil {
		t.Fatal(err)
	}
	if got := clock.Waits(); !slices.Equal(got, []time.Duration{time.Second}) {
		t.Errorf("the second write waited %v, want 1s", got)
	}
}

func TestAWaitEndsWithItsContextAndGivesBackItsToken(t *testing.T) {
	clock := steptime.Blocked()
	l := newLimiter(t, Config{WritesPerSecond: 10, WriteBurst: 1}, clock)
	if err := l.Wait(context.Background(), Write); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx, Write) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Wait = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait kept waiting after its context ended")
	}
	// The abandoned call returned its token: the next write waits one interval, not two.
	clock.SetBlocked(false)
	if err := l.Wait(context.Background(), Write); err != nil {
		t.Fatal(err)
	}
	if got := clock.Waits(); !slices.Equal(got, []time.Duration{100 * time.Millisecond}) {
		t.Errorf("the next write waited %v, want 100ms", got)
	}
}

func TestAWaitPastTheDeadlineFailsAtOnce(t *testing.T) {
	clock := steptime.At(time.Now())
	l := newLimiter(t, Config{WritesPerSecond: 1, WriteBurst: 1}, clock)
	if err := l.Wait(context.Background(), Write); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithDeadline(context.Background(), clock.Now().Add(100*time.Millisecond))
	defer cancel()
	if err := l.Wait(ctx, Write); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want DeadlineExceeded", err)
	}
	if got := clock.Waits(); len(got) != 0 {
		t.Errorf("waited %v for a call that could not make its deadline", got)
	}
}

func TestFlags(t *testing.T) {
	c := DefaultConfig()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c.BindFlags(fs)
	if err := fs.Parse([]string{"--cloud-writes-per-second=20", "--cloud-write-burst=5", "--cloud-reads-per-second=0"}); err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	want.WritesPerSecond, want.WriteBurst, want.ReadsPerSecond = 20, 5, 0
	if c != want {
		t.Errorf("flags gave %+v, want %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []Config{
		{WritesPerSecond: -1},
		{ReadsPerSecond: 5, ReadBurst: 0},
		{PollsPerSecond: 5},
	} {
		if _, err := New(c, nil); err == nil {
			t.Errorf("New(%+v) accepted a rate that lets no call through", c)
		}
	}
	if _, err := New(Config{}, nil); err != nil {
		t.Errorf("no limits at all is valid: %v", err)
	}
	l, _ := New(Config{}, nil)
	if err := l.Wait(context.Background(), "delete"); err == nil {
		t.Error("an unknown class was accepted")
	}
}

// TestConcurrentCallersShareTheRate runs many callers on the wall clock at a short rate:
// together they get no more than the rate allows (a lower bound on the time only, so that
// a slow machine never fails it).
func TestConcurrentCallersShareTheRate(t *testing.T) {
	l, err := New(Config{WritesPerSecond: 1000, WriteBurst: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const callers = 40
	start := time.Now()
	var wg sync.WaitGroup
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.Wait(context.Background(), Write); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if elapsed := time.Since(start); elapsed < (callers-2)*time.Millisecond {
		t.Errorf("%d writes at 1000/s took %v: the callers did not share one bucket", callers, elapsed)
	}
}
