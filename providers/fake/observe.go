package fake

import (
	"errors"
	"maps"
	"slices"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// observe reports what exists after a run: every owned resource in dependency order, the
// address, and each frontend port with the error that keeps it from serving as wanted.
// cause says why a resource is not as wanted; stop is the run's error.
func observe(d *desired, st *state, changes []providers.Change, cause func(Key) error, stop error) *providers.Observed {
	obs := &providers.Observed{Changes: changes}
	keys := slices.Collect(maps.Keys(st.owned))
	sortKeys(keys)
	for _, k := range keys {
		r := st.owned[k]
		obs.Resources = append(obs.Resources, v1alpha1.CloudResource{Kind: r.Kind, Name: r.Name, ID: r.ID, State: r.State})
	}
	if d == nil {
		return obs
	}
	addr, ok := st.owned[d.address]
	if !ok {
		addr, ok = st.others[d.address]
	}
	if ok && d.address.Name != "" {
		obs.Addresses = []v1alpha1.Address{{IP: addr.Spec.(AddressSpec).IP}}
	}
	for _, port := range slices.Sorted(maps.Keys(d.ports)) {
		fr := d.ports[port]
		err := cause(fr)
		if _, exists := st.owned[fr]; err == nil && !exists {
			err = stop
			if err == nil {
				err = errors.New("the forwarding rule was not created")
			}
		}
		obs.Ports = append(obs.Ports, portStatus(port, err))
	}
	return obs
}
