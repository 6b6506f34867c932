package retry

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/steptime"
)

func TestBackoffDelays(t *testing.T) {
	cases := []struct {
		name string
		b    Backoff
		want []time.Duration
	}{
		{"defaults start at tens of milliseconds", Backoff{}, []time.Duration{25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}},
		{"capped", Backoff{Initial: 10 * time.Millisecond, Factor: 3, Max: 50 * time.Millisecond}, []time.Duration{10 * time.Millisecond, 30 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond}},
		{"a factor below 1 still grows", Backoff{Initial: time.Millisecond, Factor: 0.5}, []time.Duration{time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond, 8 * time.Millisecond}},
	}
	for _, tc := range cases {
		for n, want := range tc.want {
			if got := tc.b.Delay(n); got != want {
				t.Errorf("%s: Delay(%d) = %v, want %v", tc.name, n, got, want)
			}
		}
	}
	if got := DefaultBackoff.Delay(1000); got != 5*time.Second {
		t.Errorf("Delay(1000) = %v, want the 5s cap", got)
	}
}

func TestPollWaitsOnTheClockUntilDone(t *testing.T) {
	clock := &steptime.Clock{}
	calls := 0
	err := Backoff{Clock: clock}.Poll(context.Background(), func(context.Context) (bool, error) {
		calls++
		return calls == 4, nil
	})
	if err != nil || calls != 4 {
		t.Fatalf("Poll = %v after %d calls, want nil after 4", err, calls)
	}
	want := []time.Duration{25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond}
	if len(clock.Waits()) != len(want) {
		t.Fatalf("waits %v, want %v", clock.Waits(), want)
	}
	for i := range want {
		if clock.Waits()[i] != want[i] {
			t.Errorf("wait %d = %v, want %v", i, clock.Waits()[i], want[i])
		}
	}
}

func TestPollStopsOnErrorAndContext(t *testing.T) {
	boom := errors.New("operation failed")
	err := Backoff{Clock: &steptime.Clock{}}.Poll(context.Background(), func(context.Context) (bool, error) { return false, boom })
	if !errors.Is(err, boom) {
		t.Errorf("Poll = %v, want the operation's error", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	clock := steptime.Blocked()
	done := make(chan error, 1)
	go func() {
		done <- Backoff{Clock: clock}.Poll(ctx, func(context.Context) (bool, error) { return false, nil })
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Poll = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Poll kept waiting after its context ended")
	}
}
