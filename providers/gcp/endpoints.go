package gcp

import (
	"context"
	"fmt"

	"cloud.google.com/go/compute/apiv1/computepb"
)

// maxEndpointsPerCall is the most endpoints Google takes in one attach or detach call.
const maxEndpointsPerCall = 500

// attach attaches endpoints to a group in batches.
func (c *client) attach(ctx context.Context, zone, group string, eps []*computepb.NetworkEndpoint) error {
	return c.batches(eps, func(batch []*computepb.NetworkEndpoint) error {
		what := fmt.Sprintf("attach %d endpoint(s) to %s", len(batch), group)
		if err := paceWrite(ctx, c.limiter, what); err != nil {
			return err
		}
		op, err := c.api.NEGs.AttachNetworkEndpoints(ctx, &computepb.AttachNetworkEndpointsNetworkEndpointGroupRequest{RequestId: requestID(),
			Project: c.project, Zone: zone, NetworkEndpointGroup: group,
			NetworkEndpointGroupsAttachEndpointsRequestResource: &computepb.NetworkEndpointGroupsAttachEndpointsRequest{NetworkEndpoints: batch},
		})
		return c.done(ctx, "networkEndpointGroups.attachNetworkEndpoints", what, op, err)
	})
}

// detach detaches endpoints from a group in batches.
func (c *client) detach(ctx context.Context, zone, group string, eps []*computepb.NetworkEndpoint) error {
	return c.batches(eps, func(batch []*computepb.NetworkEndpoint) error {
		what := fmt.Sprintf("detach %d endpoint(s) from %s", len(batch), group)
		if err := paceWrite(ctx, c.limiter, what); err != nil {
			return err
		}
		op, err := c.api.NEGs.DetachNetworkEndpoints(ctx, &computepb.DetachNetworkEndpointsNetworkEndpointGroupRequest{RequestId: requestID(),
			Project: c.project, Zone: zone, NetworkEndpointGroup: group,
			NetworkEndpointGroupsDetachEndpointsRequestResource: &computepb.NetworkEndpointGroupsDetachEndpointsRequest{NetworkEndpoints: batch},
		})
		return c.done(ctx, "networkEndpointGroups.detachNetworkEndpoints", what, op, err)
	})
}

func (c *client) batches(eps []*computepb.NetworkEndpoint, call func([]*computepb.NetworkEndpoint) error) error {
	for start := 0; start < len(eps); start += maxEndpointsPerCall {
		if err := call(eps[start:min(start+maxEndpointsPerCall, len(eps))]); err != nil {
			return err
		}
	}
	return nil
}

// moveEndpoints attaches the new endpoints before it detaches the old, so that a group
// never serves with fewer endpoints than either state has.
func (c *client) moveEndpoints(ctx context.Context, have, want negSpec) error {
	if added := missing(want.Endpoints, have.Endpoints); len(added) > 0 {
		if err := c.attach(ctx, want.Zone, want.Group.GetName(), added); err != nil {
			return err
		}
	}
	if removed := missing(have.Endpoints, want.Endpoints); len(removed) > 0 {
		return c.detach(ctx, want.Zone, want.Group.GetName(), removed)
	}
	return nil
}

// missing returns the endpoints of a whose IP and port b lacks.
func missing(a, b []*computepb.NetworkEndpoint) []*computepb.NetworkEndpoint {
	in := map[string]bool{}
	for _, e := range b {
		in[endpointKey(e)] = true
	}
	var out []*computepb.NetworkEndpoint
	for _, e := range a {
		if !in[endpointKey(e)] {
			out = append(out, e)
		}
	}
	return out
}

func endpointKey(e *computepb.NetworkEndpoint) string {
	return fmt.Sprintf("%s:%d", e.GetIpAddress(), e.GetPort())
}
