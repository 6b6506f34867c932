package gcptest

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"cloud.google.com/go/compute/apiv1/computepb"
)

func TestFailNextCalls(t *testing.T) {
	e := newEnv(t, Options{})
	e.srv.FailNextCalls(http.StatusTooManyRequests, http.StatusServiceUnavailable)
	req := &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck("hc", "/")}
	_, err := e.c.HealthChecks.Insert(e.ctx, req)
	wantAPIError(t, err, http.StatusTooManyRequests, "rateLimitExceeded")
	_, err = e.c.HealthChecks.Insert(e.ctx, req)
	wantAPIError(t, err, http.StatusServiceUnavailable, "backendError")
	e.done(e.c.HealthChecks.Insert(e.ctx, req))

	want := []Call{
		{Method: "POST", Path: "/compute/v1/projects/p/global/healthChecks", Status: 429, Permission: "compute.healthChecks.create", Write: true},
		{Method: "POST", Path: "/compute/v1/projects/p/global/healthChecks", Status: 503, Permission: "compute.healthChecks.create", Write: true},
		{Method: "POST", Path: "/compute/v1/projects/p/global/healthChecks", Status: 200, Permission: "compute.healthChecks.create", Write: true},
	}
	if got := e.srv.Calls()[:3]; !reflect.DeepEqual(got, want) {
		t.Fatalf("call log = %+v, want %+v", got, want)
	}
	if e.srv.Writes() != 3 || e.srv.Reads() != 1 {
		t.Fatalf("writes %d reads %d, want 3 and 1 (the operation poll)", e.srv.Writes(), e.srv.Reads())
	}
}

// insertUntilDone retries an insert the way a provider would: on a failed
// call, on a failed operation, and after a lost answer (409 means it landed).
func (e *env) insertUntilDone(name string) (attempts int) {
	e.t.Helper()
	for attempts = 1; attempts < 100; attempts++ {
		op, err := e.c.HealthChecks.Insert(e.ctx, &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck(name, "/")})
		if code, _ := apiCode(err); code == http.StatusConflict {
			return attempts
		}
		if err == nil && op.Wait(e.ctx) == nil {
			return attempts
		}
	}
	e.t.Fatalf("%s: not created after 100 attempts", name)
	return attempts
}

func TestFaultRatesConverge(t *testing.T) {
	e := newEnv(t, Options{})
	e.srv.SetFaults(Faults{ErrorRate: 0.3, OperationFailureRate: 0.2, Seed: 7})
	var want []string
	for i := range 30 {
		name := fmt.Sprintf("hc-%02d", i)
		e.insertUntilDone(name)
		want = append(want, "projects/p/global/healthChecks/"+name)
	}
	statuses := map[int]int{}
	for _, c := range e.srv.Calls() {
		statuses[c.Status]++
	}
	if statuses[http.StatusTooManyRequests] == 0 || statuses[http.StatusServiceUnavailable] == 0 {
		t.Fatalf("statuses = %v, want both injected codes", statuses)
	}
	e.srv.SetFaults(Faults{})
	if got := e.srv.Inventory(); !reflect.DeepEqual(got, want) {
		t.Fatalf("inventory = %v, want exactly %v", got, want)
	}
}

func TestLatency(t *testing.T) {
	e := newEnv(t, Options{})
	e.srv.SetFaults(Faults{Latency: 30 * time.Millisecond})
	start := time.Now()
	if _, err := e.c.Addresses.Get(e.ctx, &computepb.GetGlobalAddressRequest{Project: proj, Address: "none"}); err == nil {
		t.Fatal("found an address that does not exist")
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("the call took %v, less than the injected latency", d)
	}
}
