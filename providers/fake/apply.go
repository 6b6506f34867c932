package fake

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// apply runs a plan. A write the cloud refuses as invalid (a certificate that does not
// parse) blocks only what depends on it, so HTTP keeps serving when HTTPS cannot; any other
// failure stops the run, and the next Ensure reads the cloud and carries on from there.
func (p *Provider) apply(ctx context.Context, d *desired, st *state, pl *plan) (*providers.Observed, error) {
	live := maps.Clone(st.owned)
	blocked := maps.Clone(pl.blocked)
	errs := slices.Clone(pl.errs)
	var changes []providers.Change
	var stop error
	for _, s := range pl.steps {
		done, err := p.applyStep(ctx, d, s, live, blocked)
		if err != nil {
			if s.op != providers.OpDelete && providers.IsInvalid(err) {
				blocked[s.key] = err
				errs = append(errs, err)
				continue
			}
			stop = err
			break
		}
		if done {
			changes = append(changes, s.action())
		}
	}
	obs := observe(d, live, st.others, changes, blocked, stop)
	if stop != nil {
		return obs, stop
	}
	return obs, firstError(errs)
}

// applyStep writes one step unless what it depends on failed; done reports a write.
func (p *Provider) applyStep(ctx context.Context, d *desired, s step, live map[Key]Resource, blocked map[Key]error) (done bool, err error) {
	switch s.op {
	case providers.OpCreate, providers.OpUpdate:
		if err := blockedRef(s.spec, blocked); err != nil {
			blocked[s.key] = err // the step is skipped, not failed: its cause is reported
			return false, nil    //nolint:nilerr // see above
		}
		var r Resource
		if s.op == providers.OpCreate {
			r, err = p.insert(ctx, d.loc, s.key, d.description, s.spec)
		} else {
			r, err = p.patch(ctx, d.loc, s.key, s.spec)
		}
		if err != nil {
			return false, err
		}
		live[s.key] = r
	case providers.OpDelete:
		specs := map[Key]Spec{}
		for k, r := range live {
			specs[k] = r.Spec
		}
		// A resource left in place because its update was blocked may still use this one.
		if referrer(s.key, specs) != nil {
			return false, nil
		}
		if err := p.delete(ctx, d.loc, s.key); err != nil && !providers.IsNotFound(err) {
			return false, err
		}
		delete(live, s.key)
	}
	return true, nil
}

// observe reports what exists after a run: every owned resource in dependency order, the
// address, and each frontend port with the error that keeps it from serving as wanted.
func observe(d *desired, live, others map[Key]Resource, changes []providers.Change, blocked map[Key]error, stop error) *providers.Observed {
	obs := &providers.Observed{Changes: changes}
	keys := slices.Collect(maps.Keys(live))
	sortKeys(keys)
	for _, k := range keys {
		r := live[k]
		obs.Resources = append(obs.Resources, v1alpha1.CloudResource{Kind: r.Kind, Name: r.Name, ID: r.ID, State: r.State})
	}
	if d == nil {
		return obs
	}
	addr, ok := live[d.address]
	if !ok {
		addr, ok = others[d.address]
	}
	if ok && d.address.Name != "" {
		obs.Addresses = []v1alpha1.Address{{IP: addr.Spec.(AddressSpec).IP}}
	}
	for _, port := range slices.Sorted(maps.Keys(d.ports)) {
		fr := d.ports[port]
		err := blockedCause(fr, d, blocked)
		if _, exists := live[fr]; err == nil && !exists {
			err = stop
			if err == nil {
				err = errors.New("the forwarding rule was not created")
			}
		}
		obs.Ports = append(obs.Ports, portStatus(port, err))
	}
	return obs
}

// blockedCause returns why k does not serve as wanted: k or a resource it depends on, even
// one left unchanged, is blocked.
func blockedCause(k Key, d *desired, blocked map[Key]error) error {
	if err, ok := blocked[k]; ok {
		return err
	}
	if s, ok := d.specs[k]; ok {
		for _, ref := range s.References() {
			if err := blockedCause(ref, d, blocked); err != nil {
				return err
			}
		}
	}
	return nil
}
