package retry

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/providers"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		name       string
		status     Status
		kind       providers.ErrorKind
		reason     string
		sentinel   error
		retryAfter time.Duration
	}{
		{"429 keeps Retry-After", Status{Code: 429, RetryAfter: 7 * time.Second}, providers.KindRetryable, ReasonThrottled, nil, 7 * time.Second},
		{"503", Status{Code: 503, RetryAfter: time.Second}, providers.KindRetryable, ReasonUnavailable, nil, time.Second},
		{"500", Status{Code: 500}, providers.KindRetryable, ReasonUnavailable, nil, 0},
		{"502", Status{Code: 502}, providers.KindRetryable, ReasonUnavailable, nil, 0},
		{"google 403 rateLimitExceeded", Status{Code: 403, Reason: "rateLimitExceeded"}, providers.KindRetryable, ReasonThrottled, nil, 0},
		{"aws 400 Throttling", Status{Code: 400, Reason: "Throttling"}, providers.KindRetryable, ReasonThrottled, nil, 0},
		{"google 403 quotaExceeded", Status{Code: 403, Reason: "quotaExceeded"}, providers.KindQuota, ReasonQuotaExceeded, nil, 0},
		{"google 403 QUOTAEXCEEDED any case", Status{Code: 403, Reason: "QUOTAEXCEEDED"}, providers.KindQuota, ReasonQuotaExceeded, nil, 0},
		{"aws 400 TooManyLoadBalancers", Status{Code: 400, Reason: "TooManyLoadBalancers"}, providers.KindQuota, ReasonQuotaExceeded, nil, 0},
		{"aws 400 LimitExceeded", Status{Code: 400, Reason: "LimitExceeded"}, providers.KindQuota, ReasonQuotaExceeded, nil, 0},
		{"403 forbidden", Status{Code: 403, Reason: "forbidden"}, providers.KindConflict, ReasonPermissionDenied, nil, 0},
		{"401", Status{Code: 401}, providers.KindConflict, ReasonPermissionDenied, nil, 0},
		{"404", Status{Code: 404, Reason: "notFound"}, providers.KindNotFound, ReasonCloudNotFound, nil, 0},
		{"409 alreadyExists", Status{Code: 409, Reason: "alreadyExists"}, providers.KindConflict, ReasonNameTaken, ErrAlreadyExists, 0},
		{"aws 400 DuplicateLoadBalancerName", Status{Code: 400, Reason: "DuplicateLoadBalancerName"}, providers.KindConflict, ReasonNameTaken, ErrAlreadyExists, 0},
		{"409 resourceNotReady", Status{Code: 409, Reason: "resourceNotReady"}, providers.KindRetryable, ReasonUnavailable, nil, 0},
		{"412 conditionNotMet", Status{Code: 412, Reason: "conditionNotMet"}, providers.KindRetryable, ReasonStale, ErrStale, 0},
		{"google 400 resourceInUseByAnotherResource", Status{Code: 400, Reason: "resourceInUseByAnotherResource"}, providers.KindRetryable, ReasonInUse, ErrInUse, 0},
		{"aws 400 ResourceInUse", Status{Code: 400, Reason: "ResourceInUse"}, providers.KindRetryable, ReasonInUse, ErrInUse, 0},
		{"400 invalid", Status{Code: 400, Reason: "invalid", Message: "Invalid value for field 'resource.name'"}, providers.KindInvalid, ReasonCloudRejected, nil, 0},
		{"418 unexpected", Status{Code: 418}, providers.KindRetryable, ReasonCloudError, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Classify("insert backend service bs-x", tc.status)
			e, ok := providers.AsError(err)
			if !ok {
				t.Fatalf("Classify returned %v, not a providers error", err)
			}
			if e.Kind != tc.kind || e.Reason != tc.reason {
				t.Errorf("kind %s reason %s, want %s %s", e.Kind, e.Reason, tc.kind, tc.reason)
			}
			if e.RetryAfter != tc.retryAfter {
				t.Errorf("RetryAfter %v, want %v", e.RetryAfter, tc.retryAfter)
			}
			for _, s := range []error{ErrAlreadyExists, ErrStale, ErrInUse} {
				if got := errors.Is(err, s); got != errors.Is(s, tc.sentinel) {
					t.Errorf("errors.Is(err, %q) = %v", s, got)
				}
			}
			if got, ok := StatusOf(err); !ok || got != tc.status {
				t.Errorf("StatusOf = %+v %v, want the cloud's answer", got, ok)
			}
			if !strings.Contains(err.Error(), "insert backend service bs-x") || !strings.Contains(err.Error(), tc.status.Message) {
				t.Errorf("the message does not name the call and the cloud's words: %q", err)
			}
		})
	}
}

func TestClassifySuccessIsNil(t *testing.T) {
	for _, code := range []int{200, 204} {
		if err := Classify("get", Status{Code: code}); err != nil {
			t.Errorf("%d: %v", code, err)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"soon", 0},
		{"99999999999", maxRetryAfter},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{now.Add(48 * time.Hour).Format(http.TimeFormat), maxRetryAfter},
	}
	for _, tc := range cases {
		if got := ParseRetryAfter(tc.header, now); got != tc.want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}
