// Package gcptest is a local emulator of the Compute Engine REST API (v1),
// for exactly the resources of a global external Application Load Balancer
// that portico's GCP provider makes: global addresses, health checks,
// backend services, URL maps, target HTTP and HTTPS proxies, SSL
// certificates, global forwarding rules, zonal network endpoint groups
// (GCE_VM_IP_PORT) with their endpoints, zonal unmanaged instance groups with
// their members and named ports, firewall rules, and the global and zonal
// operations their mutations return. Instances (VMs) are fixtures a test
// registers (AddInstance); the API serves their get.
//
// The real SDK (cloud.google.com/go/compute/apiv1, REST transport) talks to
// it unchanged: Server.Clients returns the SDK's clients pointed at it. It
// serves the request paths the SDK uses (the set* methods of target proxies
// have no "global/" segment) and answers as Google documents:
//
//   - request and response bodies are checked against the compute API's
//     discovery document, as google.golang.org/api ships it (a trimmed copy,
//     compute-schemas.json, made by `go generate` from the version go.mod
//     requires): an unknown field is refused with Google's 400 ("Invalid JSON
//     payload received. Unknown name "x" at 'resource': Cannot find field."),
//     as is a value of the wrong type or outside its enum; output-only fields
//     of a request are ignored, as Google ignores them; a response that would
//     depart from the schema is answered 500, the emulator's own bug. A kind
//     whose collection discoverygen lists is checked with no code of its own;
//   - the fields and values the EXTERNAL_MANAGED scheme does not take
//     (scheme.go: failover, connection tracking, maxStreamDuration, a
//     forwarding rule's ports or backendService, passthrough-only session
//     affinities, ...) are refused with 400;
//   - resources are kept per project, NEGs per zone; ids are uint64, with
//     selfLink (https://www.googleapis.com/compute/v1/...), kind and
//     creationTimestamp; references are accepted as full or partial URLs and
//     returned as full URLs, and must exist (404 otherwise);
//   - URL maps and backend services need their current fingerprint on patch
//     and update, target proxies and forwarding rules check it when sent
//     (412 conditionNotMet); every write gives a new fingerprint; health
//     checks, which the API gives no fingerprint, are updated without one;
//   - every mutation returns an Operation that is DONE after
//     Options.OperationPolls polls (get or wait); any write retried with the
//     same requestId gets the operation it started and changes nothing twice;
//   - errors use Google's JSON error body: 400 invalid or required, 403
//     forbidden, 404 notFound, 409 alreadyExists, 412 conditionNotMet, 429
//     rateLimitExceeded, 503 backendError, and 400
//     resourceInUseByAnotherResource when deleting a resource that another
//     refers to (a forwarding rule's IP literal counts for its address);
//   - a forwarding rule created with an address's URL reports the address's IP
//     in IPAddress, as Google resolves it;
//   - backend services and forwarding rules must use the EXTERNAL_MANAGED
//     scheme; a path matcher needs a default and may not mix pathRules and
//     routeRules; a NEG backend is balanced by RATE with a maximum rate; two
//     forwarding rules may not share an IP and port range; fields set
//     only at creation cannot be patched (a global forwarding rule's patch
//     changes its networkTier only, its target changes through setTarget; a
//     backend service keeps its scheme); a global address lists its users
//     and is IN_USE while a forwarding rule holds it;
//   - an instance group's members change through addInstances and
//     removeInstances (each instance must exist in the group's zone;
//     memberAlreadyExists for one added twice) and are read with
//     listInstances; setNamedPorts checks the fingerprint when sent; an
//     instance may be in only one load-balanced instance group (a group a
//     backend service uses), and a group's backend is balanced by
//     UTILIZATION, or RATE with a maximum rate;
//   - backendServices.getHealth reports each endpoint of a NEG backend in
//     the state a test set (SetEndpointHealth), else Options.InitialHealth;
//   - lists page with maxResults (at most 500) and pageToken, and filter
//     with "FIELD eq RE2", "FIELD ne RE2", `FIELD = "v"` or `FIELD != "v"`
//     on top-level fields, several joined by AND or in parentheses;
//   - each method needs the IAM permission the API reference names
//     (compute.urlMaps.create, compute.targetHttpProxies.setUrlMap, ...);
//     and a write also needs the permission Google checks on each resource it
//     refers to (compute.backendServices.use for a URL map's services,
//     compute.networks.updatePolicy for a firewall rule's network, ...);
//     Options.Permissions is the caller's allow-list, and the server records
//     the permissions its calls used.
//
// For tests it injects faults (a rate of 429 and 503 answers, operations
// that fail, answers lost after the change was applied, latency), keeps a call log with read and write counts, lists
// its inventory, and evaluates a URL map as Google does (Server.Route):
// exact host, then the longest wildcard host (which matches any number of
// labels), then route rules by priority or the longest path rule, then the
// path matcher's default service; and it answers which certificate a target
// HTTPS proxy serves for an SNI name (Server.Certificate): one whose names
// match it, exact before wildcard, else the proxy's first.
//
// It deliberately stops short of: regional methods and aggregated lists
// other than the NEGs' and instance groups' (served, so that one call reads
// every zone); managed instance groups, instances' other methods, SSL policies and every other collection;
// asynchronous application
// (a write applies at once, only its Operation lags); endpoint health in
// listNetworkEndpoints (only getHealth reports it); quotas; in Route, header
// matches other than the host, query and method matches, and weighted or
// redirect actions; and filter syntax beyond comparisons.
package gcptest
