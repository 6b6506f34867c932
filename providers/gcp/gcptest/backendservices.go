package gcptest

import (
	"fmt"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// externalManaged is the scheme of the global external Application Load
// Balancer, the only one the emulator serves: backend services and
// forwarding rules must say so, consistently.
const externalManaged = "EXTERNAL_MANAGED"

// backendServices are global backend services.
var backendServices = register(&kind{
	collection: "backendServices", iamName: "backendServices", kindName: "compute#backendService",
	newItem:             func() proto.Message { return &computepb.BackendService{} },
	newList:             func() proto.Message { return &computepb.BackendServiceList{} },
	fingerprintRequired: true, patch: true, update: true,
	immutable: []string{"loadBalancingScheme"},
	validate: func(p *project, m proto.Message) error {
		b := m.(*computepb.BackendService)
		backendServiceDefaults(b)
		if err := validateBackendService(b); err != nil {
			return err
		}
		return validateInstanceGroupBackends(p, b)
	},
})

func init() { addCRUD(backendServices) }

func backendServiceDefaults(b *computepb.BackendService) {
	if b.Protocol == nil {
		b.Protocol = proto.String("HTTP")
	}
	if b.TimeoutSec == nil {
		b.TimeoutSec = proto.Int32(30)
	}
	if b.PortName == nil {
		b.PortName = proto.String("http")
	}
}

func validateBackendService(b *computepb.BackendService) error {
	if err := requireScheme(b.GetLoadBalancingScheme()); err != nil {
		return err
	}
	switch b.GetProtocol() {
	case "HTTP", "HTTPS", "HTTP2":
	default:
		return errInvalid("Invalid value for field 'resource.protocol': '%s'. The protocol must be HTTP, HTTPS or HTTP2 for an Application Load Balancer", b.GetProtocol())
	}
	if len(b.HealthChecks) > 1 {
		return errInvalid("Invalid value for field 'resource.healthChecks': a backend service takes at most one health check")
	}
	for _, hc := range b.HealthChecks {
		if r, _ := parseRef(hc, ""); r.collection != healthChecks.collection {
			return errInvalid("Invalid value for field 'resource.healthChecks': '%s'. An Application Load Balancer takes a global health check (healthChecks)", hc)
		}
	}
	return validateBackends(b.Backends)
}

// validateBackends: each group once; a NEG of GCE_VM_IP_PORT endpoints is
// balanced by RATE, with a maximum rate.
func validateBackends(backends []*computepb.Backend) error {
	seen := map[string]bool{}
	for i, be := range backends {
		if be.GetGroup() == "" {
			return errRequired(fmt.Sprintf("resource.backends[%d].group", i))
		}
		if seen[be.GetGroup()] {
			return errInvalid("Invalid value for field 'resource.backends[%d].group': '%s'. Duplicate backend group", i, be.GetGroup())
		}
		seen[be.GetGroup()] = true
		r, _ := parseRef(be.GetGroup(), "")
		if r.collection != networkEndpointGroups.collection {
			continue
		}
		if be.GetBalancingMode() != "RATE" || (be.MaxRate == nil && be.MaxRatePerEndpoint == nil) {
			return errInvalid("Invalid value for field 'resource.backends[%d].balancingMode': '%s'. A network endpoint group backend needs balancingMode RATE with maxRate or maxRatePerEndpoint", i, be.GetBalancingMode())
		}
	}
	return nil
}

func requireScheme(scheme string) error {
	if scheme != externalManaged {
		return errInvalid("Invalid value for field 'resource.loadBalancingScheme': '%s'. The emulator serves only the global external Application Load Balancer (EXTERNAL_MANAGED)", scheme)
	}
	return nil
}
