package ratelimit

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"
)

// TestJitterSpreadsItemsThatFailedTogether: a hundred load balancers that failed at the same
// moment, the same number of times, do not retry at the same moment: their delays spread over
// the upper half of the backoff.
func TestJitterSpreadsItemsThatFailedTogether(t *testing.T) {
	clk := clocktesting.NewFakePassiveClock(time.Unix(0, 0))
	src := rand.New(rand.NewPCG(1, 2))
	l := New[string](Options{Base: time.Second, Max: time.Minute, QPS: 1e6, Burst: 1e6, Clock: clk, Rand: src.Float64})
	const items = 100
	for round := 0; round < 3; round++ {
		lo, hi := time.Hour, time.Duration(0)
		distinct := map[time.Duration]bool{}
		for i := 0; i < items; i++ {
			d := l.When(fmt.Sprint(i))
			lo, hi = min(lo, d), max(hi, d)
			distinct[d] = true
		}
		full := time.Second << round
		if lo < full/2 || hi > full {
			t.Errorf("failure %d: delays %v..%v, want within [%v, %v]", round+1, lo, hi, full/2, full)
		}
		if hi-lo < full/4 || len(distinct) < items/2 {
			t.Errorf("failure %d: delays %v..%v with %d distinct values: they come back in lockstep", round+1, lo, hi, len(distinct))
		}
	}
}

// TestBackoffGrowsToItsCapAndResets: each failure doubles the delay up to the cap, and
// Forget (a success) starts again from the base.
func TestBackoffGrowsToItsCapAndResets(t *testing.T) {
	top := func() float64 { return 0.999999 }
	l := New[string](Options{Base: time.Second, Max: 10 * time.Second, QPS: 1e6, Burst: 1e6, Rand: top})
	var got []time.Duration
	for i := 0; i < 6; i++ {
		got = append(got, l.When("lb").Round(time.Second))
	}
	want := []time.Duration{1, 2, 4, 8, 10, 10}
	for i := range want {
		if got[i] != want[i]*time.Second {
			t.Fatalf("delays %v, want %v seconds", got, want)
		}
	}
	l.Forget("lb")
	if d := l.When("lb").Round(time.Second); d != time.Second {
		t.Errorf("after a success the next failure waits %v, want the base 1s", d)
	}
}

// TestOverallRateBoundsAnOutage: when every item fails at once, the bucket spaces their
// retries at the overall rate once the burst is spent, whatever each item's own backoff says.
func TestOverallRateBoundsAnOutage(t *testing.T) {
	clk := clocktesting.NewFakePassiveClock(time.Unix(0, 0))
	l := New[int](Options{Base: time.Millisecond, Max: time.Millisecond, QPS: 10, Burst: 20, Clock: clk})
	var last time.Duration
	for i := 0; i < 120; i++ {
		last = l.When(i)
	}
	// 20 go at once; the other 100 at 10 per second.
	if want := 10 * time.Second; last < want-100*time.Millisecond || last > want+100*time.Millisecond {
		t.Errorf("the 120th retry waits %v, want about %v at 10 per second after a burst of 20", last, want)
	}
	clk.SetTime(clk.Now().Add(time.Minute))
	if d := l.When(1000); d > 10*time.Millisecond {
		t.Errorf("after the bucket refilled a retry waits %v", d)
	}
}
