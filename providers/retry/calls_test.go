package retry

import (
	"net/http"
	"testing"
	"time"
)

// A call's retry waits grow from the backoff's start, never past its Max, even when the
// cloud asks for longer: the controller's requeue handles a long throttle.
func TestCallPolicyWaitsAreJitteredAndBounded(t *testing.T) {
	p := CallPolicy{Backoff: Backoff{Initial: 10 * time.Millisecond, Factor: 2, Max: 80 * time.Millisecond}, Retries: 5}
	for n := range 8 {
		for range 50 {
			if d := p.Wait(n, 0); d <= 0 || d > p.Backoff.Delay(n) {
				t.Fatalf("wait %d is %v, want within (0, %v]", n, d, p.Backoff.Delay(n))
			}
		}
	}
	if d := p.Wait(0, time.Hour); d != 80*time.Millisecond {
		t.Errorf("a Retry-After of an hour waits %v, want the policy's max 80ms", d)
	}
	if d := p.Wait(0, 50*time.Millisecond); d != 50*time.Millisecond {
		t.Errorf("a Retry-After of 50ms waits %v", d)
	}
}

func TestRetryableStatusIsThrottlingAndUnavailability(t *testing.T) {
	for code, want := range map[int]bool{429: true, 500: true, 502: true, 503: true, 504: true,
		400: false, 403: false, 404: false, 409: false, 412: false, http.StatusNotImplemented: false} {
		if RetryableStatus(code) != want {
			t.Errorf("RetryableStatus(%d) = %v", code, !want)
		}
	}
}
