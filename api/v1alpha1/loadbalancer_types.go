package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Provider names. The fake provider creates no cloud resource; nginx runs in the cluster.
const (
	ProviderGCP   = "gcp"
	ProviderAWS   = "aws"
	ProviderNginx = "nginx"
	ProviderFake  = "fake"
)

// Providers lists every provider name, in the order the docs show them. The enums of
// spec.provider (LoadBalancer and IngressClassParams) and the portico.dev/provider
// annotation's allowed values list the same names; providers/catalog's tests tie them.
var Providers = []string{ProviderGCP, ProviderAWS, ProviderNginx, ProviderFake}

// Path types of a route. ImplementationSpecific Ingress paths are translated into one of these.
const (
	PathTypeExact  = "Exact"
	PathTypePrefix = "Prefix"
)

// Target types of a backend: pod IPs from EndpointSlices, or every node on the Service's NodePort.
const (
	TargetTypeIP       = "ip"
	TargetTypeInstance = "instance"
)

// Schemes of a load balancer's address.
const (
	SchemeInternetFacing = "internet-facing"
	SchemeInternal       = "internal"
)

// LoadBalancerSpec is the provider-neutral desired model of one load balancer, translated from
// the member Ingresses. Users never write it: the ingress controller owns it. Every list is
// sorted, so the same Ingresses always give a byte-identical spec and an unchanged cluster
// never causes a write.
type LoadBalancerSpec struct {
	// Provider realises this load balancer.
	// +kubebuilder:validation:Enum=gcp;aws;nginx;fake
	Provider string `json:"provider"`

	// ParametersRef names the cluster-scoped IngressClassParams whose settings apply, if any.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	ParametersRef string `json:"parametersRef,omitempty"`

	// Frontends says which listeners the load balancer has.
	Frontends Frontends `json:"frontends"`

	// StaticAddress names an address reserved in the cloud to use instead of an ephemeral one.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z]([-a-z0-9]*[a-z0-9])?$`
	StaticAddress string `json:"staticAddress,omitempty"`

	// Scheme says whether the address is reachable from the internet or only inside the network.
	// +optional
	// +kubebuilder:validation:Enum=internet-facing;internal
	Scheme string `json:"scheme,omitempty"`

	// IPAddressType is ipv4, or dualstack for IPv4 and IPv6 addresses; empty is ipv4.
	// +optional
	// +kubebuilder:validation:Enum=ipv4;dualstack
	IPAddressType string `json:"ipAddressType,omitempty"`

	// Subnets the load balancer is placed in (AWS); empty means the class's, else the
	// subnets discovered by their role tags.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	// +listType=atomic
	Subnets []SubnetID `json:"subnets,omitempty"`

	// TLS lists the certificates served on the HTTPS frontend.
	// +optional
	// +kubebuilder:validation:MaxItems=100
	// +listType=atomic
	TLS []TLSCertificate `json:"tls,omitempty"`

	// Rules is the route table: for each host, the path rules that choose a backend.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	// +listType=atomic
	Rules []HostRule `json:"rules,omitempty"`

	// DefaultBackend names the backend for requests no rule matches; empty means 404.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	DefaultBackend string `json:"defaultBackend,omitempty"`

	// Backends lists every backend the rules and the default backend name.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	// +listType=map
	// +listMapKey=name
	Backends []Backend `json:"backends,omitempty"`

	// Members lists the Ingresses this load balancer serves, each with the generation it
	// serves: a member whose newer generation is invalid stays served as it was.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	// +listType=atomic
	Members []IngressRef `json:"members,omitempty"`

	// Claims records which member set each load-balancer-wide setting, so that a member that
	// turns invalid keeps the settings it had set, across restarts.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	// +listType=map
	// +listMapKey=setting
	Claims []SettingClaim `json:"claims,omitempty"`
}

