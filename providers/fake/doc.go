// Package fake is an in-memory cloud with the resource graph of a GCE external HTTP(S) load
// balancer, and a provider that realises LoadBalancers in it. It serves every case that must
// create no real cloud resource: tests, demos and dry runs.
//
// The Cloud enforces the rules a real cloud does (a name is taken once per location, a
// reference must exist, a resource in use cannot be deleted, a certificate must parse, a
// forwarding rule's address, port, protocol, scheme and network are set only at creation
// and its target changes only with setTarget, two forwarding rules never share an address
// and port, a network endpoint group is zonal and its endpoints are attached and detached in
// batches), evaluates URL maps as Google does (a host wildcard "*.foo.com" covers any number
// of labels; route rules with header matches), records every call, and injects errors and
// latency on request, so tests can check that the provider recovers from a failure at any
// point without a duplicate or a leak.
//
// The Provider builds its resource graph and lets the shared engine (providers/plan) order
// the writes; it reads through a snapshot shared by all its load balancers
// (providers/snapshot), so reads do not grow with their number. Its translation bridges
// Kubernetes' semantics onto Google's: a wildcard host's matcher uses route rules on the
// host header so that deeper names go where Kubernetes sends them.
//
// The Provider is deterministic: the same load balancer in the same location always gets the
// same resource names, ids and address, in any Cloud, so a restarted controller changes
// nothing a user can see.
//
// Where the fake deliberately differs from GCE: every resource is Ready at once; locations
// are plain names (a "global" location and regions alike hold every kind, and a zonal
// endpoint group lives in its load balancer's location with its zone as a field); an
// address's IP is a hash into 192.0.2.0/24, so two addresses may share an IP beyond a few
// dozen (the address-and-port rule is checked per Address resource); a list call returns a
// network endpoint group's endpoints (GCE needs one listNetworkEndpoints call per group);
// attaching an endpoint already attached, or detaching one that is not, is not an error;
// instance groups are not zonal.
package fake
