// Package model translates a group of Ingresses, and the objects they reference, into one
// provider-neutral LoadBalancerSpec, with the routing semantics of the Kubernetes Ingress API.
//
// The package does no I/O: callers hand it objects through a Lookup. Every problem with the
// input is collected as a Problem that names the Ingress, the field and what is allowed,
// instead of being returned as an error, so that one bad member never blocks the rest of its
// group (the way Contour's internal/dag collects validation problems as status).
//
// The reference router (Route) answers which backend Kubernetes semantics choose for a host
// and path; every provider's translation is tested against it.
package model
