package gcp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"sync"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/api/iterator"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// endpointCache keeps the endpoints read of each group, by zone and name, so that a
// group is read again only when it may have changed: its size (which the batched list of
// groups reports) differs from what was read, or this provider wrote to it. Reading every
// group's endpoints with each list of groups would cost one call per load balancer every
// time the snapshot is refreshed, under the snapshot's lock. The price: an endpoint swapped
// for another outside portico, which keeps the size, is not seen until the group next
// changes (portico itself never swaps without changing what it wrote).
//
// The cache is empty after a controller restart, and the process cannot tell which groups
// changed while it was down. So the same trust carries across the restart through the
// LoadBalancer's status: each group's entry in Observed.Resources holds a fingerprint, its
// size and a hash of the endpoints seen attached (see fingerprintOf), and the controller
// passes the status back in Desired.Known. A group the cache does not know, whose size in
// the batched list equals the recorded size and whose desired endpoints hash to the
// recorded hash, holds exactly the desired endpoints as far as its size can tell: the cache
// is seeded with them and the group is not read (see trusted). Otherwise it is read as
// before. The price is the one above, extended across the restart: an endpoint swapped
// outside portico for another, keeping the size, while the controller is down, is not seen
// until the group next changes. A status that is lost costs only reads. A stale one is
// trusted only where size and wanted endpoints both match it: the controller clears the
// fingerprint of a group a pass changed but could not observe after, but a process that
// stops between a write to a group and the status write leaves the old fingerprint, so a
// same-size change made just then, which the wanted endpoints later revert, is not seen
// until the group next changes either.
type endpointCache struct {
	mu      sync.Mutex
	byGroup map[string]cachedEndpoints
}

type cachedEndpoints struct {
	size      int32
	endpoints []*computepb.NetworkEndpoint
}

func groupKey(zone, name string) string { return zone + "/" + name }

// lookup returns the endpoints read of a group of this size.
func (c *endpointCache) lookup(zone string, g *computepb.NetworkEndpointGroup) ([]*computepb.NetworkEndpoint, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byGroup[groupKey(zone, g.GetName())]
	return e.endpoints, ok && g.Size != nil && e.size == g.GetSize()
}

func (c *endpointCache) store(zone string, g *computepb.NetworkEndpointGroup, eps []*computepb.NetworkEndpoint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byGroup[groupKey(zone, g.GetName())] = cachedEndpoints{size: g.GetSize(), endpoints: eps}
}

// forget drops what was read of a group this provider writes to or deletes.
func (c *endpointCache) forget(r plan.Resource) {
	n, ok := r.Spec.(negSpec)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byGroup, groupKey(n.Zone, r.Name))
}

// known returns the endpoints of a group the cache knows, as lookup does; ok is false for a
// group whose endpoints must be read first. An empty group (size 0) is always known.
func (c *endpointCache) known(zone string, g *computepb.NetworkEndpointGroup) ([]*computepb.NetworkEndpoint, bool) {
	if g.Size != nil && g.GetSize() == 0 {
		return nil, true
	}
	return c.lookup(zone, g)
}

// fingerprintOf is what the status records of a group: its size as Google reports it, and
// a hash of the endpoints seen attached, "SIZE:HASH".
func fingerprintOf(size int32, eps []*computepb.NetworkEndpoint) string {
	h := sha256.Sum256([]byte(endpointList(eps)))
	return strconv.Itoa(int(size)) + ":" + hex.EncodeToString(h[:12])
}

// groupFingerprint is the fingerprint of an observed group; "" when its size is unknown.
func groupFingerprint(n negSpec) string {
	if n.Group == nil || n.Group.Size == nil {
		return ""
	}
	return fingerprintOf(n.Group.GetSize(), n.Endpoints)
}

// trusted are the fingerprints a load balancer's status recorded of its groups, by name,
// and the endpoints its pass wants in each group, by zone and name: what lets a restarted
// process skip reading a group that is as it was left (see endpointCache).
type trusted struct {
	recorded map[string]string
	wanted   map[string][]*computepb.NetworkEndpoint
}

// trustOf returns what a pass may trust: the status's fingerprints of the groups of graph.
func trustOf(want *providers.Desired, graph []plan.Resource) *trusted {
	if want == nil || len(want.Known) == 0 {
		return nil
	}
	t := &trusted{recorded: map[string]string{}, wanted: map[string][]*computepb.NetworkEndpoint{}}
	for _, res := range want.Known {
		if res.Kind == KindNetworkEndpointGroup && res.Fingerprint != "" {
			t.recorded[res.Name] = res.Fingerprint
		}
	}
	for _, res := range graph {
		if n, ok := res.Spec.(negSpec); ok && t.recorded[res.Name] != "" {
			t.wanted[groupKey(n.Zone, res.Name)] = n.Endpoints
		}
	}
	return t
}

// endpoints returns the wanted endpoints of a group when the status recorded them as
// attached and the group's size still matches.
func (t *trusted) endpoints(zone string, g *computepb.NetworkEndpointGroup) ([]*computepb.NetworkEndpoint, bool) {
	if t == nil || g.Size == nil {
		return nil, false
	}
	fp := t.recorded[g.GetName()]
	eps, ok := t.wanted[groupKey(zone, g.GetName())]
	if fp == "" || !ok || fingerprintOf(g.GetSize(), eps) != fp {
		return nil, false
	}
	return eps, true
}

// withEndpoints returns a load balancer's groups with their endpoints: from the cache, from
// what trust (nil for none) says the status recorded, or read. An empty group (size 0)
// costs no call.
func (r *reads) withEndpoints(ctx context.Context, location string, groups []plan.Resource, trust *trusted) ([]plan.Resource, error) {
	out := make([]plan.Resource, 0, len(groups))
	for _, res := range groups {
		n := res.Spec.(negSpec)
		eps, ok := r.eps.lookup(n.Zone, n.Group)
		if !ok {
			eps, ok = trust.endpoints(n.Zone, n.Group)
			if ok {
				r.eps.store(n.Zone, n.Group, eps)
			}
		}
		if !ok {
			var err error
			if eps, err = r.endpoints(ctx, projectOf(location), n.Zone, n.Group); err != nil {
				return nil, err
			}
			r.eps.store(n.Zone, n.Group, eps)
		}
		out = append(out, observed(KindNetworkEndpointGroup, res.Name, negSpec{Group: n.Group, Zone: n.Zone, Endpoints: eps}))
	}
	return out, nil
}

// endpoints reads a group's endpoints.
func (r *reads) endpoints(ctx context.Context, project, zone string, g *computepb.NetworkEndpointGroup) ([]*computepb.NetworkEndpoint, error) {
	if g.Size != nil && g.GetSize() == 0 {
		return nil, nil
	}
	api, err := r.conn.get(ctx)
	if err != nil {
		return nil, err
	}
	group := g.GetName()
	it := paged(r.paced(ctx), api.NEGs.ListNetworkEndpoints(ctx, &computepb.ListNetworkEndpointsNetworkEndpointGroupsRequest{Project: project, Zone: zone, NetworkEndpointGroup: group}, r.retry...))
	var out []*computepb.NetworkEndpoint
	for {
		e, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out, nil
		}
		r.observer.ObserveCall(ProviderName, "networkEndpointGroups.listNetworkEndpoints", classify("list endpoints of "+group, err))
		if err != nil {
			return nil, classify("list endpoints of "+group, err)
		}
		out = append(out, e.GetNetworkEndpoint())
	}
}
