package gcptest

import (
	"maps"
	"slices"

	"google.golang.org/protobuf/proto"
)

// notExternalManaged lists, by schema, the fields the global external Application Load
// Balancer (EXTERNAL_MANAGED) does not take, each with the reason the compute API
// reference gives for it, and Google refuses them. Everything else the schema defines
// (customRequestHeaders, cdnPolicy, iap, localityLbPolicy, outlierDetection, ...) passes.
var notExternalManaged = map[string]map[string]string{
	"BackendService": {
		"failoverPolicy":           "failover is for internal and external passthrough Network Load Balancers",
		"connectionTrackingPolicy": "connection tracking is for internal and external passthrough Network Load Balancers",
		"haPolicy":                 "an HA policy is for regional passthrough Network Load Balancers",
		"network":                  "a network is set only with the INTERNAL scheme, or EXTERNAL with an HA policy",
		"securitySettings":         "security settings are for the INTERNAL_SELF_MANAGED scheme",
		"serviceBindings":          "service bindings are for the INTERNAL_SELF_MANAGED scheme",
		"maxStreamDuration":        "a maximum stream duration is for the INTERNAL_SELF_MANAGED scheme",
	},
	"ForwardingRule": {
		"backendService":       "an Application Load Balancer's forwarding rule points at a target proxy",
		"ports":                "ports are for passthrough Network Load Balancers; use portRange",
		"allPorts":             "allPorts is for passthrough Network Load Balancers; use portRange",
		"sourceIpRanges":       "source IP ranges are for regional forwarding rules of the EXTERNAL scheme",
		"isMirroringCollector": "a mirroring collector has the INTERNAL scheme",
		"allowGlobalAccess":    "global access is for internal load balancers",
	},
}

// passthroughAffinities are the session affinities the reference reserves for passthrough
// Network Load Balancers ("cannot be used for HTTP(S) load balancing").
var passthroughAffinities = []string{"CLIENT_IP_PROTO", "CLIENT_IP_PORT_PROTO", "CLIENT_IP_NO_DESTINATION"}

// supportedByScheme refuses the fields and values EXTERNAL_MANAGED does not take.
func supportedByScheme(m proto.Message) error {
	name := string(m.ProtoReflect().Descriptor().Name())
	for _, f := range slices.Sorted(maps.Keys(notExternalManaged[name])) {
		if fd := fieldOf(m, f); fd != nil && m.ProtoReflect().Has(fd) {
			return errInvalid("Invalid value for field 'resource.%s': the load balancing scheme EXTERNAL_MANAGED does not support it: %s", f, notExternalManaged[name][f])
		}
	}
	if a := getString(m, "sessionAffinity"); name == "BackendService" && slices.Contains(passthroughAffinities, a) {
		return errInvalid("Invalid value for field 'resource.sessionAffinity': '%s'. The load balancing scheme EXTERNAL_MANAGED does not support it", a)
	}
	return nil
}
