package gcp

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/api/googleapi"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/retry"
)

// quickRetries keeps the tests fast: the policy's shape, with waits of a millisecond or two.
var quickRetries = retry.CallPolicy{Backoff: retry.Backoff{Initial: time.Millisecond, Factor: 2, Max: 4 * time.Millisecond}, Retries: 4}

// retryingProvider is a provider over gcptest whose clients retry as Dial's do, and which
// lists on every read, so that each Ensure reads Google.
func retryingProvider(t *testing.T) (*Provider, *gcptest.Server) {
	t.Helper()
	tc := newTestCloud(t, gcptest.Options{OperationPolls: 1})
	p := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: WithRetries(tc.client.api, quickRetries), SnapshotTTL: -1, Retry: quickRetries})
	return p, tc.srv
}

// A 503 on a read is retried inside the SDK: the Ensure that meets it succeeds, and the
// read was made again.
func TestA503OnAReadIsRetriedWithinOneEnsure(t *testing.T) {
	p, srv := retryingProvider(t)
	d := full(t, "blip")
	if _, err := p.Ensure(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	srv.ResetCalls()
	srv.FailNextCalls(http.StatusServiceUnavailable)
	if _, err := p.Ensure(t.Context(), d); err != nil {
		t.Fatalf("an Ensure that met one 503 failed: %v", err)
	}
	calls := srv.Calls()
	if calls[0].Status != http.StatusServiceUnavailable || calls[1].Path != calls[0].Path || calls[1].Status != http.StatusOK {
		t.Errorf("calls %v: want the 503 read made again at once", calls[:2])
	}
	if srv.Writes() != 0 {
		t.Errorf("a resync that met a 503 wrote %d times", srv.Writes())
	}
}

// A storm of 429s costs each Ensure a bounded number of calls, each retry after a wait, and
// ends in a retryable error for the controller's requeue backoff: never a hot loop.
func TestA429StormNeverMakesAHotLoop(t *testing.T) {
	p, srv := retryingProvider(t)
	d := full(t, "storm")
	srv.SetFaults(gcptest.Faults{ErrorRate: 1, Codes: []int{http.StatusTooManyRequests}})
	for range 3 {
		srv.ResetCalls()
		_, err := p.Ensure(t.Context(), d)
		if !providers.IsRetryable(err) {
			t.Fatalf("under a 429 storm Ensure answered %v, want a retryable error", err)
		}
		if n := len(srv.Calls()); n != quickRetries.Retries+1 {
			t.Errorf("an Ensure under a 429 storm made %d calls, want %d: the first read and its retries", n, quickRetries.Retries+1)
		}
	}
}

// A write whose answer is lost (applied, then 503) is retried with the same requestId, and
// Google answers with the operation it started: one resource, no alreadyExists.
func TestALostWriteIsRetriedWithItsRequestID(t *testing.T) {
	p, srv := retryingProvider(t)
	d := loadBalancer("lost").http().backend("web").defaultBackend("web").d
	srv.ResetCalls()
	srv.LoseNextResponses(1)
	if _, err := p.Ensure(t.Context(), d); err != nil {
		t.Fatalf("an Ensure whose first write's answer was lost failed: %v", err)
	}
	var writes []gcptest.Call
	for _, c := range srv.Calls() {
		if c.Write {
			writes = append(writes, c)
			if c.RequestID == "" {
				t.Errorf("%s %s carries no requestId", c.Method, c.Path)
			}
		}
	}
	if len(writes) < 2 || writes[0].Status != http.StatusServiceUnavailable || writes[1].RequestID != writes[0].RequestID || writes[1].Path != writes[0].Path {
		t.Fatalf("writes %v: want the lost write sent again with its requestId", writes[:2])
	}
	n := 0
	for _, r := range srv.Inventory() {
		if strings.Contains(r, "/healthChecks/") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d health checks after a lost insert, want 1", n)
	}
}

// The retryer retries Google's 429 and 5xx a bounded number of times, after waits within
// the policy's bound (a Retry-After too), and never a refusal or a transport failure, whose
// write may have landed.
func TestRetryerRetriesOnlyThrottlingAndUnavailability(t *testing.T) {
	policy := retry.CallPolicy{Backoff: retry.Backoff{Initial: 10 * time.Millisecond, Factor: 2, Max: 40 * time.Millisecond}, Retries: 3}
	r := &retryer{policy: policy}
	throttled := &googleapi.Error{Code: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"120"}}}
	for i := range 3 {
		d, ok := r.Retry(throttled)
		if !ok || d <= 0 || d > 40*time.Millisecond {
			t.Errorf("retry %d: %v %v; want a wait within 40ms, the Retry-After bounded", i, d, ok)
		}
	}
	if _, ok := r.Retry(throttled); ok {
		t.Error("a fourth retry under a policy of three")
	}
	for _, err := range []error{&googleapi.Error{Code: http.StatusBadRequest}, &googleapi.Error{Code: http.StatusPreconditionFailed},
		errors.New("connection reset by peer")} {
		if _, ok := (&retryer{policy: policy}).Retry(err); ok {
			t.Errorf("%v was retried", err)
		}
	}
	if _, ok := (&retryer{policy: policy}).Retry(fmt.Errorf("list: %w", &googleapi.Error{Code: http.StatusBadGateway})); !ok {
		t.Error("a wrapped 502 was not retried")
	}
}
