package gcp

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// The resources a cluster's load balancers share in a project are the instance group of each
// zone and the firewall rule of each network. They are owned by the cluster
// (providers.ClusterDescription), so no load balancer's Delete or the orphan sweep takes them
// for its own. Whether the cluster still uses them, and how, is read from the snapshot every
// pass already holds: the backend services and endpoint groups of the cluster's load
// balancers, listed once per pass. A load balancer's pass (Plan, Ensure or Delete) counts its
// own wanted resources in place of what the snapshot holds of it, plans the shared resources
// with its own, and so the last user's Delete finds them unused and deletes them. A resync
// with nothing changed wants exactly what exists, and writes nothing.

// sharedUse is what the cluster's load balancers use of the shared resources of a location.
type sharedUse struct {
	// zones maps each zone whose instance group a backend service uses to the NodePorts the
	// services reach through it (the group's named ports).
	zones map[string]map[int32]bool
	// ports are every port Google's checkers and proxies must reach: the endpoints' of the
	// endpoint groups, and the NodePorts.
	ports map[int32]bool
}

func newSharedUse() *sharedUse {
	return &sharedUse{zones: map[string]map[int32]bool{}, ports: map[int32]bool{}}
}

// add counts the use of one backend service or endpoint group.
func (u *sharedUse) add(r plan.Resource) {
	switch s := r.Spec.(type) {
	case *computepb.BackendService:
		port, named := portOfName(s.GetPortName())
		for _, be := range s.GetBackends() {
			zone, ok := instanceGroupZone(be.GetGroup())
			if !ok {
				continue
			}
			if u.zones[zone] == nil {
				u.zones[zone] = map[int32]bool{}
			}
			if named {
				u.zones[zone][port], u.ports[port] = true, true
			}
		}
	case negSpec:
		for _, e := range s.Endpoints {
			u.ports[e.GetPort()] = true
		}
	}
}

// instanceGroupZone is the zone of an instance group's URL; ok is false for anything else.
func instanceGroupZone(url string) (string, bool) {
	parts := strings.Split(relative(url), "/") // projects/P/zones/Z/instanceGroups/NAME
	if len(parts) != 6 || parts[2] != "zones" || parts[4] != kinds[KindInstanceGroup].collection {
		return "", false
	}
	return parts[3], true
}

// clusterOwner is the snapshot group of the cluster's shared resources.
func (p *Provider) clusterOwner() providers.Owner {
	return providers.Owner{ClusterID: p.opts.ClusterID}
}

// shared returns the shared resources the cluster wants in a location once lb has what it
// wants (mine: its graph; nil for a Delete) and those that exist. want is nil for a Delete.
func (p *Provider) shared(ctx context.Context, loc, lb string, want *providers.Desired, mine []plan.Resource) (wanted, have []plan.Resource, err error) {
	for _, kind := range []string{KindFirewall, KindInstanceGroup} {
		rs, err := p.reads.cache.Group(ctx, loc, kind, groupOf(p.clusterOwner()))
		if err != nil {
			return nil, nil, err
		}
		have = append(have, rs...)
	}
	use, unknown, err := p.used(ctx, loc, lb, mine)
	if err != nil {
		return nil, nil, err
	}
	if unknown {
		// Some of the other load balancers' groups are not known yet (a restart, until their
		// own passes read or trust them): a port the rules allow may be theirs, so none goes.
		// Every load balancer is passed after a restart, and then the unused ports go.
		maps.Copy(use.ports, allowedPorts(have))
	}
	var params *v1alpha1.IngressClassParamsSpec
	if want != nil {
		params = want.Params
	}
	cfg := config{project: projectOf(loc), cluster: p.opts.ClusterID, namer: p.namer, site: p.siteOf(params)}
	wanted = cfg.instanceGroups(use, want, have)
	return append(wanted, cfg.firewalls(use, want, have)...), have, nil
}

// used is the use of the shared resources of a location once lb has what it wants (mine);
// unknown as others says.
func (p *Provider) used(ctx context.Context, loc, lb string, mine []plan.Resource) (*sharedUse, bool, error) {
	use, unknown, err := p.others(ctx, loc, lb)
	if err != nil {
		return nil, false, err
	}
	for _, r := range mine {
		use.add(r)
	}
	return use, unknown, nil
}

// allowedPorts are the TCP ports the cluster's firewall rules allow.
func allowedPorts(have []plan.Resource) map[int32]bool {
	out := map[int32]bool{}
	for _, r := range have {
		f, ok := r.Spec.(*computepb.Firewall)
		if !ok {
			continue
		}
		for _, a := range f.GetAllowed() {
			for _, s := range a.GetPorts() {
				if n, err := strconv.ParseInt(s, 10, 32); err == nil {
					out[int32(n)] = true
				}
			}
		}
	}
	return out
}

