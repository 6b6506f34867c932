package fake

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/snapshot"
)

// state is what the cloud holds for one load balancer.
type state struct {
	// owned holds the resources whose description names this cluster and load balancer.
	owned map[Key]Resource
	// others holds resources portico does not own that matter: a reserved static address,
	// pre-shared certificates, and anything squatting on a desired name.
	others map[Key]Resource
}

func (s *state) has(k Key) bool {
	_, ok := s.owned[k]
	return ok
}

// observed returns the owned resources as nodes of the plan graph.
func (s *state) observed() []plan.Resource {
	out := make([]plan.Resource, 0, len(s.owned))
	for k, r := range s.owned {
		out = append(out, node(k, r.Spec))
	}
	return out
}

// ownerGroup is the snapshot group of a load balancer's resources.
func ownerGroup(o providers.Owner) string { return o.ClusterID + "/" + o.LoadBalancer }

// newSnapshot returns the provider's shared reads: one list per location and kind, grouped
// by owner so that one load balancer reads its own resources without scanning the rest.
func (p *Provider) newSnapshot(opts Options) *snapshot.Cache[Resource] {
	return snapshot.New(snapshot.Options[Resource]{
		List: p.list,
		Name: func(r Resource) string { return r.Name },
		Group: func(r Resource) string {
			if o, ok := providers.OwnerFromDescription(r.Description); ok {
				return ownerGroup(o)
			}
			return ""
		},
		TTL:   opts.SnapshotTTL,
		Clock: opts.Clock,
	})
}

// readState reads one load balancer from the shared snapshot: no list call at all while the
// snapshot is fresh, one per kind when it is not, whatever the number of load balancers.
func (p *Provider) readState(ctx context.Context, d *desired) (*state, error) {
	owned, err := p.ownedIn(ctx, d.loc, d.lb)
	if err != nil {
		return nil, err
	}
	st := &state{owned: owned, others: map[Key]Resource{}}
	for _, k := range d.keys() {
		if err := p.readOther(ctx, d, st, k, false); err != nil {
			return nil, err
		}
	}
	// A resource the user names is read afresh when the snapshot lacks it: the user may
	// have made it a moment ago, and a refusal now would show a problem already fixed.
	var named []Key
	if d.static {
		named = append(named, d.address)
	}
	for _, name := range d.preShared {
		named = append(named, Key{KindSslCertificate, name})
	}
	for _, k := range named {
		if err := p.readOther(ctx, d, st, k, true); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// readOther records k in st.others when it exists and this load balancer does not own it;
// fresh lists k's kind again when the snapshot lacks k.
func (p *Provider) readOther(ctx context.Context, d *desired, st *state, k Key, fresh bool) error {
	if st.has(k) {
		return nil
	}
	r, ok, err := p.snap.Get(ctx, d.loc, k.Kind, k.Name)
	if err == nil && !ok && fresh {
		if err = p.snap.Refresh(ctx, d.loc, k.Kind); err == nil {
			r, ok, err = p.snap.Get(ctx, d.loc, k.Kind, k.Name)
		}
	}
	if err != nil {
		return fmt.Errorf("read load balancer %s: %w", d.lb, err)
	}
	if ok {
		st.others[k] = r
	}
	return nil
}

// ownedIn returns the resources a load balancer owns in a location.
func (p *Provider) ownedIn(ctx context.Context, loc, lb string) (map[Key]Resource, error) {
	group := ownerGroup(providers.Owner{ClusterID: p.cluster, LoadBalancer: lb})
	out := map[Key]Resource{}
	for _, kind := range Kinds {
		rs, err := p.snap.Group(ctx, loc, kind, group)
		if err != nil {
			return nil, fmt.Errorf("read load balancer %s: %w", lb, err)
		}
		for _, r := range rs {
			out[r.Key()] = r
		}
	}
	return out, nil
}
