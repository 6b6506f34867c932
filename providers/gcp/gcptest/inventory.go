package gcptest

import (
	"sort"

	"google.golang.org/protobuf/proto"
)

// Inventory lists every resource of every project, sorted, by its path
// relative to the API ("projects/P/global/urlMaps/NAME"), for tests that
// check nothing leaked and nothing is duplicated.
func (s *Server) Inventory() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, p := range s.projects {
		for _, byKey := range p.items {
			for _, m := range byKey {
				out = append(out, relOf(getString(m, "selfLink")))
			}
		}
	}
	sort.Strings(out)
	return out
}

// Resource returns a copy of the resource at a relative path or URL.
func (s *Server) Resource(path string) (proto.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := parseRef(path, s.opts.Project)
	k, known := kinds[r.collection]
	if !ok || !known {
		return nil, false
	}
	m, found := s.project(r.project).lookup(k, r.zone(), r.name)
	if !found {
		return nil, false
	}
	return proto.Clone(m), true
}

// Endpoints lists, sorted, the "ip:port" endpoints attached to a NEG of the
// server's project.
func (s *Server) Endpoints(zone, neg string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(s.opts.Project)
	var out []string
	for _, ep := range p.endpoints[p.selfLink(networkEndpointGroups, zone, neg)] {
		out = append(out, endpointID(ep))
	}
	sort.Strings(out)
	return out
}