// Settings a member can claim for its whole load balancer.
const (
	SettingProvider       = "provider"
	SettingStaticAddress  = "staticAddress"
	SettingScheme         = "scheme"
	SettingAllowHTTP      = "allowHTTP"
	SettingSSLRedirect    = "sslRedirect"
	SettingMinTLSVersion  = "minTLSVersion"
	SettingDefaultBackend = "defaultBackend"
	SettingLocation       = "location"
	SettingInboundCIDRs   = "inboundCIDRs"
	SettingIPAddressType  = "ipAddressType"
	SettingSubnets        = "subnets"
	SettingSSLPolicy      = "sslPolicy"
)

// SettingClaim says which member set a load-balancer-wide setting, and to what.
type SettingClaim struct {
	// Setting is one of provider, staticAddress, scheme, allowHTTP, sslRedirect,
	// minTLSVersion, defaultBackend, location, inboundCIDRs, ipAddressType, subnets, sslPolicy.
	// +kubebuilder:validation:MaxLength=32
	Setting string `json:"setting"`

	// Value the member set; a list is comma-separated.
	// +kubebuilder:validation:MaxLength=1024
	Value string `json:"value"`

	// Ingress that set it, as namespace/name.
	// +kubebuilder:validation:MaxLength=507
	Ingress string `json:"ingress"`
}

// Frontends says which listeners a load balancer has.
type Frontends struct {
	// HTTP is a listener for plain HTTP on port 80.
	HTTP bool `json:"http"`

	// HTTPS is a listener for HTTPS on port 443, with the certificates of spec.tls.
	HTTPS bool `json:"https"`

	// SSLRedirect answers plain HTTP with a redirect to HTTPS.
	// +optional
	SSLRedirect bool `json:"sslRedirect,omitempty"`

	// MinTLSVersion is the oldest TLS version the HTTPS listener accepts; empty is the
	// provider's default.
	// +optional
	// +kubebuilder:validation:Enum="1.0";"1.1";"1.2";"1.3"
	MinTLSVersion string `json:"minTLSVersion,omitempty"`

	// SSLPolicy names the provider's TLS policy for the HTTPS listener (on AWS an
	// ELBSecurityPolicy); it takes precedence over MinTLSVersion.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9][-A-Za-z0-9_.]*$`
	SSLPolicy string `json:"sslPolicy,omitempty"`

	// InboundCIDRs are the client address ranges the listeners accept; empty means every
	// address (0.0.0.0/0, and ::/0 for dualstack).
	// +optional
	// +kubebuilder:validation:MaxItems=20
	// +listType=atomic
	InboundCIDRs []CIDR `json:"inboundCIDRs,omitempty"`
}

// CIDR is an IPv4 or IPv6 address range in canonical form, for example 10.0.0.0/8.
// +kubebuilder:validation:MaxLength=43
// +kubebuilder:validation:Pattern=`^[0-9a-f.:]+/[0-9]{1,3}$`
type CIDR string

// IP address types of a load balancer.
const (
	IPAddressTypeIPv4      = "ipv4"
	IPAddressTypeDualstack = "dualstack"
)

// TLSVersions are the values of Frontends.MinTLSVersion, oldest first.
var TLSVersions = []string{"1.0", "1.1", "1.2", "1.3"}

// TLSCertificate is one certificate on the HTTPS frontend: either a Kubernetes TLS Secret or a
// certificate that already exists in the cloud.
// +kubebuilder:validation:XValidation:rule="(has(self.secretRef) ? 1 : 0) + (has(self.preShared) ? 1 : 0) + (has(self.discovered) && self.discovered ? 1 : 0) == 1",message="set exactly one of secretRef, preShared and discovered"
// +kubebuilder:validation:XValidation:rule="!has(self.discovered) || !self.discovered || (has(self.hosts) && size(self.hosts) > 0)",message="a discovered certificate needs hosts"
// +kubebuilder:validation:XValidation:rule="!has(self.preShared) || (!self.preShared.contains('..') && !self.preShared.contains('//'))",message="preShared must not contain '..' or '//'"
type TLSCertificate struct {
	// SecretRef names a Secret of type kubernetes.io/tls.
	// +optional
	SecretRef *ObjectRef `json:"secretRef,omitempty"`

	// PreShared names a certificate that already exists in the cloud.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9][-A-Za-z0-9_.:/]*$`
	PreShared string `json:"preShared,omitempty"`

	// Discovered asks the provider for a certificate it already holds for Hosts: on AWS, an
	// issued ACM certificate of the region whose names cover each host (an Ingress's
	// spec.tls entry without secretName).
	// +optional
	Discovered bool `json:"discovered,omitempty"`

	// Hosts the certificate is served for; empty means every host.
	// +optional
	// +kubebuilder:validation:MaxItems=100
	// +listType=atomic
	Hosts []Hostname `json:"hosts,omitempty"`

	// Ingresses lists the members that asked for this certificate, as namespace/name.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	// +listType=atomic
	Ingresses []string `json:"ingresses,omitempty"`
}

