package gcp

import (
	"context"
	"errors"
	"sync"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/api/iterator"

	"github.com/portico-dev/portico/providers/plan"
)

// endpointCache keeps the endpoints read of each group, by zone and name, so that a
// group is read again only when it may have changed: its size (which the batched list of
// groups reports) differs from what was read, or this provider wrote to it. Reading every
// group's endpoints with each list of groups would cost one call per load balancer every
// time the snapshot is refreshed, under the snapshot's lock. The price: an endpoint swapped
// for another outside portico, which keeps the size, is seen only by the next controller
// start (portico itself never swaps without changing what it wrote).
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

// withEndpoints returns a load balancer's groups with their endpoints: from the cache, or
// read. An empty group (size 0) costs no call.
func (r *reads) withEndpoints(ctx context.Context, location string, groups []plan.Resource) ([]plan.Resource, error) {
	out := make([]plan.Resource, 0, len(groups))
	for _, res := range groups {
		n := res.Spec.(negSpec)
		eps, ok := r.eps.lookup(n.Zone, n.Group)
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
