package plan

import (
	"cmp"
	"errors"

	"slices"
	"strings"
	"sync"

	"github.com/portico-dev/portico/providers"
)

// Engine plans and applies graphs for one provider. It is safe for concurrent use; its only
// state is the memory of writes the cloud refused as invalid.
type Engine struct {
	// Kinds lists the provider's kinds in dependency order: a resource refers only to kinds
	// before its own. It orders steps of equal standing and must name every kind.
	Kinds []string
	// Describe, when set, says what an update changes in the words a user reads in an Event;
	// it returns "" to fall back on the names of the fields.
	Describe func(have, want Resource, fields []string) string

	mu      sync.Mutex
	refused map[memoryKey]refusal
}

// Step is one write of a plan.
type Step struct {
	// Op is providers.OpCreate, OpUpdate or OpDelete.
	Op  string
	Key Key
	// Want is the resource to create or update to; Have is the cloud's, for an update or a
	// delete.
	Want, Have Resource
	// Fields names what an update changes.
	Fields []string
	Detail string
	// after indexes the steps that must succeed before this one may run.
	after []int
}

// Action returns the step as the provider contract prints it.
func (s Step) Action() providers.Action {
	return providers.Action{Op: s.Op, Kind: s.Key.Kind, Name: s.Key.Name, Detail: s.Detail}
}

// Plan is the ordered writes that make the cloud match a graph.
type Plan struct {
	Steps []Step
	// Blocked holds the resources left as they are, and why: those the graph could not
	// build, those whose write the cloud refused before with the same input, and everything
	// that refers to one of them.
	Blocked map[Key]error
	// Errs holds the causes of Blocked, in dependency order, without repeats.
	Errs []error

	scope string
	graph map[Key]Resource
}

// Actions returns the steps as the provider contract prints them.
func (p *Plan) Actions() []providers.Action {
	out := []providers.Action{}
	for _, s := range p.Steps {
		out = append(out, s.Action())
	}
	return out
}

// Err returns the first cause of a blocked resource, or nil.
func (p *Plan) Err() error {
	if len(p.Errs) == 0 {
		return nil
	}
	return p.Errs[0]
}

func (e *Engine) rank(kind string) int { return slices.Index(e.Kinds, kind) }

func (e *Engine) compare(a, b Key) int {
	return cmp.Or(cmp.Compare(e.rank(a.Kind), e.rank(b.Kind)), cmp.Compare(a.Name, b.Name))
}

// sorted returns the keys of m in dependency order.
func sorted[V any](e *Engine, m map[Key]V) []Key {
	keys := make([]Key, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, e.compare)
	return keys
}

// Plan diffs the graph against the resources the cloud holds for it (observed: those the
// provider owns for this load balancer). It mutates nothing; Plan and Apply share it, so
// a plan lists exactly what Apply then writes.
func (e *Engine) Plan(g Graph, observed []Resource) *Plan {
	d := newDiff(e, g, observed)
	d.block()
	d.classify()
	d.cascade()
	return d.order()
}

// diff is the state of one Plan call.
type diff struct {
	e         *Engine
	scope     string
	want, obs map[Key]Resource
	blocked   map[Key]error
	errs      []error
	creates   map[Key]bool
	updates   map[Key][]string
	replaces  map[Key]string // key -> why
	deletes   map[Key]bool
}

func newDiff(e *Engine, g Graph, observed []Resource) *diff {
	d := &diff{
		e: e, scope: g.Scope, want: map[Key]Resource{}, obs: map[Key]Resource{}, blocked: map[Key]error{},
		creates: map[Key]bool{}, updates: map[Key][]string{}, replaces: map[Key]string{}, deletes: map[Key]bool{},
	}
	for _, r := range g.Resources {
		d.want[r.Key] = r
	}
	for _, r := range observed {
		d.obs[r.Key] = r
	}
	for _, k := range sorted(e, g.Blocked) {
		d.block1(k, g.Blocked[k], true)
	}
	return d
}

