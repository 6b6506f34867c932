package gcptest

import (
	"fmt"
	"net/http"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// operation is one mutation's Operation, DONE after pollsLeft more polls.
type operation struct {
	proto     *computepb.Operation
	pollsLeft int
}

// operations holds every operation by "project/zone/name" (zone "" for global ones).
type operations map[string]*operation

func newOperations() operations { return operations{} }

func opKey(project, zone, name string) string { return project + "/" + zone + "/" + name }

// mutate applies a write and returns its Operation. The change is applied at
// once, so that a read right after it sees it; only the Operation's status
// lags. An operation chosen to fail applies nothing and reports its error
// when it is DONE, as Google reports an asynchronous failure.
func (s *Server) mutate(c *call, target string, targetID uint64, opType string, apply func() uint64) proto.Message {
	op := s.newOperation(c, target, opType)
	if fail := s.faults.operationFault(); fail != nil {
		op.proto.Error = &computepb.Error{Errors: []*computepb.Errors{{
			Code: proto.String(fail.Reason), Message: proto.String(fail.Message)}}}
		op.proto.HttpErrorStatusCode = proto.Int32(int32(fail.Code))
		op.proto.HttpErrorMessage = proto.String(http.StatusText(fail.Code))
	} else {
		targetID = apply()
	}
	if targetID != 0 {
		op.proto.TargetId = proto.Uint64(targetID)
	}
	if op.pollsLeft == 0 {
		s.done(op)
	}
	if id := c.query.Get("requestId"); id != "" {
		s.project(c.project).requests[id] = opKey(c.project, c.zone, op.proto.GetName())
	}
	return proto.Clone(op.proto)
}

func (s *Server) newOperation(c *call, target, opType string) *operation {
	id := s.newID()
	name := fmt.Sprintf("operation-%d-%x", s.opts.Now().UnixMilli(), id)
	loc := "global"
	if c.zone != "" {
		loc = "zones/" + c.zone
	}
	op := &operation{pollsLeft: s.opts.OperationPolls, proto: &computepb.Operation{
		Kind:          proto.String("compute#operation"),
		Id:            proto.Uint64(id),
		Name:          proto.String(name),
		OperationType: proto.String(opType),
		TargetLink:    proto.String(target),
		Status:        computepb.Operation_PENDING.Enum(),
		Progress:      proto.Int32(0),
		InsertTime:    proto.String(s.timestamp()),
		StartTime:     proto.String(s.timestamp()),
		User:          proto.String("gcptest@" + c.project + ".iam.gserviceaccount.com"),
		SelfLink:      proto.String(googleBase + "projects/" + c.project + "/" + loc + "/operations/" + name),
	}}
	if c.zone != "" {
		op.proto.Zone = proto.String(googleBase + "projects/" + c.project + "/zones/" + c.zone)
	}
	s.ops[opKey(c.project, c.zone, name)] = op
	return op
}

// advance counts one poll: the operation is DONE on its OperationPolls-th poll.
func (s *Server) advance(op *operation) {
	if op.proto.GetStatus() == computepb.Operation_DONE {
		return
	}
	op.pollsLeft--
	if op.pollsLeft > 0 {
		op.proto.Status = computepb.Operation_RUNNING.Enum()
		op.proto.Progress = proto.Int32(50)
		return
	}
	s.done(op)
}

func (s *Server) done(op *operation) {
	op.proto.Status = computepb.Operation_DONE.Enum()
	op.proto.Progress = proto.Int32(100)
	op.proto.EndTime = proto.String(s.timestamp())
}

// replay answers a retried request with the operation its requestId started,
// so that a retry after a lost response does not apply the change twice.
func (s *Server) replay(p *project, c *call) (proto.Message, bool) {
	id := c.query.Get("requestId")
	if id == "" {
		return nil, false
	}
	key, ok := p.requests[id]
	if !ok {
		return nil, false
	}
	return proto.Clone(s.ops[key].proto), true
}

// getOperation serves operations.get and operations.wait: each is one poll.
func (s *Server) getOperation(c *call) (proto.Message, error) {
	op, ok := s.ops[opKey(c.project, c.zone, c.name)]
	if !ok {
		loc := "global"
		if c.zone != "" {
			loc = "zones/" + c.zone
		}
		return nil, errNotFound("projects/" + c.project + "/" + loc + "/operations/" + c.name)
	}
	s.advance(op)
	return proto.Clone(op.proto), nil
}

// The operation collections are served for get and wait only: the provider
// polls its own operations and never lists them.
var (
	globalOperations = &kind{collection: "operations", iamName: "globalOperations", kindName: "compute#operation"}
	zoneOperations   = &kind{collection: "operations", iamName: "zoneOperations", kindName: "compute#operation", zonal: true}
)

func init() {
	addRoute(http.MethodGet, "global/operations/*", globalOperations, "get", false, (*Server).getOperation)
	addRoute(http.MethodPost, "global/operations/*/wait", globalOperations, "get", false, (*Server).getOperation)
	addRoute(http.MethodGet, "zones/*/operations/*", zoneOperations, "get", false, (*Server).getOperation)
	addRoute(http.MethodPost, "zones/*/operations/*/wait", zoneOperations, "get", false, (*Server).getOperation)
}
