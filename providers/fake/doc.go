// Package fake is an in-memory cloud with the resource graph of a GCE external HTTP(S) load
// balancer, and a provider that realises LoadBalancers in it. It serves every case that must
// create no real cloud resource: tests, demos and dry runs.
//
// The Cloud enforces the rules a real cloud does (a name is taken once, a reference must
// exist, a resource in use cannot be deleted, a certificate must parse), records every call,
// and injects errors and latency on request, so tests can check that the provider recovers
// from a failure at any point without a duplicate or a leak.
//
// The Provider is deterministic: the same load balancer always gets the same resource names,
// ids and address, in any Cloud, so a restarted controller changes nothing a user can see.
//
// Where the fake deliberately differs from GCE: a host wildcard "*.foo.com" in a URL map
// covers exactly one label (as in Kubernetes; GCE covers any number), every field but a
// certificate's can be patched, and all resources are global and Ready at once.
package fake
