package gcptest

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// instanceGroups are zonal unmanaged instance groups. Their members change
// through addInstances and removeInstances and are read with listInstances
// (a POST); their named ports change through setNamedPorts, which checks
// the fingerprint when one is sent, as the API reference says.
var instanceGroups = register(&kind{
	collection: "instanceGroups", iamName: "instanceGroups", kindName: "compute#instanceGroup",
	zonal:   true,
	newItem: func() proto.Message { return &computepb.InstanceGroup{} },
	newList: func() proto.Message { return &computepb.InstanceGroupList{} },
	prepare: func(_ *Server, _ *project, m proto.Message) {
		g := m.(*computepb.InstanceGroup)
		g.Size = proto.Int32(0)
		g.Network, g.Subnetwork = nil, nil // output only: the network of the members
	},
	present: func(p *project, m proto.Message) {
		g := m.(*computepb.InstanceGroup)
		g.Size = proto.Int32(int32(len(p.members[g.GetSelfLink()])))
	},
	validate: func(_ *project, m proto.Message) error {
		return validateNamedPorts(m.(*computepb.InstanceGroup).NamedPorts)
	},
})

func init() {
	addCRUD(instanceGroups)
	base := "zones/*/instanceGroups/*/"
	addRoute(http.MethodPost, base+"addInstances", instanceGroups, "update", true, addInstances)
	addRoute(http.MethodPost, base+"removeInstances", instanceGroups, "update", true, removeInstances)
	addRoute(http.MethodPost, base+"setNamedPorts", instanceGroups, "update", true, setNamedPorts)
	addRoute(http.MethodPost, base+"listInstances", instanceGroups, "list", false, listInstances)
}

func validateNamedPorts(ports []*computepb.NamedPort) error {
	for i, np := range ports {
		if err := validName(np.GetName()); err != nil {
			return errInvalid("Invalid value for field 'namedPorts[%d].name': '%s'", i, np.GetName())
		}
		if np.GetPort() < 1 || np.GetPort() > 65535 {
			return errInvalid("Invalid value for field 'namedPorts[%d].port': '%d'. Must be between 1 and 65535", i, np.GetPort())
		}
	}
	return nil
}

func (s *Server) instanceGroup(c *call) (*computepb.InstanceGroup, error) {
	p := s.project(c.project)
	m, ok := p.lookup(c.kind, c.zone, c.name)
	if !ok {
		return nil, errNotFound(relOf(p.selfLink(c.kind, c.zone, c.name)))
	}
	return m.(*computepb.InstanceGroup), nil
}

// memberURLs checks the instances of an add or remove request: each must be
// an instance of the group's project and zone that exists.
func (s *Server) memberURLs(c *call, refs []*computepb.InstanceReference) ([]string, error) {
	p := s.project(c.project)
	var out []string
	for i, r := range refs {
		ref, ok := parseRef(r.GetInstance(), c.project)
		if !ok || ref.collection != instances.collection {
			return nil, errInvalid("Invalid value for field 'resource.instances[%d].instance': '%s'", i, r.GetInstance())
		}
		if ref.project != c.project || ref.zone() != c.zone {
			return nil, errInvalid("Invalid value for field 'resource.instances[%d].instance': '%s'. The instance must be in the zone of the instance group", i, r.GetInstance())
		}
		if _, found := p.lookup(instances, c.zone, ref.name); !found {
			return nil, errNotFound(ref.rel())
		}
		out = append(out, ref.url())
	}
	return out, nil
}

