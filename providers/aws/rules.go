package aws

import (
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws/albrules"
)

// routeTable is a listener's rules, in priority order, and its default action.
type routeTable struct {
	rules []ruleSpec
	def   action
}

// routes translates the spec's route table into listener rules with Kubernetes semantics
// (see albrules), numbered 1, 2, … in the order AWS must evaluate them, and the default
// action: the default backend, else a fixed 404. Each action names the backend's target
// group resource.
func (b *builder) routes() (routeTable, error) {
	l, err := albrules.Translate(&b.want.Spec, albrules.Limits{})
	if err != nil {
		return routeTable{}, err
	}
	def, err := b.groupOf(l.Default)
	if err != nil {
		return routeTable{}, err
	}
	out := routeTable{def: fromAlbrules(def)}
	for i, r := range l.Rules {
		if r.Action, err = b.groupOf(r.Action); err != nil {
			return routeTable{}, err
		}
		out.rules = append(out.rules, ruleSpec{Rule: r, Priority: int32(i + 1)})
	}
	return out, nil
}

// groupOf makes an action name the backend's target group.
func (b *builder) groupOf(a albrules.Action) (albrules.Action, error) {
	if a.Backend == "" {
		return a, nil
	}
	tg, ok := b.tgs[a.Backend]
	if !ok {
		return a, providers.Invalid("BackendMissing", nil, "a rule names the backend %q, which spec.backends does not list", a.Backend)
	}
	return albrules.Action{Backend: tg}, nil
}
