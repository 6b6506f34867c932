package fake

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/portico-dev/portico/providers"
)

// step is one planned write.
type step struct {
	op     string // providers.OpCreate, OpUpdate or OpDelete
	key    Key
	spec   Spec // the desired spec, for a create or an update
	detail string
}

func (s step) action() providers.Action {
	return providers.Action{Op: s.op, Kind: s.key.Kind, Name: s.key.Name, Detail: s.detail}
}

// plan is what Ensure will do: the steps in order, and what it must leave alone and why.
type plan struct {
	steps []step
	// blocked holds resources left as they are: those the desired state could not build,
	// and every resource that refers to one.
	blocked map[Key]error
	// errs are the root causes of blocked resources, in dependency order.
	errs []error
}

// diff compares the desired state with the cloud's and plans creates in dependency order,
// then updates, then deletes in reverse order, so that every replacement creates the new
// resource before the old one is let go. It is pure: Plan and Ensure share it.
func diff(d *desired, st *state) *plan {
	pl := &plan{blocked: map[Key]error{}}
	final := map[Key]Spec{} // the owned resources once the plan has run, for reference checks
	for k, r := range st.owned {
		final[k] = r.Spec
	}
	var creates, updates []step
	for _, k := range d.keys() {
		if err, ok := d.blocked[k]; ok {
			pl.blocked[k] = err
			pl.errs = append(pl.errs, err)
			continue
		}
		spec := d.specs[k]
		if err := blockedRef(spec, pl.blocked); err != nil {
			pl.blocked[k] = err
			continue
		}
		cur, exists := st.owned[k]
		switch {
		case !exists:
			creates = append(creates, step{op: providers.OpCreate, key: k, spec: spec, detail: spec.Summary()})
		default:
			fields := changedFields(cur.Spec, spec)
			if len(fields) == 0 {
				continue
			}
			updates = append(updates, step{op: providers.OpUpdate, key: k, spec: spec, detail: updateDetail(cur.Spec, spec, fields)})
		}
		final[k] = spec
	}
	pl.steps = append(append(creates, updates...), deletes(d, st, final)...)
	return pl
}

// deletes plans the removal of owned resources no longer wanted, in reverse dependency
// order, skipping any that a resource left in place still refers to.
func deletes(d *desired, st *state, final map[Key]Spec) []step {
	var gone []Key
	for k := range st.owned {
		_, wanted := d.specs[k]
		_, kept := d.blocked[k]
		if !wanted && !kept {
			gone = append(gone, k)
		}
	}
	sortKeys(gone)
	slices.Reverse(gone)
	var out []step
	for _, k := range gone {
		if referrer(k, final) != nil {
			continue
		}
		delete(final, k)
		out = append(out, step{op: providers.OpDelete, key: k, detail: "no longer wanted"})
	}
	return out
}

// referrer returns a resource of specs that refers to k, or nil.
func referrer(k Key, specs map[Key]Spec) *Key {
	for from, s := range specs {
		if slices.Contains(s.References(), k) {
			return &from
		}
	}
	return nil
}

// blockedRef returns why spec cannot be written: a resource it refers to is blocked.
func blockedRef(spec Spec, blocked map[Key]error) error {
	for _, ref := range spec.References() {
		if err, ok := blocked[ref]; ok {
			return err
		}
	}
	return nil
}

// updateDetail says what an update changes, in the terms a user reads in an Event.
func updateDetail(old, new Spec, fields []string) string {
	switch n := new.(type) {
	case URLMapSpec:
		if s := urlMapChanges(old.(URLMapSpec), n); s != "" {
			return s
		}
	case NetworkEndpointGroupSpec:
		return endpointChanges(old.(NetworkEndpointGroupSpec).Endpoints, n.Endpoints)
	case InstanceGroupSpec:
		return endpointChanges(old.(InstanceGroupSpec).Instances, n.Instances)
	}
	return "changed " + strings.Join(fields, ", ")
}

func endpointChanges(old, new []Endpoint) string {
	added, removed := 0, 0
	for _, e := range new {
		if !slices.Contains(old, e) {
			added++
		}
	}
	for _, e := range old {
		if !slices.Contains(new, e) {
			removed++
		}
	}
	return fmt.Sprintf("endpoints: %d added, %d removed, %d now", added, removed, len(new))
}

// urlMapChanges names the hosts whose routes changed.
func urlMapChanges(old, new URLMapSpec) string {
	var out []string
	if old.HTTPSRedirect != new.HTTPSRedirect {
		out = append(out, "HTTPS redirect")
	}
	if old.DefaultService != new.DefaultService {
		out = append(out, "default service")
	}
	before, after := matchersByHost(old), matchersByHost(new)
	var hosts []string
	for h := range before {
		hosts = append(hosts, h)
	}
	for h := range after {
		if _, ok := before[h]; !ok {
			hosts = append(hosts, h)
		}
	}
	slices.Sort(hosts)
	for _, h := range hosts {
		b, inBefore := before[h]
		a, inAfter := after[h]
		switch {
		case !inBefore:
			out = append(out, "added host "+h)
		case !inAfter:
			out = append(out, "removed host "+h)
		case !reflect.DeepEqual(a, b):
			out = append(out, "path rules of host "+h)
		}
	}
	return strings.Join(out, "; ")
}

// matchersByHost maps each host to its matcher, without the matcher's name, which is only a
// position and says nothing about routing.
func matchersByHost(s URLMapSpec) map[string]PathMatcher {
	s = s.clone().(URLMapSpec)
	out := map[string]PathMatcher{}
	for _, h := range s.HostRules {
		for _, m := range s.PathMatchers {
			if m.Name == h.PathMatcher {
				m.Name = ""
				for _, host := range h.Hosts {
					out[host] = m
				}
			}
		}
	}
	return out
}
