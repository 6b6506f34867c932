package gcp

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/iterator"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/retry"
)

// Target type instance: Google's load balancer reaches the nodes on the NodePort through one
// unmanaged instance group per zone. GCE lets a VM be in only one load-balanced instance
// group, so the group of a zone is the cluster's, shared by every load balancer (see
// shared.go); a backend service reaches its NodePort through the group's named port.

const (
	// maxInstancesPerCall is the most instances portico adds or removes in one call.
	maxInstancesPerCall = 500
	// maxUtilization is the target CPU utilization of an instance group backend, Google's
	// default, which it reports.
	maxUtilization = 0.8
	// namedPortPrefix starts the named port of a NodePort: "port30080".
	namedPortPrefix = "port"
)

// igSpec is an instance group and the instances it should hold: members are added and
// removed apart from the group, and the zone is part of its URL.
type igSpec struct {
	Group *computepb.InstanceGroup
	Zone  string
	// Instances are the members' relative URLs ("projects/P/zones/Z/instances/NAME"), sorted.
	Instances []string
}

// fields canonicalizes the group: named ports sorted by port, members sorted, so that the
// order Google reports them in never counts as a change.
func (s igSpec) fields() map[string]string {
	g := proto.Clone(s.Group).(*computepb.InstanceGroup)
	slices.SortFunc(g.NamedPorts, func(a, b *computepb.NamedPort) int {
		return cmp.Or(cmp.Compare(a.GetPort(), b.GetPort()), cmp.Compare(a.GetName(), b.GetName()))
	})
	out := messageFields(KindInstanceGroup, g)
	out[fieldZone] = s.Zone
	members := slices.Sorted(slices.Values(s.Instances))
	b, _ := json.Marshal(members)
	out[fieldInstances] = string(b)
	return out
}

// namedPort is the name of a NodePort in the instance groups: "port30080".
func namedPort(port int32) string { return namedPortPrefix + itoa(port) }

// portOfName reads a NodePort back from its named port; ok is false for any other name.
func portOfName(name string) (int32, bool) {
	rest, ok := strings.CutPrefix(name, namedPortPrefix)
	if !ok {
		return 0, false
	}
	p, err := strconv.ParseInt(rest, 10, 32)
	return int32(p), err == nil && p > 0
}

// instanceBackends points a backend service at the cluster's instance group of each zone
// that has one of the backend's nodes, through the named port of its NodePort. A target
// without a node cannot be placed in a group and is left out; a backend without nodes has
// no backends, so it answers 503 until a node appears.
func (b *builder) instanceBackends(bs *computepb.BackendService, targets []providers.Target) []plan.Key {
	zones := map[string]bool{}
	var port int32
	for _, t := range targets {
		if t.Node != "" {
			zones[cmp.Or(t.Zone, b.cfg.zone)] = true
			port = cmp.Or(port, t.Port) // every target of a backend is on the same NodePort
		}
	}
	if port != 0 {
		bs.PortName = proto.String(namedPort(port))
	}
	var refs []plan.Key
	for _, zone := range slices.Sorted(maps.Keys(zones)) {
		name := b.cfg.sharedName(KindInstanceGroup, zone)
		bs.Backends = append(bs.Backends, &computepb.Backend{
			Group:         proto.String(b.zonal(KindInstanceGroup, zone, name)),
			BalancingMode: proto.String("UTILIZATION"), MaxUtilization: proto.Float32(maxUtilization),
			CapacityScaler: proto.Float32(1), // Google's default, which it reports
		})
		refs = append(refs, plan.Key{Kind: KindInstanceGroup, Name: name})
	}
	return refs
}

// sharedName is the name of a resource the cluster shares, from its zone or network.
func (c config) sharedName(kind, part string) string {
	return c.namer.Name(kinds[kind].abbrev, "", part)
}

// instanceURL is the relative URL of a node's VM: GKE and ingress-gce assume, as portico
// does, that a node's name is its instance's.
func instanceURL(project, zone, node string) string {
	return "projects/" + project + "/zones/" + zone + "/instances/" + node
}

// insertInstanceGroup creates a group with its named ports, then adds its members in batches.
func (c *client) insertInstanceGroup(ctx context.Context, what string, s igSpec) error {
	op, err := c.api.InstanceGroups.Insert(ctx, &computepb.InsertInstanceGroupRequest{RequestId: requestID(), Project: c.project, Zone: s.Zone, InstanceGroupResource: s.Group})
	return c.done(ctx, "instanceGroups.insert", what, op, err)
}

// fillInstanceGroup adds a new group's members; a group adopted (made by an earlier pass
// whose answer was lost) gets only what it lacks, and its named ports if they differ.
func (c *client) fillInstanceGroup(ctx context.Context, want igSpec, adopted *plan.Resource) error {
	if adopted == nil {
		return c.members(ctx, "addInstances", want, want.Instances)
	}
	have, _ := adopted.Spec.(igSpec)
	var fields []string
	if adopted.Fields["namedPorts"] != fieldsOf(KindInstanceGroup, want)["namedPorts"] {
		fields = []string{"namedPorts"}
	}
	return c.moveInstances(ctx, have, want, fields)
}

