package fake

import (
	"fmt"
	"slices"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Kinds of resource, as LoadBalancer status shows them.
const (
	KindAddress              = "Address"
	KindForwardingRule       = "ForwardingRule"
	KindTargetHTTPProxy      = "TargetHTTPProxy"
	KindTargetHTTPSProxy     = "TargetHTTPSProxy"
	KindURLMap               = "URLMap"
	KindBackendService       = "BackendService"
	KindNetworkEndpointGroup = "NetworkEndpointGroup"
	KindInstanceGroup        = "InstanceGroup"
	KindHealthCheck          = "HealthCheck"
	KindSslCertificate       = "SslCertificate"
)

// Kinds lists every kind in dependency order: a resource refers only to kinds before its own,
// so creating in this order and deleting in reverse never breaks a reference.
var Kinds = []string{
	KindHealthCheck, KindNetworkEndpointGroup, KindInstanceGroup, KindBackendService,
	KindSslCertificate, KindURLMap, KindTargetHTTPProxy, KindTargetHTTPSProxy,
	KindAddress, KindForwardingRule,
}

// kindRank returns the position of kind in Kinds, or -1.
func kindRank(kind string) int { return slices.Index(Kinds, kind) }

// immutableFields lists, per kind, the fields GCE sets only at creation: the Cloud refuses
// a patch of one, and the provider replaces the resource instead. A forwarding rule's target
// is not among them (GCE's setTarget moves it).
var immutableFields = map[string][]string{
	KindForwardingRule:       {"address", "port", "ipProtocol", "loadBalancingScheme", "network"},
	KindSslCertificate:       {"certificate"},
	KindNetworkEndpointGroup: {"networkEndpointType", "zone"},
}

// StateReady is the state of every resource: the fake provisions at once.
const StateReady = "Ready"

// Key identifies a resource: names are unique per kind.
type Key struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

func (k Key) String() string { return k.Kind + "/" + k.Name }

// Resource is one resource in the Cloud.
type Resource struct {
	// Location is where the resource lives: a region name, or "global".
	Location string `json:"location"`
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	// ID is a decimal number derived from location, kind and name, as stable as the name.
	ID string `json:"id"`
	// Description records the owner (providers.Owner.Description); empty for resources
	// portico did not create, such as a reserved address.
	Description string `json:"description,omitempty"`
	State       string `json:"state"`
	// Spec holds the kind-specific fields; its concrete type is the kind's XSpec.
	Spec Spec `json:"spec"`
}

// Key returns the resource's key.
func (r Resource) Key() Key { return Key{r.Kind, r.Name} }

func (r Resource) clone() Resource {
	if r.Spec != nil {
		r.Spec = r.Spec.clone()
	}
	return r
}

// Spec is the kind-specific part of a resource: one of the XSpec types of this package.
type Spec interface {
	// Kind is the kind of resource the spec describes.
	Kind() string
	// References lists the resources this one refers to by name.
	References() []Key
	// Summary describes the resource in a few words, for plans and Events.
	Summary() string
	clone() Spec
}

// validator is a Spec with rules of its own beyond its references.
type validator interface {
	validate() error
}

// AddressSpec is an IP address; the Cloud assigns IP.
type AddressSpec struct {
	// IP is output only: 192.0.2.x derived from the name.
	IP string `json:"ip,omitempty" diff:"-"`
}

// Kind implements Spec.
func (AddressSpec) Kind() string { return KindAddress }

// References implements Spec.
func (AddressSpec) References() []Key { return nil }

// Summary implements Spec.
func (s AddressSpec) Summary() string {
	if s.IP == "" {
		return "ephemeral IP address"
	}
	return "IP address " + s.IP
}
func (s AddressSpec) clone() Spec { return s }

// ForwardingRuleSpec sends TCP traffic on one port of an address to a target proxy.
type ForwardingRuleSpec struct {
	// Address names the Address whose IP the rule listens on.
	Address string `json:"address"`
	// TargetKind is TargetHTTPProxy or TargetHTTPSProxy; Target names it.
	TargetKind string `json:"targetKind"`
	Target     string `json:"target"`
	Port       int32  `json:"port"`
	IPProtocol string `json:"ipProtocol"`
	// LoadBalancingScheme is EXTERNAL_MANAGED or INTERNAL_MANAGED.
	LoadBalancingScheme string `json:"loadBalancingScheme"`
	// Network is the VPC network of the rule.
	Network string `json:"network"`
}

// Kind implements Spec.
func (ForwardingRuleSpec) Kind() string { return KindForwardingRule }

// References implements Spec.
func (s ForwardingRuleSpec) References() []Key {
	return []Key{{KindAddress, s.Address}, {s.TargetKind, s.Target}}
}

// Summary implements Spec.
func (s ForwardingRuleSpec) Summary() string {
	return fmt.Sprintf("%s port %d of address %s to %s %s", s.IPProtocol, s.Port, s.Address, s.TargetKind, s.Target)
}
func (s ForwardingRuleSpec) clone() Spec { return s }

func (s ForwardingRuleSpec) validate() error {
	if s.TargetKind != KindTargetHTTPProxy && s.TargetKind != KindTargetHTTPSProxy {
		return apiError(CodeInvalid, "", "invalid target kind %q: want %s or %s", s.TargetKind, KindTargetHTTPProxy, KindTargetHTTPSProxy)
	}
	if s.Port < 1 || s.Port > 65535 {
		return apiError(CodeInvalid, "", "invalid port %d", s.Port)
	}
	return nil
}

// TargetHTTPProxySpec terminates HTTP and routes with a URL map.
type TargetHTTPProxySpec struct {
	URLMap string `json:"urlMap"`
}

// Kind implements Spec.
func (TargetHTTPProxySpec) Kind() string { return KindTargetHTTPProxy }

// References implements Spec.
func (s TargetHTTPProxySpec) References() []Key { return []Key{{KindURLMap, s.URLMap}} }

// Summary implements Spec.
func (s TargetHTTPProxySpec) Summary() string { return "routes with URL map " + s.URLMap }
func (s TargetHTTPProxySpec) clone() Spec     { return s }

// TargetHTTPSProxySpec terminates TLS with its certificates and routes with a URL map.
type TargetHTTPSProxySpec struct {
	URLMap string `json:"urlMap"`
	// SslCertificates names the certificates; the first is served when no name matches SNI.
	SslCertificates []string `json:"sslCertificates"`
	// MinTLSVersion is the oldest TLS version clients may use, "1.0" to "1.3"; empty is the
	// cloud's default. (GCE holds it in an SSL policy; the fake keeps it on the proxy.)
	MinTLSVersion string `json:"minTlsVersion,omitempty"`
}

// maxProxyCertificates is GCE's limit of certificates per target HTTPS proxy.
const maxProxyCertificates = 15

// Kind implements Spec.
func (TargetHTTPSProxySpec) Kind() string { return KindTargetHTTPSProxy }

// References implements Spec.
func (s TargetHTTPSProxySpec) References() []Key {
	refs := []Key{{KindURLMap, s.URLMap}}
	for _, c := range s.SslCertificates {
		refs = append(refs, Key{KindSslCertificate, c})
	}
	return refs
}

// Summary implements Spec.
func (s TargetHTTPSProxySpec) Summary() string {
	tls := ""
	if s.MinTLSVersion != "" {
		tls = ", TLS " + s.MinTLSVersion + " at least"
	}
	return fmt.Sprintf("routes with URL map %s, %d certificate(s)%s", s.URLMap, len(s.SslCertificates), tls)
}
func (s TargetHTTPSProxySpec) clone() Spec {
	s.SslCertificates = cloneSlice(s.SslCertificates)
	return s
}

func (s TargetHTTPSProxySpec) validate() error {
	if n := len(s.SslCertificates); n == 0 || n > maxProxyCertificates {
		return apiError(CodeInvalid, "", "a target HTTPS proxy needs 1 to %d certificates, got %d", maxProxyCertificates, n)
	}
	if s.MinTLSVersion != "" && !slices.Contains(v1alpha1.TLSVersions, s.MinTLSVersion) {
		return apiError(CodeInvalid, "", "invalid minTlsVersion %q: want one of %s", s.MinTLSVersion, strings.Join(v1alpha1.TLSVersions, ", "))
	}
	return nil
}

// cloneSlice copies s; an empty slice becomes nil so that copies compare equal.
func cloneSlice[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}
