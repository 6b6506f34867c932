package gcp

import (
	"cmp"
	"context"
	"path"
	"slices"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers"
)

// healthCheckRanges are where Google's health checkers and the proxies of a global external
// Application Load Balancer connect from; the firewall rule lets them reach the targets.
var healthCheckRanges = []string{"130.211.0.0/22", "35.191.0.0/16"}

// firewall is the rule of one network that lets Google's checkers and proxies reach the
// ports of the cluster's targets (pod ports behind endpoint groups, NodePorts behind
// instance groups). It names no target tag: the nodes' tags are not known to portico, so it
// applies to every VM of the network, on those ports and from those ranges only.
func (c config) firewall(network string, ports []int32) *computepb.Firewall {
	allowed := make([]string, 0, len(ports))
	for _, p := range ports {
		allowed = append(allowed, itoa(p))
	}
	return &computepb.Firewall{
		Name: proto.String(c.sharedName(KindFirewall, network)), Description: proto.String(providers.ClusterDescription(c.cluster)),
		Network:      proto.String("projects/" + c.project + "/global/networks/" + network),
		Direction:    proto.String("INGRESS"),
		SourceRanges: slices.Clone(healthCheckRanges),
		Allowed:      []*computepb.Allowed{{IPProtocol: proto.String("tcp"), Ports: allowed}},
	}
}

// networkName is the name of a network from its URL.
func networkName(url string) string { return path.Base(url) }

// insertFirewall and patchFirewall write a rule; a patch sends only what portico changes
// (the ports and the ranges), and Google replaces those lists.
func (c *client) insertFirewall(ctx context.Context, what string, f *computepb.Firewall) error {
	op, err := c.api.Firewalls.Insert(ctx, &computepb.InsertFirewallRequest{RequestId: requestID(), Project: c.project, FirewallResource: f})
	return c.done(ctx, "firewalls.insert", what, op, err)
}

func (c *client) patchFirewall(ctx context.Context, what string, f *computepb.Firewall) error {
	patch := &computepb.Firewall{Name: f.Name, Allowed: f.Allowed, SourceRanges: f.SourceRanges}
	op, err := c.api.Firewalls.Patch(ctx, &computepb.PatchFirewallRequest{RequestId: requestID(), Project: c.project, Firewall: f.GetName(), FirewallResource: patch})
	return c.done(ctx, "firewalls.patch", what, op, err)
}

// sortedPorts returns the ports of a set in increasing order.
func sortedPorts(set map[int32]bool) []int32 {
	out := make([]int32, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b int32) int { return cmp.Compare(a, b) })
	return out
}