func addInstances(s *Server, c *call) (proto.Message, error) {
	g, err := s.instanceGroup(c)
	if err != nil {
		return nil, err
	}
	body := &computepb.InstanceGroupsAddInstancesRequest{}
	if err := decode(c.body, body); err != nil {
		return nil, err
	}
	urls, err := s.memberURLs(c, body.Instances)
	if err != nil {
		return nil, err
	}
	p, link := s.project(c.project), g.GetSelfLink()
	for _, u := range urls {
		// Only adding an instance uses it (instanceGroups.addInstances' reference).
		if err := s.authorizeRef(c.kind, u, c.project); err != nil {
			return nil, err
		}
		if slices.Contains(p.members[link], u) {
			return nil, &apiError{Code: http.StatusBadRequest, Reason: "memberAlreadyExists",
				Message: fmt.Sprintf("The resource '%s' is already a member of '%s'", relOf(u), relOf(link))}
		}
		if err := p.loadBalancedElsewhere(u, link); err != nil {
			return nil, err
		}
	}
	return s.mutate(c, link, g.GetId(), "addInstances", func() uint64 {
		p.members[link] = append(p.members[link], urls...)
		slices.Sort(p.members[link])
		g.Network = proto.String(googleBase + "projects/" + p.name + "/global/networks/default")
		return g.GetId()
	}), nil
}

func removeInstances(s *Server, c *call) (proto.Message, error) {
	g, err := s.instanceGroup(c)
	if err != nil {
		return nil, err
	}
	body := &computepb.InstanceGroupsRemoveInstancesRequest{}
	if err := decode(c.body, body); err != nil {
		return nil, err
	}
	urls, err := s.memberURLs(c, body.Instances)
	if err != nil {
		return nil, err
	}
	p, link := s.project(c.project), g.GetSelfLink()
	return s.mutate(c, link, g.GetId(), "removeInstances", func() uint64 {
		p.members[link] = slices.DeleteFunc(p.members[link], func(u string) bool { return slices.Contains(urls, u) })
		return g.GetId()
	}), nil
}

// setNamedPorts replaces the named ports; a fingerprint sent must be the
// current one (412), and every write gives a new one.
func setNamedPorts(s *Server, c *call) (proto.Message, error) {
	g, err := s.instanceGroup(c)
	if err != nil {
		return nil, err
	}
	body := &computepb.InstanceGroupsSetNamedPortsRequest{}
	if err := decode(c.body, body); err != nil {
		return nil, err
	}
	if body.Fingerprint != nil && body.GetFingerprint() != g.GetFingerprint() {
		return nil, errConditionNotMet(relOf(g.GetSelfLink()))
	}
	if err := validateNamedPorts(body.NamedPorts); err != nil {
		return nil, err
	}
	next := proto.Clone(g).(*computepb.InstanceGroup)
	next.NamedPorts = body.NamedPorts
	return s.commit(c, "setNamedPorts", g, next)
}

// listInstances serves listInstances, a POST that reads. The API's body is an
// InstanceGroupsListInstancesRequest, but the SDK sends its whole request
// message, as it does for listNetworkEndpoints; that is what is decoded.
func listInstances(s *Server, c *call) (proto.Message, error) {
	g, err := s.instanceGroup(c)
	if err != nil {
		return nil, err
	}
	if len(c.body) > 0 {
		if err := decode(c.body, &computepb.ListInstancesInstanceGroupsRequest{}); err != nil {
			return nil, err
		}
	}
	var items []proto.Message
	for _, u := range s.project(c.project).members[g.GetSelfLink()] {
		items = append(items, &computepb.InstanceWithNamedPorts{Instance: proto.String(u), Status: proto.String("RUNNING"),
			NamedPorts: g.NamedPorts})
	}
	page, next, err := paginate(items, c.query.Get("maxResults"), c.query.Get("pageToken"))
	if err != nil {
		return nil, err
	}
	out := &computepb.InstanceGroupsListInstances{Kind: proto.String("compute#instanceGroupsListInstances")}
	appendItems(out, page)
	if next != "" {
		out.NextPageToken = proto.String(next)
	}
	return out, nil
}