// instanceGroups are the groups of the zones in use. Their members are the nodes of want's
// instance backends: every load balancer of a cluster sees the same nodes, so the last pass
// wins and all agree. A pass that knows no node (a Delete, no instance backend, or none
// with a node yet) keeps the members a group has, so that it never empties the groups
// other load balancers serve through.
func (c config) instanceGroups(use *sharedUse, want *providers.Desired, have []plan.Resource) []plan.Resource {
	nodes, known := c.nodes(want)
	var out []plan.Resource
	for _, zone := range slices.Sorted(maps.Keys(use.zones)) {
		name := c.sharedName(KindInstanceGroup, zone)
		members := nodes[zone]
		if !known {
			if i := slices.IndexFunc(have, func(r plan.Resource) bool { return r.Kind == KindInstanceGroup && r.Name == name }); i >= 0 {
				members = have[i].Spec.(igSpec).Instances
			}
		}
		g := &computepb.InstanceGroup{Name: proto.String(name), Description: proto.String(providers.ClusterDescription(c.cluster))}
		ports := sortedPorts(use.zones[zone])
		for _, port := range ports {
			g.NamedPorts = append(g.NamedPorts, &computepb.NamedPort{Name: proto.String(namedPort(port)), Port: proto.Int32(port)})
		}
		spec := igSpec{Group: g, Zone: zone, Instances: members}
		summary := "the cluster's instance group in " + zone + ": " + strconv.Itoa(len(members)) + " instance(s), NodePorts " + joinPorts(ports)
		out = append(out, plan.Resource{Key: plan.Key{Kind: KindInstanceGroup, Name: name}, Fields: fieldsOf(KindInstanceGroup, spec),
			Immutable: kinds[KindInstanceGroup].immutable, Summary: summary, Spec: spec})
	}
	return out
}

// nodes returns the instance URLs of want's instance targets by zone, sorted; known is
// false when want has no instance target on a node.
func (c config) nodes(want *providers.Desired) (map[string][]string, bool) {
	if want == nil {
		return nil, false
	}
	known := false
	byZone := map[string][]string{}
	for _, be := range want.Spec.Backends {
		if be.TargetType != v1alpha1.TargetTypeInstance {
			continue
		}
		for _, t := range want.Targets[be.Name] {
			if t.Node == "" {
				continue
			}
			known = true
			zone := cmp.Or(t.Zone, c.zone)
			if u := instanceURL(c.project, zone, t.Node); !slices.Contains(byZone[zone], u) {
				byZone[zone] = append(byZone[zone], u)
			}
		}
	}
	for _, urls := range byZone {
		slices.Sort(urls)
	}
	return byZone, known
}

// firewalls are the rules of want's network and of every network the cluster has a rule in,
// each allowing every port in use; none when nothing is in use. A rule of a network no load
// balancer uses any more is kept until the cluster uses no port in the project: the
// resources read name no network.
func (c config) firewalls(use *sharedUse, want *providers.Desired, have []plan.Resource) []plan.Resource {
	if len(use.ports) == 0 {
		return nil
	}
	networks := map[string]bool{}
	if want != nil {
		networks[c.network] = true
	}
	for _, r := range have {
		if f, ok := r.Spec.(*computepb.Firewall); ok && r.Name == c.sharedName(KindFirewall, networkName(f.GetNetwork())) {
			networks[networkName(f.GetNetwork())] = true
		}
	}
	ports := sortedPorts(use.ports)
	var out []plan.Resource
	for _, network := range slices.Sorted(maps.Keys(networks)) {
		f := c.firewall(network, ports)
		out = append(out, plan.Resource{Key: plan.Key{Kind: KindFirewall, Name: f.GetName()}, Fields: fieldsOf(KindFirewall, f),
			Immutable: kinds[KindFirewall].immutable, Spec: f,
			Summary: "lets Google's health checkers and proxies reach TCP " + joinPorts(ports) + " in network " + network})
	}
	return out
}

func joinPorts(ports []int32) string {
	out := make([]string, 0, len(ports))
	for _, p := range ports {
		out = append(out, itoa(p))
	}
	return strings.Join(out, ",")
}

// usedBy returns the shared resources of a graph that lb itself uses: the instance groups
// its backend services refer to, and the firewall rule of its network.
func (p *Provider) usedBy(g plan.Graph, want *providers.Desired) map[plan.Key]bool {
	out := map[plan.Key]bool{}
	fw := plan.Key{Kind: KindFirewall, Name: p.namer.Name(kinds[KindFirewall].abbrev, "", p.siteOf(want.Params).network)}
	for _, r := range g.Resources {
		if r.Key == fw {
			out[fw] = true
		}
		if r.Kind != KindBackendService {
			continue
		}
		for _, ref := range r.Refs {
			if ref.Kind == KindInstanceGroup {
				out[ref] = true
			}
		}
	}
	return out
}

// withShared adds to a load balancer's resources the shared ones it uses, as they exist.
func (p *Provider) withShared(ctx context.Context, loc string, own []plan.Resource, used map[plan.Key]bool) ([]plan.Resource, error) {
	for _, kind := range []string{KindFirewall, KindInstanceGroup} {
		rs, err := p.reads.cache.Group(ctx, loc, kind, groupOf(p.clusterOwner()))
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if used[r.Key] {
				own = append(own, r)
			}
		}
	}
	return own, nil
}

// deletePlan is the plan of a Delete: every resource lb owns goes, and what the cluster
// shares stays as the other load balancers use it, pruned of what only lb used, deleted
// when lb was its last user.
func (p *Provider) deletePlan(ctx context.Context, loc, lb string, have []plan.Resource) (*plan.Plan, error) {
	shared, sharedHave, err := p.shared(ctx, loc, lb, nil, nil)
	if err != nil {
		return nil, err
	}
	return p.engine.Plan(plan.Graph{Scope: loc, Resources: shared}, append(slices.Clone(have), sharedHave...)), nil
}

// touchesShared reports whether a plan writes what the cluster's load balancers share.
// Such passes run one at a time, each planned again once it holds the lock, so that it
// counts what the pass before it wrote: two load balancers made at once would otherwise
// each set a group's named ports, or the firewall's, without the other's.
func touchesShared(pl *plan.Plan) bool {
	return slices.ContainsFunc(pl.Steps, func(s plan.Step) bool {
		return s.Key.Kind == KindFirewall || s.Key.Kind == KindInstanceGroup
	})
}