// moveInstances adds the new members before it removes the old, and sets the named ports
// with the fingerprint read (a 412 makes Patch read the group again and retry).
func (c *client) moveInstances(ctx context.Context, have, want igSpec, fields []string) error {
	if added := without(want.Instances, have.Instances); len(added) > 0 {
		if err := c.members(ctx, "addInstances", want, added); err != nil {
			return err
		}
	}
	if removed := without(have.Instances, want.Instances); len(removed) > 0 {
		if err := c.members(ctx, "removeInstances", want, removed); err != nil {
			return err
		}
	}
	if !slices.Contains(fields, "namedPorts") {
		return nil
	}
	what := "set the named ports of InstanceGroup/" + want.Group.GetName()
	if err := paceWrite(ctx, c.limiter, what); err != nil {
		return err
	}
	op, err := c.api.InstanceGroups.SetNamedPorts(ctx, &computepb.SetNamedPortsInstanceGroupRequest{RequestId: requestID(), Project: c.project, Zone: want.Zone, InstanceGroup: want.Group.GetName(),
		InstanceGroupsSetNamedPortsRequestResource: &computepb.InstanceGroupsSetNamedPortsRequest{
			Fingerprint: have.Group.Fingerprint, NamedPorts: want.Group.GetNamedPorts()}})
	return c.done(ctx, "instanceGroups.setNamedPorts", what, op, err)
}

// members adds or removes instances ("addInstances" or "removeInstances") in batches.
func (c *client) members(ctx context.Context, method string, s igSpec, urls []string) error {
	group := s.Group.GetName()
	for start := 0; start < len(urls); start += maxInstancesPerCall {
		batch := urls[start:min(start+maxInstancesPerCall, len(urls))]
		refs := make([]*computepb.InstanceReference, 0, len(batch))
		for _, u := range batch {
			refs = append(refs, &computepb.InstanceReference{Instance: proto.String(u)})
		}
		what := fmt.Sprintf("%s: %d instance(s) of %s", method, len(batch), group)
		if err := paceWrite(ctx, c.limiter, what); err != nil {
			return err
		}
		var op *compute.Operation
		var err error
		if method == "addInstances" {
			op, err = c.api.InstanceGroups.AddInstances(ctx, &computepb.AddInstancesInstanceGroupRequest{RequestId: requestID(), Project: c.project, Zone: s.Zone, InstanceGroup: group,
				InstanceGroupsAddInstancesRequestResource: &computepb.InstanceGroupsAddInstancesRequest{Instances: refs}})
		} else {
			op, err = c.api.InstanceGroups.RemoveInstances(ctx, &computepb.RemoveInstancesInstanceGroupRequest{RequestId: requestID(), Project: c.project, Zone: s.Zone, InstanceGroup: group,
				InstanceGroupsRemoveInstancesRequestResource: &computepb.InstanceGroupsRemoveInstancesRequest{Instances: refs}})
		}
		if googleReason(err) == "memberAlreadyExists" {
			// Another pass added an instance since this one read the group: read it again
			// (Patch does on ErrStale) rather than remember a refusal.
			c.observer.ObserveCall(ProviderName, "instanceGroups."+method, err)
			return providers.Retryable(retry.ReasonStale, fmt.Errorf("%w: %w", retry.ErrStale, err), "%s: the group changed since it was read", what)
		}
		if err := c.done(ctx, "instanceGroups."+method, what, op, err); err != nil {
			return err
		}
	}
	return nil
}

// without returns the elements of a that b lacks.
func without(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// listInstanceGroups reads every zone's groups in one aggregated list, then each group's
// members, which Google reads only one group at a time (an empty group costs no call).
func (r *reads) listInstanceGroups(ctx context.Context, api *Clients, project string, filter *string) ([]plan.Resource, error) {
	it := paged(r.paced(ctx), api.InstanceGroups.AggregatedList(ctx, &computepb.AggregatedListInstanceGroupsRequest{Project: project, Filter: filter}, r.retry...))
	var out []plan.Resource
	for {
		pair, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out, nil
		}
		r.observer.ObserveCall(ProviderName, "instanceGroups.aggregatedList", classify("list instance groups", err))
		if err != nil {
			return nil, classify("list instance groups", err)
		}
		for _, g := range pair.Value.GetInstanceGroups() {
			zone := path.Base(g.GetZone())
			members, err := r.instances(ctx, api, project, zone, g)
			if err != nil {
				return nil, err
			}
			out = append(out, observed(KindInstanceGroup, g.GetName(), igSpec{Group: g, Zone: zone, Instances: members}))
		}
	}
}

// instances reads a group's members as relative URLs.
func (r *reads) instances(ctx context.Context, api *Clients, project, zone string, g *computepb.InstanceGroup) ([]string, error) {
	if g.Size != nil && g.GetSize() == 0 {
		return nil, nil
	}
	group := g.GetName()
	it := paged(r.paced(ctx), api.InstanceGroups.ListInstances(ctx, &computepb.ListInstancesInstanceGroupsRequest{Project: project, Zone: zone, InstanceGroup: group,
		InstanceGroupsListInstancesRequestResource: &computepb.InstanceGroupsListInstancesRequest{InstanceState: proto.String("ALL")}}, r.retry...))
	var out []string
	for {
		m, err := it.Next()
		if errors.Is(err, iterator.Done) {
			slices.Sort(out)
			return out, nil
		}
		r.observer.ObserveCall(ProviderName, "instanceGroups.listInstances", classify("list instances of "+group, err))
		if err != nil {
			return nil, classify("list instances of "+group, err)
		}
		out = append(out, relative(m.GetInstance()))
	}
}

// googleReason is the reason of Google's answer ("memberAlreadyExists"); "" for anything else.
func googleReason(err error) string {
	var ge *googleapi.Error
	if errors.As(err, &ge) && len(ge.Errors) > 0 {
		return ge.Errors[0].Reason
	}
	return ""
}