// Hostname is a DNS name, or a wildcard "*." followed by a DNS name, that covers one label.
// +kubebuilder:validation:MaxLength=253
// +kubebuilder:validation:Pattern=`^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
type Hostname string

// HostRule holds the path rules of one host.
type HostRule struct {
	// Host the rules apply to; empty means every host.
	// +optional
	Host Hostname `json:"host,omitempty"`

	// Paths are the path rules, in the order the router tries them.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=1000
	// +listType=atomic
	Paths []PathRule `json:"paths"`
}

// PathRule sends the requests whose path matches to a backend.
type PathRule struct {
	// Path is a clean absolute path: segments of letters, digits and -._~!&()+,=:@, with no
	// empty, "." or ".." segment (so no "//"), and no quote, space, ';', '{', '$' or '%'.
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:Pattern=`^/(([-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.[-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.\.[-A-Za-z0-9._~!&()+,=:@]+)(/([-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.[-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.\.[-A-Za-z0-9._~!&()+,=:@]+))*/?)?$`
	Path string `json:"path"`

	// PathType is Exact, or Prefix (matched element by element).
	// +kubebuilder:validation:Enum=Exact;Prefix
	PathType string `json:"pathType"`

	// Backend names an entry of spec.backends.
	// +kubebuilder:validation:MaxLength=253
	Backend string `json:"backend"`

	// Ingress is the member that owns this rule, as namespace/name.
	// +optional
	// +kubebuilder:validation:MaxLength=507
	Ingress string `json:"ingress,omitempty"`
}

// Backend is one Service port that traffic is sent to.
type Backend struct {
	// Name identifies the backend in rules; derived from the Service and port.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// Service is the Kubernetes Service and port.
	Service ServiceRef `json:"service"`

	// TargetType is ip (pod IPs from EndpointSlices) or instance (nodes on the NodePort).
	// +kubebuilder:validation:Enum=ip;instance
	TargetType string `json:"targetType"`

	// HealthCheck overrides how the load balancer probes the targets.
	// +optional
	HealthCheck *HealthCheck `json:"healthCheck,omitempty"`

	// TimeoutSeconds bounds how long the load balancer waits for a response.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=86400
	TimeoutSeconds int32 `json:"timeoutSeconds,omitempty"`

	// Protocol the load balancer speaks to the targets: HTTP, HTTPS, HTTP2 or GRPC (HTTP/2
	// with gRPC semantics). Empty means HTTP; it is left empty then, so that specs written
	// before the field existed stay byte-identical.
	// +optional
	// +kubebuilder:validation:Enum=HTTP;HTTPS;HTTP2;GRPC
	Protocol string `json:"protocol,omitempty"`
}

// Backend protocols: what the load balancer speaks to a backend's targets.
const (
	ProtocolHTTP  = "HTTP"
	ProtocolHTTPS = "HTTPS"
	ProtocolHTTP2 = "HTTP2"
	ProtocolGRPC  = "GRPC"
)

// BackendProtocols lists the backend protocols, in the order the docs show them.
var BackendProtocols = []string{ProtocolHTTP, ProtocolHTTPS, ProtocolHTTP2, ProtocolGRPC}

