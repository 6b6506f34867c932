package fake

import (
	"context"
	"slices"
)

// Operations beyond insert, patch and delete, as Call.Op names them: a network endpoint
// group's endpoints, and a forwarding rule's target.
const (
	OpAttach = "attachNetworkEndpoints"
	OpDetach = "detachNetworkEndpoints"
	// OpSetTarget points a forwarding rule at another target.
	OpSetTarget = "setTarget"
)

// AttachEndpoints adds endpoints to a network endpoint group in one call. An endpoint must be
// in the group's zone when its zone is known; one attached already is left as it is.
func (s *Scope) AttachEndpoints(ctx context.Context, group string, eps []Endpoint) (Resource, error) {
	return s.endpoints(ctx, OpAttach, group, eps)
}

// DetachEndpoints removes endpoints from a network endpoint group in one call; one not
// attached is ignored.
func (s *Scope) DetachEndpoints(ctx context.Context, group string, eps []Endpoint) (Resource, error) {
	return s.endpoints(ctx, OpDetach, group, eps)
}

func (s *Scope) endpoints(ctx context.Context, op, group string, eps []Endpoint) (Resource, error) {
	var out Resource
	err := s.c.do(ctx, op, s.loc, KindNetworkEndpointGroup, group, func() ([]string, error) {
		k := s.key(KindNetworkEndpointGroup, group)
		r, ok := s.c.resources[k]
		if !ok {
			return nil, notFound(k)
		}
		spec := r.Spec.clone().(NetworkEndpointGroupSpec)
		for _, e := range eps {
			if op == OpAttach && e.Zone != "" && e.Zone != spec.Zone {
				return nil, apiError(CodeInvalid, "", "%s is in zone %s: endpoint %s in zone %s cannot join it", k, spec.Zone, e, e.Zone)
			}
		}
		spec.Endpoints = slices.DeleteFunc(spec.Endpoints, func(e Endpoint) bool { return slices.Contains(eps, e) })
		if op == OpAttach {
			spec.Endpoints = append(spec.Endpoints, eps...)
		}
		sortEndpoints(spec.Endpoints)
		spec.Endpoints = cloneSlice(spec.Endpoints)
		r.Spec = spec
		out = r.clone()
		return []string{"endpoints"}, nil
	})
	return out, err
}
