package providers

import (
	"context"
	"slices"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Shared is a provider whose load balancers share one server (nginx): each load balancer
// claims hosts and the catch-all on it, and the controller, which sees every load balancer,
// arbitrates contested claims and passes each load balancer the claims it lost
// (Desired.Refused). A provider sees one load balancer at a time, so it cannot decide itself.
//
// Every replica of the controller serves, not only the leader, so the controller also hands
// the provider every load balancer when its caches have synced (Stage, then Synced), before
// the provider loads anything: a restart never serves a partial set.
type Shared interface {
	Provider
	// Stage records want as a load balancer to serve, without waiting for it to load.
	Stage(want *Desired) error
	// Synced says every load balancer has been staged; the provider may load from now on.
	Synced()
	// Serve is Ensure on a replica that writes no status: it serves want and waits for it,
	// reporting nothing, so that the leader's Ensure still reports the changes.
	Serve(ctx context.Context, want *Desired) error
}

// RefusedClaim is a claim a load balancer lost to an older one on a shared server.
type RefusedClaim struct {
	// Host is the contested host; empty is the catch-all (the rules without a host and the
	// default backend).
	Host v1alpha1.Hostname `json:"host,omitempty"`
	// Winner names the LoadBalancer that serves the claim.
	Winner string `json:"winner"`
}

// Claims lists what a load balancer claims on a shared server, sorted: each host of its
// rules, and "" (the catch-all) when it has a rule without a host or a default backend.
func Claims(spec *v1alpha1.LoadBalancerSpec) []v1alpha1.Hostname {
	seen := map[v1alpha1.Hostname]bool{}
	if spec.DefaultBackend != "" {
		seen[""] = true
	}
	for _, r := range spec.Rules {
		seen[r.Host] = true
	}
	out := make([]v1alpha1.Hostname, 0, len(seen))
	for h := range seen {
		out = append(out, h)
	}
	slices.Sort(out)
	return out
}
