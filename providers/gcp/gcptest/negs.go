package gcptest

import (
	"fmt"
	"net"
	"net/http"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// maxEndpointsPerCall is the most endpoints one attach or detach call takes.
const maxEndpointsPerCall = 500

// networkEndpointGroups are zonal NEGs of type GCE_VM_IP_PORT; their
// endpoints change through attach and detach, and are read one NEG at a time.
var networkEndpointGroups = register(&kind{
	collection: "networkEndpointGroups", iamName: "networkEndpointGroups", kindName: "compute#networkEndpointGroup",
	zonal:   true,
	newItem: func() proto.Message { return &computepb.NetworkEndpointGroup{} },
	newList: func() proto.Message { return &computepb.NetworkEndpointGroupList{} },
	prepare: func(_ *Server, _ *project, m proto.Message) {
		m.(*computepb.NetworkEndpointGroup).Size = proto.Int32(0)
	},
	validate: func(p *project, m proto.Message) error {
		n := m.(*computepb.NetworkEndpointGroup)
		if n.Network == nil { // Google's default: the project's network "default"
			n.Network = proto.String(googleBase + "projects/" + p.name + "/global/networks/default")
		}
		if n.NetworkEndpointType == nil {
			n.NetworkEndpointType = proto.String("GCE_VM_IP_PORT")
		}
		if n.GetNetworkEndpointType() != "GCE_VM_IP_PORT" {
			return errInvalid("Invalid value for field 'resource.networkEndpointType': '%s'. The emulator serves GCE_VM_IP_PORT", n.GetNetworkEndpointType())
		}
		return nil
	},
})

func init() {
	addCRUD(networkEndpointGroups)
	base := "zones/*/networkEndpointGroups/*/"
	addRoute(http.MethodPost, base+"attachNetworkEndpoints", networkEndpointGroups, "attachNetworkEndpoints", true, attachEndpoints)
	addRoute(http.MethodPost, base+"detachNetworkEndpoints", networkEndpointGroups, "detachNetworkEndpoints", true, detachEndpoints)
	addRoute(http.MethodPost, base+"listNetworkEndpoints", networkEndpointGroups, "listNetworkEndpoints", false, listEndpoints)
}

func (s *Server) neg(c *call) (*computepb.NetworkEndpointGroup, error) {
	p := s.project(c.project)
	m, ok := p.lookup(c.kind, c.zone, c.name)
	if !ok {
		return nil, errNotFound(relOf(p.selfLink(c.kind, c.zone, c.name)))
	}
	return m.(*computepb.NetworkEndpointGroup), nil
}

// endpointsOf reads and checks a batch: an IP is required, the port defaults
// to the group's defaultPort.
func endpointsOf(neg *computepb.NetworkEndpointGroup, eps []*computepb.NetworkEndpoint) error {
	if len(eps) > maxEndpointsPerCall {
		return errInvalid("Invalid value for field 'resource.networkEndpoints': at most %d endpoints per call", maxEndpointsPerCall)
	}
	for i, ep := range eps {
		if net.ParseIP(ep.GetIpAddress()) == nil {
			return errInvalid("Invalid value for field 'resource.networkEndpoints[%d].ipAddress': '%s'", i, ep.GetIpAddress())
		}
		if ep.Port == nil {
			if neg.DefaultPort == nil {
				return errRequired(fmt.Sprintf("resource.networkEndpoints[%d].port", i))
			}
			ep.Port = proto.Int32(neg.GetDefaultPort())
		}
	}
	return nil
}

func endpointID(ep *computepb.NetworkEndpoint) string {
	return fmt.Sprintf("%s:%d", ep.GetIpAddress(), ep.GetPort())
}

func attachEndpoints(s *Server, c *call) (proto.Message, error) {
	neg, err := s.neg(c)
	if err != nil {
		return nil, err
	}
	body := &computepb.NetworkEndpointGroupsAttachEndpointsRequest{}
	if err := decode(c.body, body); err != nil {
		return nil, err
	}
	if err := endpointsOf(neg, body.NetworkEndpoints); err != nil {
		return nil, err
	}
	p, link := s.project(c.project), neg.GetSelfLink()
	return s.mutate(c, link, neg.GetId(), "attachNetworkEndpoints", func() uint64 {
		have := map[string]bool{}
		for _, ep := range p.endpoints[link] {
			have[endpointID(ep)] = true
		}
		for _, ep := range body.NetworkEndpoints {
			if !have[endpointID(ep)] {
				have[endpointID(ep)] = true
				p.endpoints[link] = append(p.endpoints[link], ep)
			}
		}
		neg.Size = proto.Int32(int32(len(p.endpoints[link])))
		return neg.GetId()
	}), nil
}

func detachEndpoints(s *Server, c *call) (proto.Message, error) {
	neg, err := s.neg(c)
	if err != nil {
		return nil, err
	}
	body := &computepb.NetworkEndpointGroupsDetachEndpointsRequest{}
	if err := decode(c.body, body); err != nil {
		return nil, err
	}
	if err := endpointsOf(neg, body.NetworkEndpoints); err != nil {
		return nil, err
	}
	p, link := s.project(c.project), neg.GetSelfLink()
	return s.mutate(c, link, neg.GetId(), "detachNetworkEndpoints", func() uint64 {
		drop := map[string]bool{}
		for _, ep := range body.NetworkEndpoints {
			drop[endpointID(ep)] = true
			delete(p.health, healthKey(link, endpointID(ep)))
		}
		var kept []*computepb.NetworkEndpoint
		for _, ep := range p.endpoints[link] {
			if !drop[endpointID(ep)] {
				kept = append(kept, ep)
			}
		}
		p.endpoints[link] = kept
		neg.Size = proto.Int32(int32(len(kept)))
		return neg.GetId()
	}), nil
}

// listEndpoints serves listNetworkEndpoints, a POST that reads. The SDK sends
// its whole request message as the body, so that is what is decoded.
func listEndpoints(s *Server, c *call) (proto.Message, error) {
	neg, err := s.neg(c)
	if err != nil {
		return nil, err
	}
	if len(c.body) > 0 {
		if err := decode(c.body, &computepb.ListNetworkEndpointsNetworkEndpointGroupsRequest{}); err != nil {
			return nil, err
		}
	}
	var items []proto.Message
	for _, ep := range s.project(c.project).endpoints[neg.GetSelfLink()] {
		items = append(items, &computepb.NetworkEndpointWithHealthStatus{NetworkEndpoint: proto.Clone(ep).(*computepb.NetworkEndpoint)})
	}
	page, next, err := paginate(items, c.query.Get("maxResults"), c.query.Get("pageToken"))
	if err != nil {
		return nil, err
	}
	out := &computepb.NetworkEndpointGroupsListNetworkEndpoints{Kind: proto.String("compute#networkEndpointGroupsListNetworkEndpoints")}
	appendItems(out, page)
	if next != "" {
		out.NextPageToken = proto.String(next)
	}
	return out, nil
}
