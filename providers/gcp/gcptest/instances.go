package gcptest

import (
	"net/http"
	"slices"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// instances are VMs. The emulator does not run VMs: a test registers them
// (AddInstance), as the nodes of a cluster, and the API serves get and list only.
var instances = register(&kind{
	collection: "instances", iamName: "instances", kindName: "compute#instance",
	zonal:   true,
	newItem: func() proto.Message { return &computepb.Instance{} },
	newList: func() proto.Message { return &computepb.InstanceList{} },
})

func init() {
	addRoute(http.MethodGet, "zones/*/instances", instances, "list", false, (*Server).list)
	addRoute(http.MethodGet, "zones/*/instances/*", instances, "get", false, (*Server).get)
}

// AddInstance registers a running VM named name in a project's zone, on the
// default network with the internal IP ip, as a node of a cluster would be.
// It returns the instance's URL.
func (s *Server) AddInstance(project, zone, name, ip string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(project)
	link := p.selfLink(instances, zone, name)
	p.put(instances, zone, &computepb.Instance{
		Name: proto.String(name), Id: proto.Uint64(s.newID()), SelfLink: proto.String(link), Kind: proto.String(instances.kindName),
		CreationTimestamp: proto.String(s.timestamp()), Status: proto.String("RUNNING"),
		Zone: proto.String(googleBase + "projects/" + project + "/zones/" + zone),
		NetworkInterfaces: []*computepb.NetworkInterface{{
			Network:   proto.String(googleBase + "projects/" + project + "/global/networks/default"),
			NetworkIP: proto.String(ip),
		}},
	})
	return link
}

// RemoveInstance deletes a VM a test registered, as a node's VM goes with the node; it
// leaves the instance groups it was in, as Google removes a deleted VM from its groups.
func (s *Server) RemoveInstance(project, zone, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(project)
	link := p.selfLink(instances, zone, name)
	for group, members := range p.members {
		p.members[group] = slices.DeleteFunc(members, func(u string) bool { return u == link })
	}
	p.remove(instances, zone, name)
}

// Members lists, sorted, the instance URLs of an instance group.
func (s *Server) Members(project, zone, group string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(project)
	return append([]string(nil), p.members[p.selfLink(instanceGroups, zone, group)]...)
}
