// Package providers holds the contract between the controllers and the clouds: the Provider
// interface, the Desired, Observed and Plan types, typed errors, the registry, and the
// helpers every cloud needs (deterministic names, ownership records).
//
// Providers never talk to Kubernetes and know nothing of Ingress: they see a LoadBalancer
// spec and the targets and certificates the controller resolved for it.
package providers

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Provider realises load balancers in one cloud (or nginx, or the fake cloud).
type Provider interface {
	// Name is the provider's name as LoadBalancer spec.provider says it: gcp, aws, nginx, fake.
	Name() string
	// Location is where the load balancers of a class with these parameters live (a region,
	// a project, a VPC, or "global"); params may be nil. It is recorded in the LoadBalancer's
	// status and in the cloud, so that Delete and Owned find the resources after the
	// parameters change or are deleted.
	Location(params *v1alpha1.IngressClassParamsSpec) string
	// Plan returns the actions Ensure would take against the current cloud state, mutating nothing.
	Plan(ctx context.Context, want *Desired) (*Plan, error)
	// Ensure makes the cloud match want; idempotent; a second call with the same want makes
	// no write. It may return both an Observed (what is live) and an error (what failed).
	Ensure(ctx context.Context, want *Desired) (*Observed, error)
	// Delete removes every resource the load balancer owns in lb.Location; nil once nothing
	// is left.
	Delete(ctx context.Context, lb Ref) error
	// Owned lists the load balancers this cluster owns in the cloud, in every one of the
	// locations given (each location portico ever used), for the orphan sweep.
	Owned(ctx context.Context, locations []string) ([]Ref, error)
}

// Ref identifies one load balancer of this cluster in a provider.
type Ref struct {
	// Name is the LoadBalancer object's name, unique in the cluster.
	Name string `json:"name"`
	// Location is where its resources live, as Provider.Location said when they were made.
	Location string `json:"location,omitempty"`
}

// Desired is everything a provider needs to realise one load balancer.
type Desired struct {
	// Ref names the load balancer.
	Ref Ref
	// Spec is the LoadBalancer's spec.
	Spec v1alpha1.LoadBalancerSpec
	// Params are the settings of the class's IngressClassParams, if any.
	Params *v1alpha1.IngressClassParamsSpec
	// Targets maps each backend name of Spec.Backends to its resolved targets, sorted.
	Targets map[string][]Target
	// Certificates maps each TLS Secret "namespace/name" of Spec.TLS to its contents.
	Certificates map[string]Certificate
	// Granted lists what an IngressClassParams grants to the namespaces of every member:
	// static addresses and pre-shared certificates that may be used even though another
	// load balancer uses them too.
	Granted Granted
	// AwaitingHealth names the backends with a target that a pod readiness gate holds
	// until the cloud finds it healthy: a provider that reads health lazily reads theirs
	// now, unless it already knows every target of the backend is healthy.
	AwaitingHealth map[string]bool
	// Refused lists the claims this load balancer lost to older ones, for a Shared
	// provider; the provider serves none of them.
	Refused []RefusedClaim
	// Known are the resources the LoadBalancer's status lists, as the last Ensure observed
	// them (perhaps in a process that has since restarted). A provider may trust their
	// fingerprints to skip a read whose answer it can tell from them; it must not trust
	// anything else there, as the status may be stale or lost.
	Known []v1alpha1.CloudResource
}

// Granted names cloud resources a user made and granted to a load balancer's namespaces.
type Granted struct {
	Addresses    []string `json:"addresses,omitempty"`
	Certificates []string `json:"certificates,omitempty"`
}

// KeyLoader reads a private key.
type KeyLoader func(ctx context.Context) ([]byte, error)

// StaticKey returns a KeyLoader of a key already in memory, for tests and tools.
func StaticKey(key []byte) KeyLoader {
	return func(context.Context) ([]byte, error) { return key, nil }
}

// Target is one address that receives a backend's traffic: a pod IP and port (target type
// ip) or a node IP and NodePort (target type instance).
type Target struct {
	IP   string `json:"ip"`
	Port int32  `json:"port"`
	// Zone of the pod or node, when known.
	Zone string `json:"zone,omitempty"`
	// Node is the node's name, for instance targets.
	Node string `json:"node,omitempty"`
	// ProviderID is the node's spec.providerID, for instance targets: the cloud's own name of
	// the machine (on AWS aws:///ZONE/INSTANCE-ID), which some clouds register by.
	ProviderID string `json:"providerID,omitempty"`
}

// Certificate is the content of a kubernetes.io/tls Secret. Its key is never logged, printed
// or put into an error message: every print verb shows only the hash (see Format).
type Certificate struct {
	// CertPEM is the certificate chain.
	CertPEM []byte `json:"-"`
	// Key reads the private key when a provider must upload the certificate. The controller
	// holds no private key between reconciles: the key is read from the API server only
	// through this call, and only for a certificate the cloud does not have yet.
	Key KeyLoader `json:"-"`
	// Hash is a hex SHA-256 of the chain and the key, for names and change detection.
	Hash string `json:"hash"`
}

// Observed is what a provider reports about a load balancer.
type Observed struct {
	// Addresses the load balancer answers on.
	Addresses []v1alpha1.Address
	// Ports lists each frontend port and, where it failed, why.
	Ports []v1alpha1.PortStatus
	// Resources lists every cloud resource behind the load balancer, in dependency order.
	Resources []v1alpha1.CloudResource
	// Changes lists what this call created, updated or deleted, in the order it happened.
	Changes []Change
	// Pending says what the cloud is still bringing up and serves no traffic yet (an
	// Application Load Balancer that AWS is provisioning); empty once everything is up. The
	// controller reports it in the Ready condition and looks again soon.
	Pending string
	// Health maps each backend name to the health of its targets as the cloud's health
	// checks see them, one entry per target of Desired.Targets in the same order. Nil when
	// the provider checks no health (nginx): then an attached target counts as healthy.
	Health map[string][]TargetHealth
}

// Plan is what Ensure would do.
type Plan struct {
	Actions []Action `json:"actions"`
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool {
	return p == nil || len(p.Actions) == 0
}

// Operations of an Action or a Change.
const (
	OpCreate = "Create"
	OpUpdate = "Update"
	OpDelete = "Delete"
)

// Action is one planned change to one cloud resource.
type Action struct {
	Op   string `json:"op"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Detail says what changes, for example "path rules of host shop.example.com".
	Detail string `json:"detail,omitempty"`
}

// Change is one change a provider made.
type Change = Action

// redacted stands for key material in every print of a Certificate.
const redacted = "[redacted]"

// String shows the certificate by its hash, never its key.
func (c Certificate) String() string {
	return fmt.Sprintf("Certificate{Hash:%s, CertPEM:%d bytes, Key:%s}", c.Hash, len(c.CertPEM), redacted)
}

// GoString is String, so that %#v redacts too.
func (c Certificate) GoString() string { return c.String() }

// Format prints the redacted String for every verb, %v, %+v, %#v and %s alike.
func (c Certificate) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte(c.String()))
}