// block1 leaves k as it is; a root cause is reported once in Errs.
func (d *diff) block1(k Key, err error, root bool) {
	d.blocked[k] = err
	if root && !slices.ContainsFunc(d.errs, func(e error) bool { return errors.Is(e, err) }) {
		d.errs = append(d.errs, err)
	}
}

// block leaves alone every wanted resource whose write the cloud refused before with the
// same input, and everything that refers to a blocked resource.
func (d *diff) block() {
	for _, k := range sorted(d.e, d.want) {
		if _, ok := d.blocked[k]; ok {
			continue
		}
		w := d.want[k]
		if h, ok := d.obs[k]; ok && len(changed(h.Fields, w.Fields)) == 0 {
			continue // nothing to write, so nothing refused
		}
		if err := d.e.remembered(d.scope, w); err != nil {
			d.block1(k, err, true)
		}
	}
	for grew := true; grew; {
		grew = false
		for _, k := range sorted(d.e, d.want) {
			if _, ok := d.blocked[k]; ok {
				continue
			}
			for _, ref := range d.want[k].Refs {
				if err, ok := d.blocked[ref]; ok {
					d.block1(k, err, false)
					grew = true
					break
				}
			}
		}
	}
}

// classify sorts every resource into create, update, replace or delete.
func (d *diff) classify() {
	for k, w := range d.want {
		if _, ok := d.blocked[k]; ok {
			continue
		}
		h, exists := d.obs[k]
		if !exists {
			d.creates[k] = true
			continue
		}
		fields := changed(h.Fields, w.Fields)
		if len(fields) == 0 {
			continue
		}
		if fixed := immutable(w, fields); len(fixed) > 0 {
			d.replaces[k] = strings.Join(fixed, ", ") + " cannot change in place"
			continue
		}
		d.updates[k] = fields
	}
	for k := range d.obs {
		_, wanted := d.want[k]
		_, kept := d.blocked[k]
		if !wanted && !kept {
			d.deletes[k] = true
		}
	}
}

func immutable(w Resource, fields []string) []string {
	var out []string
	for _, f := range fields {
		if slices.Contains(w.Immutable, f) {
			out = append(out, f)
		}
	}
	return out
}

// cascade replaces every resource that would still refer to a replaced one: a replacement
// keeps its name, so its referrers cannot be repointed and must go first. A referrer that
// is blocked stays, so the resource it uses stays too.
func (d *diff) cascade() {
	for grew := true; grew; {
		grew = false
		for _, k := range sorted(d.e, d.replaces) {
			for _, j := range sorted(d.e, d.obs) {
				if !slices.Contains(d.obs[j].Refs, k) || d.deletes[j] {
					continue
				}
				if _, ok := d.replaces[j]; ok {
					continue
				}
				if err, ok := d.blocked[j]; ok {
					delete(d.replaces, k)
					d.block1(k, err, false)
					grew = true
					break
				}
				if slices.Contains(d.want[j].Refs, k) {
					delete(d.updates, j)
					d.replaces[j] = "it refers to " + k.String() + ", which is replaced"
					grew = true
				}
			}
		}
	}
	// A resource that a resource left in place still uses is not deleted.
	for k := range d.deletes {
		for j := range d.blocked {
			if h, ok := d.obs[j]; ok && slices.Contains(h.Refs, k) {
				delete(d.deletes, k)
			}
		}
	}
}

// detail says what an update changes.
func (e *Engine) detail(h, w Resource, fields []string) string {
	if e.Describe != nil {
		if s := e.Describe(h, w, fields); s != "" {
			return s
		}
	}
	return "changed " + strings.Join(fields, ", ")
}

// errorf is an error of the engine itself, never the cloud's.
func errorf(format string, args ...any) error {
	return providers.Invalid("PlanInvalid", nil, format, args...)
}
