package gcptest

import (
	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// healthChecks are global health checks. The API gives them no fingerprint.
var healthChecks = register(&kind{
	collection: "healthChecks", iamName: "healthChecks", kindName: "compute#healthCheck",
	newItem: func() proto.Message { return &computepb.HealthCheck{} },
	newList: func() proto.Message { return &computepb.HealthCheckList{} },
	patch:   true, update: true,
	validate: func(_ *project, m proto.Message) error {
		h := m.(*computepb.HealthCheck)
		healthCheckDefaults(h)
		return validateHealthCheck(h)
	},
})

func init() { addCRUD(healthChecks) }

// healthCheckDefaults are the values Google documents for unset fields.
func healthCheckDefaults(h *computepb.HealthCheck) {
	if h.CheckIntervalSec == nil {
		h.CheckIntervalSec = proto.Int32(5)
	}
	if h.TimeoutSec == nil {
		h.TimeoutSec = proto.Int32(5)
	}
	if h.HealthyThreshold == nil {
		h.HealthyThreshold = proto.Int32(2)
	}
	if h.UnhealthyThreshold == nil {
		h.UnhealthyThreshold = proto.Int32(2)
	}
}

// validateHealthCheck: a type, the block of that type and no other, and a
// timeout no longer than the interval.
func validateHealthCheck(h *computepb.HealthCheck) error {
	blocks := map[string]bool{
		"HTTP": h.HttpHealthCheck != nil, "HTTPS": h.HttpsHealthCheck != nil, "HTTP2": h.Http2HealthCheck != nil,
		"TCP": h.TcpHealthCheck != nil, "SSL": h.SslHealthCheck != nil, "GRPC": h.GrpcHealthCheck != nil,
	}
	t := h.GetType()
	if t == "" {
		return errRequired("resource.type")
	}
	if _, ok := blocks[t]; !ok {
		return errInvalid("Invalid value for field 'resource.type': '%s'", t)
	}
	for other, set := range blocks {
		if set && other != t {
			return errInvalid("Invalid value for field 'resource.type': '%s'. It does not match the health check block given for %s", t, other)
		}
	}
	if h.CheckIntervalSec != nil && h.TimeoutSec != nil && h.GetTimeoutSec() > h.GetCheckIntervalSec() {
		return errInvalid("Invalid value for field 'resource.timeoutSec': '%d'. TimeoutSec should be less than or equal to checkIntervalSec", h.GetTimeoutSec())
	}
	return nil
}