// ServiceRef names a Service port.
// +kubebuilder:validation:XValidation:rule="has(self.portNumber) != has(self.portName)",message="set exactly one of portNumber and portName"
type ServiceRef struct {
	// Namespace of the Service.
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// Name of the Service.
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`

	// PortNumber is the Service port by number.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	PortNumber int32 `json:"portNumber,omitempty"`

	// PortName is the Service port by name.
	// +optional
	// +kubebuilder:validation:MaxLength=15
	PortName string `json:"portName,omitempty"`
}

// HealthCheck says how the load balancer probes a backend's targets. Zero fields take the
// provider's defaults.
type HealthCheck struct {
	// Path of the HTTP probe.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:Pattern=`^/(([-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.[-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.\.[-A-Za-z0-9._~!&()+,=:@]+)(/([-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.[-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.\.[-A-Za-z0-9._~!&()+,=:@]+))*/?)?$`
	Path string `json:"path,omitempty"`

	// Port of the probe on the target; zero means the traffic port.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	Port int32 `json:"port,omitempty"`

	// IntervalSeconds between probes.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=300
	IntervalSeconds int32 `json:"intervalSeconds,omitempty"`

	// TimeoutSeconds of one probe.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=300
	TimeoutSeconds int32 `json:"timeoutSeconds,omitempty"`

	// HealthyThreshold is how many probes in a row must pass to mark a target healthy.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	HealthyThreshold int32 `json:"healthyThreshold,omitempty"`

	// UnhealthyThreshold is how many probes in a row must fail to mark a target unhealthy.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	UnhealthyThreshold int32 `json:"unhealthyThreshold,omitempty"`
}

// ObjectRef names a namespaced object.
type ObjectRef struct {
	// Namespace of the object.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// Name of the object.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// IngressRef names a member Ingress and the generation of it that the load balancer serves.
type IngressRef struct {
	// Namespace of the Ingress.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// Name of the Ingress.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// UID of the Ingress, so that a re-created Ingress of the same name is told apart.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	UID string `json:"uid,omitempty"`

	// Generation of the Ingress that the load balancer serves: its newest, unless a newer
	// one is invalid (then the member is frozen at this one).
	// +optional
	Generation int64 `json:"generation,omitempty"`
}

// States of a member that is not served as it is written.
const (
	// MemberFrozen: the member's newest generation is invalid; its last accepted one is served.
	MemberFrozen = "Frozen"
	// MemberMoving: the member moves to another load balancer, which is not Programmed yet;
	// this one keeps serving it until it is.
	MemberMoving = "Moving"
	// MemberRejected: the member was never accepted, so nothing of it is served.
	MemberRejected = "Rejected"
)

// MemberStatus tells why a member is not served as it is written.
type MemberStatus struct {
	// Namespace of the Ingress.
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// Name of the Ingress.
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// State is Frozen, Moving or Rejected.
	// +kubebuilder:validation:Enum=Frozen;Moving;Rejected
	State string `json:"state"`

	// Reason is a CamelCase reason, for example InvalidAnnotation.
	// +kubebuilder:validation:MaxLength=64
	Reason string `json:"reason"`

	// Message says what is wrong and what to do.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Message string `json:"message,omitempty"`
}

// LoadBalancerStatus is what the provider reports about the load balancer.
type LoadBalancerStatus struct {
	// ObservedGeneration is the spec generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Provider is the provider that holds the load balancer's cloud resources. It differs from
	// spec.provider while the load balancer moves to another provider.
	// +optional
	Provider string `json:"provider,omitempty"`

	// Location is where the provider created the cloud resources (a region, a project or
	// "global"), so that they can be found and deleted after the class parameters change.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Location string `json:"location,omitempty"`

	// Members lists each member Ingress that is not served as it is written (frozen at an
	// older generation, moving to another load balancer, or rejected) and why.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	// +listType=atomic
	Members []MemberStatus `json:"members,omitempty"`

	// Address is the first address, for display.
	// +optional
	Address string `json:"address,omitempty"`

	// Addresses the load balancer answers on.
	// +optional
	// +listType=atomic
	Addresses []Address `json:"addresses,omitempty"`

	// Ports lists each frontend port and, where it failed, why.
	// +optional
	// +listType=map
	// +listMapKey=port
	Ports []PortStatus `json:"ports,omitempty"`

	// Conditions: Accepted, Programmed and Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// UnreadyBackends names the backends that have no ready target, so that the ingress
	// controller tells the members that route to them.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	// +listType=atomic
	UnreadyBackends []string `json:"unreadyBackends,omitempty"`

	// UnhealthyBackends names the backends with targets the cloud's health checks find
	// unhealthy, so that the ingress controller tells the members that route to them.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	// +listType=atomic
	UnhealthyBackends []string `json:"unhealthyBackends,omitempty"`

	// Resources lists every cloud resource behind the load balancer.
	// +optional
	// +listType=atomic
	Resources []CloudResource `json:"resources,omitempty"`

	// MemberCount is the number of member Ingresses, for display.
	// +optional
	MemberCount int32 `json:"memberCount,omitempty"`

	// ResourceCount is the number of cloud resources, for display.
	// +optional
	ResourceCount int32 `json:"resourceCount,omitempty"`
}

// Address is an IP address or a DNS name.
type Address struct {
	// IP address.
	// +optional
	IP string `json:"ip,omitempty"`

	// Hostname is a DNS name that resolves to the load balancer.
	// +optional
	Hostname string `json:"hostname,omitempty"`
}

// PortStatus is the state of one frontend port.
type PortStatus struct {
	// Port number.
	Port int32 `json:"port"`

	// Protocol is TCP.
	Protocol string `json:"protocol"`

	// Error is a CamelCase reason why the port is not served, empty when it is; it is
	// copied into the Ingress's status.loadBalancer.ingress[].ports[].error.
	// +optional
	Error string `json:"error,omitempty"`

	// Message says what failed on the port and what to do.
	// +optional
	Message string `json:"message,omitempty"`
}

// CloudResource is one resource the load balancer owns in its provider.
type CloudResource struct {
	// Kind of resource, for example ForwardingRule, URLMap or TargetGroup.
	Kind string `json:"kind"`

	// Name of the resource.
	Name string `json:"name"`

	// ID the provider gave the resource.
	// +optional
	ID string `json:"id,omitempty"`

	// State of the resource, for example Ready or Pending.
	// +optional
	State string `json:"state,omitempty"`

	// Link is the provider's full reference to the resource where it has one, for example
	// a Google Cloud self-link, so that a user can find it with the provider's own tools.
	// +optional
	Link string `json:"link,omitempty"`

	// Fingerprint is the provider's digest of what it last saw of a part of the resource it
	// cannot list in one batched call, so that a restarted controller can tell, without
	// reading it, whether that part may have changed. For a Google Cloud network endpoint
	// group it is "SIZE:HASH": the group's size and a hash of the endpoints portico saw
	// attached. Empty for every other resource.
	// +optional
	Fingerprint string `json:"fingerprint,omitempty"`
}

// LoadBalancer is one load balancer that portico provisions for a group of Ingresses. Its spec
// is the desired model the ingress controller translates; its status lists the address,
// conditions and every cloud resource behind it.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=lb,categories=portico
// +kubebuilder:printcolumn:name="Provider",type=string,JSONPath=`.spec.provider`
// +kubebuilder:printcolumn:name="Address",type=string,JSONPath=`.status.address`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Members",type=integer,JSONPath=`.status.memberCount`,priority=1
// +kubebuilder:printcolumn:name="Resources",type=integer,JSONPath=`.status.resourceCount`,priority=1
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`,priority=1
type LoadBalancer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   LoadBalancerSpec   `json:"spec,omitempty"`
	Status LoadBalancerStatus `json:"status,omitempty"`
}

// LoadBalancerList is a list of LoadBalancers.
//
// +kubebuilder:object:root=true
type LoadBalancerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []LoadBalancer `json:"items"`
}
