package gcptest

import (
	"net/http"
	"sort"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// Endpoint health is what Google's health checkers would report; tests set
// it, since nothing here probes anything. It is read through
// backendServices.getHealth, one NEG of one backend service per call.

// healthKey names an endpoint of a NEG.
func healthKey(negLink, endpoint string) string { return negLink + "#" + endpoint }

// SetEndpointHealth sets the state ("HEALTHY", "UNHEALTHY", "DRAINING",
// "TIMEOUT", "UNKNOWN") reported for the endpoint "ip:port" of a NEG in the
// server's project; endpoints never set report Options.InitialHealth.
func (s *Server) SetEndpointHealth(zone, neg, endpoint, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.project(s.opts.Project)
	p.health[healthKey(p.selfLink(networkEndpointGroups, zone, neg), endpoint)] = state
}

// SetInitialHealth changes the state reported for endpoints that SetEndpointHealth never
// named ("" is HEALTHY), as Options.InitialHealth sets it at the start: a test of a rollout
// makes new endpoints start unhealthy, as Google's do until their checks pass.
func (s *Server) SetInitialHealth(state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.InitialHealth = state
}

func (s *Server) healthOf(p *project, negLink, endpoint string) string {
	if state, ok := p.health[healthKey(negLink, endpoint)]; ok {
		return state
	}
	if s.opts.InitialHealth != "" {
		return s.opts.InitialHealth
	}
	return "HEALTHY"
}

func init() {
	addRoute(http.MethodPost, "global/backendServices/*/getHealth", backendServices, "get", false, getHealth)
}

// getHealth reports the health of every endpoint of one NEG that is a
// backend of the service; a group that is not one of its backends is refused.
func getHealth(s *Server, c *call) (proto.Message, error) {
	p := s.project(c.project)
	m, ok := p.lookup(backendServices, "", c.name)
	if !ok {
		return nil, errNotFound(relOf(p.selfLink(backendServices, "", c.name)))
	}
	body := &computepb.ResourceGroupReference{}
	if err := decode(c.body, body); err != nil {
		return nil, err
	}
	group, ok := parseRef(body.GetGroup(), c.project)
	if !ok || !hasBackend(m.(*computepb.BackendService), group.url()) {
		return nil, errInvalid("Invalid value for field 'resource.group': '%s'. It is not a backend of this backend service", body.GetGroup())
	}
	out := &computepb.BackendServiceGroupHealth{Kind: proto.String("compute#backendServiceGroupHealth")}
	for _, ep := range p.endpoints[group.url()] {
		out.HealthStatus = append(out.HealthStatus, &computepb.HealthStatus{
			IpAddress: ep.IpAddress, Port: ep.Port, Instance: ep.Instance,
			HealthState: proto.String(s.healthOf(p, group.url(), endpointID(ep)))})
	}
	sort.Slice(out.HealthStatus, func(i, j int) bool {
		return out.HealthStatus[i].GetIpAddress() < out.HealthStatus[j].GetIpAddress()
	})
	return out, nil
}

func hasBackend(b *computepb.BackendService, group string) bool {
	for _, be := range b.Backends {
		if be.GetGroup() == group {
			return true
		}
	}
	return false
}
