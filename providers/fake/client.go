package fake

import (
	"context"
	"slices"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// client is the plan engine's way to the Cloud for one load balancer: each write goes
// through the provider's classified calls and lands in the shared snapshot, so the next
// Ensure sees it without reading the cloud.
type client struct {
	p *Provider
	d *desired
}

var _ plan.Client = client{}

// Insert creates a resource. A network endpoint group is created empty, then its endpoints
// are attached in one call, as GCE wants.
func (c client) Insert(ctx context.Context, want plan.Resource) error {
	k := Key(want.Key)
	spec := specOf(want)
	neg, isNEG := spec.(NetworkEndpointGroupSpec)
	if isNEG {
		empty := neg
		empty.Endpoints = nil
		spec = empty
	}
	r, err := c.p.insert(ctx, c.d.loc, k, c.d.description, spec)
	if providers.ReasonOf(err) == reasonAlreadyExists {
		r, err = c.taken(ctx, k, err)
	}
	c.p.wrote(c.d.loc, k, r, err)
	if err != nil || !isNEG || len(neg.Endpoints) == 0 {
		return err
	}
	return c.endpoints(ctx, OpAttach, k, neg.Endpoints)
}

// taken reads a resource whose name the cloud says is taken, which the snapshot did not
// show: one this load balancer made (an earlier answer was lost) is adopted, and the next
// pass patches it if it differs; anyone else's is a NameConflict at once, not a retry.
func (c client) taken(ctx context.Context, k Key, insertErr error) (Resource, error) {
	var r Resource
	err := c.p.call(OpGet, k, func() (err error) {
		r, err = c.p.cloud.In(c.d.loc).Get(ctx, k.Kind, k.Name)
		return err
	})
	switch {
	case err != nil:
		return Resource{}, insertErr
	case r.Description == c.d.description:
		return r, nil
	}
	return Resource{}, providers.Conflict(ReasonNameConflict, nil, "%s", nameConflict(k, c.d.lb, r.Description))
}

// Patch changes a resource. A network endpoint group's endpoints change by one attach call
// for those added and one detach call for those removed, never one call per endpoint; a
// forwarding rule's target changes with setTarget.
func (c client) Patch(ctx context.Context, have, want plan.Resource, fields []string) error {
	k := Key(want.Key)
	if neg, ok := specOf(want).(NetworkEndpointGroupSpec); ok {
		old := specOf(have).(NetworkEndpointGroupSpec).Endpoints
		if added := missing(neg.Endpoints, old); len(added) > 0 {
			if err := c.endpoints(ctx, OpAttach, k, added); err != nil {
				return err
			}
		}
		if removed := missing(old, neg.Endpoints); len(removed) > 0 {
			return c.endpoints(ctx, OpDetach, k, removed)
		}
		return nil
	}
	if fr, ok := specOf(want).(ForwardingRuleSpec); ok && slices.ContainsFunc(fields, isTargetField) {
		// The target moves with setTarget; the rule's other mutable fields with a patch.
		var r Resource
		err := c.p.call(OpSetTarget, k, func() (err error) {
			r, err = c.p.cloud.In(c.d.loc).SetTarget(ctx, k.Name, fr.TargetKind, fr.Target)
			return err
		})
		c.p.wrote(c.d.loc, k, r, err)
		if err != nil || !slices.ContainsFunc(fields, func(f string) bool { return !isTargetField(f) }) {
			return err
		}
	}
	r, err := c.p.patch(ctx, c.d.loc, k, specOf(want))
	c.p.wrote(c.d.loc, k, r, err)
	return err
}

func isTargetField(f string) bool { return f == "target" || f == "targetKind" }

func (c client) endpoints(ctx context.Context, op string, k Key, eps []Endpoint) error {
	var r Resource
	err := c.p.call(op, k, func() (err error) {
		scope := c.p.cloud.In(c.d.loc)
		if op == OpAttach {
			r, err = scope.AttachEndpoints(ctx, k.Name, eps)
		} else {
			r, err = scope.DetachEndpoints(ctx, k.Name, eps)
		}
		return err
	})
	c.p.wrote(c.d.loc, k, r, err)
	return err
}

// missing returns the endpoints of a that b lacks.
func missing(a, b []Endpoint) []Endpoint {
	var out []Endpoint
	for _, e := range a {
		if !slices.Contains(b, e) {
			out = append(out, e)
		}
	}
	return out
}

func (c client) Delete(ctx context.Context, have plan.Resource) error {
	return c.p.deleteIn(ctx, c.d.loc, Key(have.Key))
}

// deleteIn deletes a resource and drops it from the snapshot; gone already counts as done.
func (p *Provider) deleteIn(ctx context.Context, loc string, k Key) error {
	err := p.delete(ctx, loc, k)
	if err == nil || providers.IsNotFound(err) {
		p.snap.Remove(loc, k.Kind, k.Name)
		return err
	}
	p.wrote(loc, k, Resource{}, err)
	return err
}

// wrote keeps the snapshot true after a write: the resource the cloud returned replaces the
// old one. After any failed write the next read lists the kind again: the error may show the
// snapshot wrong (a name taken, a resource missing or in use), and a call whose answer was
// lost (a reset connection, a timeout) may have taken effect in the cloud. Only a write the
// cloud refused for its input, or one never sent because the context ended first, changed
// nothing for sure.
func (p *Provider) wrote(loc string, k Key, r Resource, err error) {
	switch {
	case err == nil:
		p.snap.Put(loc, k.Kind, r)
	case !providers.IsInvalid(err) && providers.ReasonOf(err) != reasonCanceled:
		p.snap.Invalidate(loc, k.Kind)
	}
}
