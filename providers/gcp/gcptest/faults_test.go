package gcptest

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

func TestFailNextCalls(t *testing.T) {
	at := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	e := newEnv(t, Options{Now: func() time.Time { return at }})
	e.srv.FailNextCalls(http.StatusTooManyRequests, http.StatusServiceUnavailable)
	req := &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck("hc", "/")}
	_, err := e.c.HealthChecks.Insert(e.ctx, req)
	wantAPIError(t, err, http.StatusTooManyRequests, "rateLimitExceeded")
	_, err = e.c.HealthChecks.Insert(e.ctx, req)
	wantAPIError(t, err, http.StatusServiceUnavailable, "backendError")
	e.done(e.c.HealthChecks.Insert(e.ctx, req))

	want := []Call{
		{Method: "POST", Path: "/compute/v1/projects/p/global/healthChecks", Status: 429, Permission: "compute.healthChecks.create", Write: true, At: at},
		{Method: "POST", Path: "/compute/v1/projects/p/global/healthChecks", Status: 503, Permission: "compute.healthChecks.create", Write: true, At: at},
		{Method: "POST", Path: "/compute/v1/projects/p/global/healthChecks", Status: 200, Permission: "compute.healthChecks.create", Write: true, At: at},
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

func TestLostResponses(t *testing.T) {
	e := newEnv(t, Options{})
	e.srv.LoseNextResponses(2)
	req := &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck("hc", "/"),
		RequestId: proto.String("0b7e4e0c-7a51-4d2e-9c39-56f1a2b3c4d5")}
	_, err := e.c.HealthChecks.Insert(e.ctx, req)
	wantAPIError(t, err, http.StatusServiceUnavailable, "backendError")
	if got := e.srv.Inventory(); !reflect.DeepEqual(got, []string{"projects/p/global/healthChecks/hc"}) {
		t.Fatalf("a lost answer must still apply the change: %v", got)
	}
	_, err = e.c.HealthChecks.Insert(e.ctx, req)
	wantAPIError(t, err, http.StatusServiceUnavailable, "backendError")
	e.done(e.c.HealthChecks.Insert(e.ctx, req))
	if got := len(e.srv.Inventory()); got != 1 {
		t.Fatalf("retries with the same requestId made %d resources", got)
	}
}

func TestConcurrentClients(t *testing.T) {
	e := newEnv(t, Options{OperationPolls: 1})
	errs := make(chan error, 20)
	for i := range 20 {
		go func() {
			op, err := e.c.HealthChecks.Insert(e.ctx, &computepb.InsertHealthCheckRequest{Project: proj,
				HealthCheckResource: healthCheck(fmt.Sprintf("hc-%02d", i), "/")})
			if err == nil {
				_, err = e.c.GlobalOperations.Wait(e.ctx, &computepb.WaitGlobalOperationRequest{Project: proj, Operation: op.Name()})
			}
			errs <- err
		}()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := len(e.srv.Inventory()); got != 20 {
		t.Fatalf("%d resources after 20 concurrent inserts", got)
	}
}

func TestRetriedPatchAfterLostAnswerIsNotStale(t *testing.T) {
	e := newEnv(t, Options{})
	e.createGraph()
	read := e.urlMap("lb-um")
	req := &computepb.PatchUrlMapRequest{Project: proj, UrlMap: "lb-um", RequestId: proto.String("3d6f8a2b-1c4e-4f5a-8b9c-0d1e2f3a4b5c"),
		UrlMapResource: &computepb.UrlMap{Fingerprint: read.Fingerprint, Description: proto.String("v2")}}
	e.srv.LoseNextResponses(1)
	_, err := e.c.URLMaps.Patch(e.ctx, req)
	wantAPIError(t, err, http.StatusServiceUnavailable, "")
	e.done(e.c.URLMaps.Patch(e.ctx, req))
	req.RequestId = nil
	_, err = e.c.URLMaps.Patch(e.ctx, req)
	wantAPIError(t, err, http.StatusPreconditionFailed, "conditionNotMet")
	if got := e.urlMap("lb-um").GetDescription(); got != "v2" {
		t.Fatalf("description = %q", got)
	}
}
