package plan

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// Document is what `portico plan -o json|yaml` prints: the plan of every load balancer the
// files make, the problems of the input, and what portico assumed. Every provider's plan
// prints as one. Its JSON is a stable interface that scripts read: fields are added, never
// renamed or removed.
type Document struct {
	// LoadBalancers are sorted by name.
	LoadBalancers []Report `json:"loadBalancers"`
	// Problems are objects the API server would refuse and problems of the Ingresses, as
	// Events would tell them.
	Problems []Problem `json:"problems,omitempty"`
	// Ignored are Ingresses that are not portico's, and why.
	Ignored []Ignored `json:"ignored,omitempty"`
	// Assumptions say what portico assumed for what the input did not say.
	Assumptions []string `json:"assumptions,omitempty"`
}

// Problem is one thing wrong with one object of the input, with the field at fault.
type Problem struct {
	// Object is the kind and the namespace/name, for example "Ingress shop/web".
	Object string `json:"object"`
	// Field is the path of the field at fault, for example spec.rules[0].http.paths[1].path.
	Field string `json:"field"`
	// Severity is Error (the object is left out) or Warning.
	Severity string `json:"severity"`
	// Reason is a CamelCase reason; Message says what is wrong and what is allowed.
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// Ignored is an Ingress that is not portico's, and why.
type Ignored struct {
	Ingress string `json:"ingress"`
	Reason  string `json:"reason"`
}

// Report is one load balancer's plan as `portico plan -o json|yaml` prints it, the same for
// every provider: the writes Ensure would make, in order, each with the resource as the
// provider would send it to its cloud, and the resources left as they are, and why. Its JSON
// is a stable interface that scripts read: fields are added, never renamed or removed.
type Report struct {
	// LoadBalancer is the LoadBalancer object's name.
	LoadBalancer string `json:"loadBalancer"`
	// Provider and Location say where the resources would live.
	Provider string `json:"provider"`
	Location string `json:"location"`
	// Members are the Ingresses ("namespace/name") the load balancer serves.
	Members []string `json:"members,omitempty"`
	// Resources are the writes, in the order Ensure makes them.
	Resources []ReportResource `json:"resources"`
	// Blocked are resources the provider cannot write now, and why.
	Blocked []ReportBlocked `json:"blocked,omitempty"`
}

// ReportResource is one planned write.
type ReportResource struct {
	// Op is Create, Update or Delete.
	Op   string `json:"op"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Summary describes the resource in a few words; Detail says what an update changes.
	Summary string `json:"summary,omitempty"`
	Detail  string `json:"detail,omitempty"`
	// Refs are the resources it refers to.
	Refs []Key `json:"refs,omitempty"`
	// Service is the Kubernetes Service port a backend resource serves.
	Service *v1alpha1.ServiceRef `json:"service,omitempty"`
	// Routing says in words what decides where traffic goes (host and path rules, ports,
	// the Service served), one line each, for a terminal.
	Routing []string `json:"routing,omitempty"`
	// Spec is the resource as the provider writes it, in its cloud's JSON (for a delete,
	// as the cloud holds it).
	Spec json.RawMessage `json:"spec,omitempty"`
	// Attach is, for a resource whose parts the cloud takes in a call of their own, the body
	// of that call in the cloud's JSON (gcp: the networkEndpoints of a network endpoint group).
	Attach json.RawMessage `json:"attach,omitempty"`
}

// ReportBlocked is a resource left as it is.
type ReportBlocked struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Reason is the condition reason of the cause; Message says what to do.
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// Reporter is a provider that can show its plan resource by resource; `portico plan` plans
// offline only with providers that implement it.
type Reporter interface {
	Report(ctx context.Context, want *providers.Desired) (*Report, error)
}

// Describe turns a resource into the part of its report that only its provider knows: the
// spec in the cloud's JSON, the Kubernetes Service it serves, and its routing lines.
type Describe func(r Resource) (spec json.RawMessage, service *v1alpha1.ServiceRef, routing []string)

// Report lists the plan's steps and blocked resources; head holds the load balancer's name,
// provider, location and members.
func (e *Engine) Report(p *Plan, head Report, describe Describe) *Report {
	out := head
	out.Resources = []ReportResource{}
	for _, s := range p.Steps {
		r := s.Want
		if s.Op == providers.OpDelete {
			r = s.Have
		}
		spec, service, routing := describe(r)
		out.Resources = append(out.Resources, ReportResource{
			Op: s.Op, Kind: s.Key.Kind, Name: s.Key.Name, Summary: r.Summary, Detail: s.Detail,
			Refs: slices.Clone(r.Refs), Service: service, Routing: routing, Spec: spec,
		})
	}
	for _, k := range slices.SortedFunc(maps.Keys(p.Blocked), e.compare) {
		err := p.Blocked[k]
		if err == nil {
			err = errors.New("blocked")
		}
		out.Blocked = append(out.Blocked, ReportBlocked{Kind: k.Kind, Name: k.Name, Reason: providers.ReasonOf(err), Message: err.Error()})
	}
	return &out
}
