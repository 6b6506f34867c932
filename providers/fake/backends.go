package fake

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// BackendServiceSpec sends a URL map's traffic to one group of endpoints.
type BackendServiceSpec struct {
	Protocol   string `json:"protocol"`
	TimeoutSec int32  `json:"timeoutSec"`
	// HealthCheck names the HealthCheck that probes the group.
	HealthCheck string `json:"healthCheck"`
	// GroupKind is NetworkEndpointGroup or InstanceGroup; Groups names them: an instance
	// group, or one zonal endpoint group per zone the backend's targets are in.
	GroupKind string   `json:"groupKind"`
	Groups    []string `json:"groups"`
}

// Kind implements Spec.
func (BackendServiceSpec) Kind() string { return KindBackendService }

// References implements Spec.
func (s BackendServiceSpec) References() []Key {
	refs := []Key{{KindHealthCheck, s.HealthCheck}}
	for _, g := range s.Groups {
		refs = append(refs, Key{s.GroupKind, g})
	}
	return refs
}

// Summary implements Spec.
func (s BackendServiceSpec) Summary() string {
	return fmt.Sprintf("%s to %s %s, health check %s, timeout %ds", s.Protocol, s.GroupKind, strings.Join(s.Groups, ", "), s.HealthCheck, s.TimeoutSec)
}
func (s BackendServiceSpec) clone() Spec {
	s.Groups = cloneSlice(s.Groups)
	return s
}

func (s BackendServiceSpec) validate() error {
	if s.GroupKind != KindNetworkEndpointGroup && s.GroupKind != KindInstanceGroup {
		return apiError(CodeInvalid, "", "invalid group kind %q: want %s or %s", s.GroupKind, KindNetworkEndpointGroup, KindInstanceGroup)
	}
	if !slices.Contains(v1alpha1.BackendProtocols, s.Protocol) {
		return apiError(CodeInvalid, "", "invalid protocol %q: want one of %s", s.Protocol, strings.Join(v1alpha1.BackendProtocols, ", "))
	}
	if len(s.Groups) == 0 {
		return apiError(CodeInvalid, "", "a backend service needs at least one group")
	}
	if s.TimeoutSec < 1 || s.TimeoutSec > 86400 {
		return apiError(CodeInvalid, "", "invalid timeoutSec %d: want 1 to 86400", s.TimeoutSec)
	}
	return nil
}

// Endpoint is one address of a group: a pod IP and port, or a node IP and NodePort.
type Endpoint struct {
	IP   string `json:"ip"`
	Port int32  `json:"port"`
	Zone string `json:"zone,omitempty"`
	// Node is the instance's name, for instance groups.
	Node string `json:"node,omitempty"`
}

func (e Endpoint) String() string { return fmt.Sprintf("%s:%d", e.IP, e.Port) }

// NetworkEndpointGroupSpec holds the pod endpoints (target type ip) of one zone. As in GCE,
// a group is created empty and its endpoints are attached and detached in batches
// (Scope.AttachEndpoints, DetachEndpoints), never patched.
type NetworkEndpointGroupSpec struct {
	// NetworkEndpointType is GCE_VM_IP_PORT.
	NetworkEndpointType string `json:"networkEndpointType"`
	// Zone is where the group and all its endpoints are.
	Zone      string     `json:"zone"`
	Endpoints []Endpoint `json:"endpoints"`
}

// DefaultZone is the zone of the targets whose zone is not known.
const DefaultZone = "zone-a"

// sortEndpoints orders endpoints as both the provider and the Cloud keep them, so that the
// two compare equal.
func sortEndpoints(eps []Endpoint) {
	slices.SortFunc(eps, func(a, b Endpoint) int {
		return cmp.Or(cmp.Compare(a.IP, b.IP), cmp.Compare(a.Port, b.Port), cmp.Compare(a.Node, b.Node))
	})
}

// Kind implements Spec.
func (NetworkEndpointGroupSpec) Kind() string { return KindNetworkEndpointGroup }

// References implements Spec.
func (NetworkEndpointGroupSpec) References() []Key { return nil }

// Summary implements Spec.
func (s NetworkEndpointGroupSpec) Summary() string {
	return fmt.Sprintf("%d endpoint(s) in %s%s", len(s.Endpoints), s.Zone, listed(s.Endpoints))
}
func (s NetworkEndpointGroupSpec) clone() Spec {
	s.Endpoints = cloneSlice(s.Endpoints)
	return s
}

// InstanceGroupSpec holds nodes and their NodePort (target type instance).
type InstanceGroupSpec struct {
	Instances []Endpoint `json:"instances"`
}

// Kind implements Spec.
func (InstanceGroupSpec) Kind() string { return KindInstanceGroup }

// References implements Spec.
func (InstanceGroupSpec) References() []Key { return nil }

// Summary implements Spec.
func (s InstanceGroupSpec) Summary() string {
	return fmt.Sprintf("%d instance(s)%s", len(s.Instances), listed(s.Instances))
}
func (s InstanceGroupSpec) clone() Spec {
	s.Instances = cloneSlice(s.Instances)
	return s
}

// listed shows a few endpoints, so that a plan says where traffic goes without growing
// with the size of a Deployment.
func listed(eps []Endpoint) string {
	const show = 3
	if len(eps) == 0 {
		return ""
	}
	var parts []string
	for i, e := range eps {
		if i == show {
			parts = append(parts, fmt.Sprintf("and %d more", len(eps)-show))
			break
		}
		parts = append(parts, e.String())
	}
	return ": " + strings.Join(parts, ", ")
}

// HealthCheckSpec is an HTTP probe.
type HealthCheckSpec struct {
	Type        string `json:"type"`
	RequestPath string `json:"requestPath"`
	// Port is the probed port; zero means the serving port of each endpoint.
	Port               int32 `json:"port,omitempty"`
	CheckIntervalSec   int32 `json:"checkIntervalSec"`
	TimeoutSec         int32 `json:"timeoutSec"`
	HealthyThreshold   int32 `json:"healthyThreshold"`
	UnhealthyThreshold int32 `json:"unhealthyThreshold"`
}

// Kind implements Spec.
func (HealthCheckSpec) Kind() string { return KindHealthCheck }

// References implements Spec.
func (HealthCheckSpec) References() []Key { return nil }

// Summary implements Spec.
func (s HealthCheckSpec) Summary() string {
	port := "the serving port"
	if s.Port != 0 {
		port = fmt.Sprintf("port %d", s.Port)
	}
	return fmt.Sprintf("%s %s on %s every %ds", s.Type, s.RequestPath, port, s.CheckIntervalSec)
}
func (s HealthCheckSpec) clone() Spec { return s }

func (s HealthCheckSpec) validate() error {
	switch {
	case !strings.HasPrefix(s.RequestPath, "/"):
		return apiError(CodeInvalid, "", "invalid requestPath %q: must start with /", s.RequestPath)
	case s.CheckIntervalSec < 1 || s.TimeoutSec < 1:
		return apiError(CodeInvalid, "", "checkIntervalSec and timeoutSec must be positive")
	case s.TimeoutSec > s.CheckIntervalSec:
		return apiError(CodeInvalid, "", "timeoutSec %d must not exceed checkIntervalSec %d", s.TimeoutSec, s.CheckIntervalSec)
	}
	return nil
}