// loadBalanced reports whether a backend service uses the instance group.
func (p *project) loadBalanced(link string) bool {
	for u := range p.users[link] {
		if r, ok := parseRef(u, p.name); ok && r.collection == "backendServices" { // not backendServices.collection: its validation refers here
			return true
		}
	}
	return false
}

// loadBalancedElsewhere applies Google's rule that a VM may be in only one
// load-balanced instance group: adding instance to group fails when both
// group and another group holding the instance are backends of a service.
func (p *project) loadBalancedElsewhere(instance, group string) error {
	if !p.loadBalanced(group) {
		return nil
	}
	for other, members := range p.members {
		if other != group && slices.Contains(members, instance) && p.loadBalanced(other) {
			return errInvalid("Invalid value for field 'resource.instances': '%s'. An instance may belong to only one load-balanced instance group; it is in '%s'", relOf(instance), relOf(other))
		}
	}
	return nil
}

// validateInstanceGroupBackends: an instance group backend of an
// Application Load Balancer is balanced by UTILIZATION or RATE (RATE with
// maxRate or maxRatePerInstance), and none of its instances may be in
// another load-balanced instance group.
func validateInstanceGroupBackends(p *project, b *computepb.BackendService) error {
	for i, be := range b.Backends {
		r, _ := parseRef(be.GetGroup(), p.name)
		if r.collection != instanceGroups.collection {
			continue
		}
		switch {
		case be.GetBalancingMode() == "UTILIZATION":
		case be.GetBalancingMode() == "RATE" && (be.MaxRate != nil || be.MaxRatePerInstance != nil):
		default:
			return errInvalid("Invalid value for field 'resource.backends[%d].balancingMode': '%s'. An instance group backend of an Application Load Balancer needs UTILIZATION, or RATE with maxRate or maxRatePerInstance", i, be.GetBalancingMode())
		}
		for _, u := range p.members[r.url()] {
			for other, members := range p.members {
				if other != r.url() && slices.Contains(members, u) && p.loadBalanced(other) {
					return errInvalid("Invalid value for field 'resource.backends[%d].group': '%s'. Its instance '%s' is already in the load-balanced instance group '%s'", i, be.GetGroup(), relOf(u), relOf(other))
				}
			}
		}
	}
	return nil
}

// aggregatedInstanceGroups pages over the instance groups of every zone,
// grouped by scope ("zones/Z"), as aggregatedList does.
func aggregatedInstanceGroups(s *Server, c *call) (proto.Message, error) {
	p := s.project(c.project)
	keep, err := parseFilter(c.query.Get("filter"))
	if err != nil {
		return nil, err
	}
	var items []proto.Message
	for _, m := range p.inZone(instanceGroups, "") {
		if keep(m) {
			items = append(items, presented(instanceGroups, p, m))
		}
	}
	slices.SortStableFunc(items, func(a, b proto.Message) int { return cmp.Compare(zoneOf(a), zoneOf(b)) })
	page, next, err := paginate(items, c.query.Get("maxResults"), c.query.Get("pageToken"))
	if err != nil {
		return nil, err
	}
	self := "projects/" + c.project + "/aggregated/instanceGroups"
	out := &computepb.InstanceGroupAggregatedList{Kind: proto.String("compute#instanceGroupAggregatedList"),
		Id: proto.String(self), SelfLink: proto.String(googleBase + self), Items: map[string]*computepb.InstanceGroupsScopedList{}}
	for _, m := range page {
		scope := "zones/" + zoneOf(m)
		if out.Items[scope] == nil {
			out.Items[scope] = &computepb.InstanceGroupsScopedList{}
		}
		out.Items[scope].InstanceGroups = append(out.Items[scope].InstanceGroups, m.(*computepb.InstanceGroup))
	}
	if next != "" {
		out.NextPageToken = proto.String(next)
	}
	return out, nil
}

func init() {
	addRoute(http.MethodGet, "aggregated/instanceGroups", instanceGroups, "list", false, aggregatedInstanceGroups)
}
