package plan

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/providers"
)

// Result is what Apply did.
type Result struct {
	// Changes lists the writes made, in order.
	Changes []providers.Change
	// Broken holds every resource that is not as wanted, and why: blocked by the plan, its
	// write failed, or skipped because a step it needs failed.
	Broken map[Key]error
	// Err is the first failure, or the plan's first cause; nil when everything applied.
	Err error
}

// Apply runs a plan through the client. A step whose prerequisite failed or was skipped is
// skipped and reported under its cause; every other step still runs, so one bad resource
// never stops the repair of the rest. A write the cloud refuses as invalid is remembered
// with a hash of its fields and not sent again until its input changes (see Plan); any
// other failure (a conflict, an outage) is retried by the next pass.
func (e *Engine) Apply(ctx context.Context, c Client, p *Plan) *Result {
	res := &Result{Broken: map[Key]error{}}
	for k, err := range p.Blocked {
		res.Broken[k] = err
	}
	failed := make([]error, len(p.Steps))
	for i, s := range p.Steps {
		if cause := firstFailed(s.after, failed); cause != nil {
			failed[i] = cause
			res.Broken[s.Key] = cause
			continue
		}
		if err := e.run(ctx, c, p.scope, s); err != nil {
			failed[i] = err
			res.Broken[s.Key] = err
			if res.Err == nil {
				res.Err = err
			}
			continue
		}
		res.Changes = append(res.Changes, s.Action())
	}
	if res.Err == nil {
		res.Err = p.Err()
	}
	return res
}

func firstFailed(after []int, failed []error) error {
	for _, i := range after {
		if failed[i] != nil {
			return failed[i]
		}
	}
	return nil
}

// run makes one write and keeps the refusal memory up to date.
func (e *Engine) run(ctx context.Context, c Client, scope string, s Step) error {
	var err error
	switch s.Op {
	case providers.OpCreate:
		err = c.Insert(ctx, s.Want)
	case providers.OpUpdate:
		err = c.Patch(ctx, s.Have, s.Want, s.Fields)
	case providers.OpDelete:
		if err = c.Delete(ctx, s.Have); providers.IsNotFound(err) {
			err = nil // gone already is what a delete wants
		}
	}
	if s.Op == providers.OpDelete {
		return wrap(s, err)
	}
	switch {
	case err == nil:
		e.forget(scope, s.Key)
	case providers.IsInvalid(err):
		e.remember(scope, s.Want, err)
	}
	return wrap(s, err)
}

func wrap(s Step, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %s: %w", s.Op, s.Key, err)
}

// Cause returns why k does not serve as wanted: k, or a resource it refers to (even one
// left unchanged), is broken.
func (p *Plan) Cause(broken map[Key]error, k Key) error {
	if err, ok := broken[k]; ok {
		return err
	}
	if r, ok := p.graph[k]; ok {
		for _, ref := range r.Refs {
			if err := p.Cause(broken, ref); err != nil {
				return err
			}
		}
	}
	return nil
}
