package plan

import (
	"cmp"
	"slices"

	"github.com/portico-dev/portico/providers"
)

// order turns the classified resources into steps, each after the steps it needs: a create
// or an update after the creates of what it refers to, a replacement's create after its
// delete, and a delete after every referrer let go of it (deleted, or updated to refer to
// something else). Among steps that are free to run, creates come first in dependency
// order, then updates, then deletes in reverse order: so anything in use is replaced by a
// new resource before the old one is deleted.
func (d *diff) order() *Plan {
	var steps []Step
	creates, updates, deletes := map[Key]int{}, map[Key]int{}, map[Key]int{}
	add := func(s Step, idx map[Key]int) {
		idx[s.Key] = len(steps)
		steps = append(steps, s)
	}
	for _, k := range sorted(d.e, d.replaces) {
		add(Step{Op: providers.OpDelete, Key: k, Have: d.obs[k], Detail: "replaced: " + d.replaces[k]}, deletes)
		w := d.want[k]
		add(Step{Op: providers.OpCreate, Key: k, Want: w, Detail: w.Summary + " (replacement)"}, creates)
	}
	for _, k := range sorted(d.e, d.creates) {
		w := d.want[k]
		add(Step{Op: providers.OpCreate, Key: k, Want: w, Detail: w.Summary}, creates)
	}
	for _, k := range sorted(d.e, d.updates) {
		h, w, f := d.obs[k], d.want[k], d.updates[k]
		add(Step{Op: providers.OpUpdate, Key: k, Have: h, Want: w, Fields: f, Detail: d.e.detail(h, w, f)}, updates)
	}
	for _, k := range sorted(d.e, d.deletes) {
		add(Step{Op: providers.OpDelete, Key: k, Have: d.obs[k], Detail: "no longer wanted"}, deletes)
	}
	for i := range steps {
		steps[i].after = d.needs(steps[i], creates, updates, deletes)
	}
	return d.sort(steps)
}

// needs returns the indexes of the steps s must follow.
func (d *diff) needs(s Step, creates, updates, deletes map[Key]int) []int {
	var out []int
	if s.Op != providers.OpDelete {
		for _, ref := range s.Want.Refs {
			if i, ok := creates[ref]; ok {
				out = append(out, i)
			}
		}
		if i, ok := deletes[s.Key]; ok && s.Op == providers.OpCreate {
			out = append(out, i)
		}
		return out
	}
	for j, h := range d.obs {
		if !slices.Contains(h.Refs, s.Key) {
			continue
		}
		if i, ok := deletes[j]; ok {
			out = append(out, i)
		} else if i, ok := updates[j]; ok {
			out = append(out, i)
		}
	}
	return out
}

// sort orders the steps topologically, the free step of highest standing first. A step
// caught in a cycle (a provider's graph that refers in a loop) is blocked, never run.
func (d *diff) sort(steps []Step) *Plan {
	pos := make([]int, len(steps)) // old index -> new index, -1 until placed
	for i := range pos {
		pos[i] = -1
	}
	var out []Step
	for len(out) < len(steps) {
		best := -1
		for i, s := range steps {
			if pos[i] >= 0 || !placed(s.after, pos) {
				continue
			}
			if best < 0 || d.before(s, steps[best]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		pos[best] = len(out)
		out = append(out, steps[best])
	}
	for i, s := range steps {
		if pos[i] < 0 {
			d.block1(s.Key, errorf("%s %s waits on itself through its references", s.Op, s.Key), true)
		}
	}
	final := out[:0:0]
	for _, s := range out {
		after := make([]int, 0, len(s.after))
		for _, i := range s.after {
			after = append(after, pos[i])
		}
		s.after = after
		final = append(final, s)
	}
	return &Plan{Steps: final, Blocked: d.blocked, Errs: d.errs, scope: d.scope, graph: d.want}
}

func placed(after []int, pos []int) bool {
	for _, i := range after {
		if pos[i] < 0 {
			return false
		}
	}
	return true
}

// before reports whether a runs before b when both are free.
func (d *diff) before(a, b Step) bool {
	phase := map[string]int{providers.OpCreate: 0, providers.OpUpdate: 1, providers.OpDelete: 2}
	if c := cmp.Compare(phase[a.Op], phase[b.Op]); c != 0 {
		return c < 0
	}
	c := d.e.compare(a.Key, b.Key)
	if a.Op == providers.OpDelete {
		c = -c
	}
	return c < 0
}
