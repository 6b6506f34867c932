package retry

import (
	"math/rand/v2"
	"net/http"
	"time"
)

// CallPolicy is how often, and how patiently, one cloud call is retried inside the SDK
// when the cloud answers 429 or 5xx: a few times, after short jittered waits, so that a
// blip costs a load balancer nothing while a storm fails the call quickly and leaves the
// pacing to the controller's requeue backoff. Never a hot loop: every retry waits, and the
// attempts are bounded.
type CallPolicy struct {
	// Backoff gives the wait before retry n, of which a random part is taken (full jitter,
	// so that calls throttled together do not retry together).
	Backoff Backoff
	// Retries bounds the retries of one call; the call is made at most Retries+1 times.
	Retries int
}

// DefaultCallPolicy waits at most 25+50+100+200 ms over four retries.
var DefaultCallPolicy = CallPolicy{Backoff: Backoff{Initial: 25 * time.Millisecond, Factor: 2, Max: time.Second}, Retries: 4}

// RetryableStatus reports whether an HTTP status is one a call is retried on: 429 and the
// 5xx a cloud answers when it is overloaded or unavailable.
func RetryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Wait returns the wait before retry n (0 is the first): a random part of the backoff's
// delay, or the cloud's Retry-After when that is longer, bounded by the backoff's Max.
func (p CallPolicy) Wait(n int, retryAfter time.Duration) time.Duration {
	d := p.Backoff.Delay(n)
	d = time.Duration(1 + rand.Int64N(int64(d)))
	if retryAfter > d {
		d = min(retryAfter, p.Backoff.withDefaults().Max)
	}
	return d
}
