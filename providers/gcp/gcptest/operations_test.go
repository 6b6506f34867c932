package gcptest

import (
	"net/http"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

func TestOperationsFinishAfterConfiguredPolls(t *testing.T) {
	e := newEnv(t, Options{OperationPolls: 2})
	op, err := e.c.HealthChecks.Insert(e.ctx, &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck("hc", "/")})
	if err != nil {
		t.Fatal(err)
	}
	if op.Done() {
		t.Fatal("the operation is DONE before any poll")
	}
	get := &computepb.GetGlobalOperationRequest{Project: proj, Operation: op.Name()}
	first, err := e.c.GlobalOperations.Get(e.ctx, get)
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.c.GlobalOperations.Wait(e.ctx, &computepb.WaitGlobalOperationRequest{Project: proj, Operation: op.Name()})
	if err != nil {
		t.Fatal(err)
	}
	if first.GetStatus() != computepb.Operation_RUNNING || second.GetStatus() != computepb.Operation_DONE {
		t.Fatalf("statuses = %v, %v; want RUNNING then DONE", first.GetStatus(), second.GetStatus())
	}
	if second.GetTargetLink() != link("healthChecks", "hc") || second.GetTargetId() == 0 || second.GetOperationType() != "insert" {
		t.Fatalf("operation = %v", second)
	}

	zop, err := e.c.NEGs.Insert(e.ctx, &computepb.InsertNetworkEndpointGroupRequest{Project: proj, Zone: zone, NetworkEndpointGroupResource: neg("n")})
	if err != nil {
		t.Fatal(err)
	}
	zget := &computepb.GetZoneOperationRequest{Project: proj, Zone: zone, Operation: zop.Name()}
	for i, want := range []computepb.Operation_Status{computepb.Operation_RUNNING, computepb.Operation_DONE, computepb.Operation_DONE} {
		got, err := e.c.ZoneOperations.Get(e.ctx, zget)
		if err != nil || got.GetStatus() != want {
			t.Fatalf("zone poll %d = %v %v, want %v", i+1, got.GetStatus(), err, want)
		}
	}
	_, err = e.c.GlobalOperations.Get(e.ctx, &computepb.GetGlobalOperationRequest{Project: proj, Operation: "operation-missing"})
	wantAPIError(t, err, http.StatusNotFound, "notFound")
}

func TestFailingOperationChangesNothing(t *testing.T) {
	e := newEnv(t, Options{})
	e.srv.FailNextOperations(1)
	op, err := e.c.HealthChecks.Insert(e.ctx, &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck("hc", "/")})
	if err != nil {
		t.Fatalf("the call itself must succeed; the operation fails: %v", err)
	}
	wantAPIError(t, op.Wait(e.ctx), http.StatusServiceUnavailable, "")
	if got := e.srv.Inventory(); len(got) != 0 {
		t.Fatalf("a failed operation created %v", got)
	}
	e.done(e.c.HealthChecks.Insert(e.ctx, &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck("hc", "/")}))
}

func TestRequestIDMakesRetriesIdempotent(t *testing.T) {
	e := newEnv(t, Options{})
	req := &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck("hc", "/"),
		RequestId: proto.String("5f2c1a9e-0d1b-4c55-9a1e-2b6f0c3d4e5f")}
	first, err := e.c.HealthChecks.Insert(e.ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.c.HealthChecks.Insert(e.ctx, req)
	if err != nil {
		t.Fatalf("a retry with the same requestId: %v", err)
	}
	if first.Name() != again.Name() {
		t.Fatalf("the retry got operation %s, want %s", again.Name(), first.Name())
	}
	req.RequestId = nil
	_, err = e.c.HealthChecks.Insert(e.ctx, req)
	wantAPIError(t, err, http.StatusConflict, "alreadyExists")
}
