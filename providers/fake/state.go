package fake

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/providers"
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

// readState reads the cloud with one list per kind, never a get per resource, so that a
// resync costs the same number of calls whatever the load balancer's size.
func (p *Provider) readState(ctx context.Context, d *desired) (*state, error) {
	owner := providers.Owner{ClusterID: p.cluster, LoadBalancer: d.lb}
	relevant := map[Key]bool{}
	for _, k := range d.keys() {
		relevant[k] = true
	}
	if d.static {
		relevant[d.address] = true
	}
	for _, name := range d.preShared {
		relevant[Key{KindSslCertificate, name}] = true
	}
	st := &state{owned: map[Key]Resource{}, others: map[Key]Resource{}}
	for _, kind := range Kinds {
		rs, err := p.list(ctx, d.loc, kind)
		if err != nil {
			return nil, fmt.Errorf("read load balancer %s: %w", d.lb, err)
		}
		for _, r := range rs {
			if o, ok := providers.OwnerFromDescription(r.Description); ok && o == owner {
				st.owned[r.Key()] = r
			} else if relevant[r.Key()] {
				st.others[r.Key()] = r
			}
		}
	}
	return st, nil
}
