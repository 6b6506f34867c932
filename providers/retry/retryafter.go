package retry

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfter bounds what a Retry-After header can make the controller wait, so that a
// hostile or broken answer never parks a load balancer for days.
const maxRetryAfter = 10 * time.Minute

// ParseRetryAfter reads an HTTP Retry-After header, in seconds or as an HTTP date, relative
// to now. It returns 0 for an empty, unreadable or past value, and at most 10 minutes.
func ParseRetryAfter(header string, now time.Time) time.Duration {
	header = strings.TrimSpace(header)
	if header == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(header, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if at, err := http.ParseTime(header); err == nil {
		d = at.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}
