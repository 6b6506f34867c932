package aws

import (
	"github.com/portico-dev/portico/api/v1alpha1"
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
	l, err := albrules.Translate(&b.want.Spec, albrules.Limits{RulesPerListener: rulesPerListener(b.want.Spec.Frontends)})
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

// rulesPerListener is each listener's share of AWS's quota of rules, which counts the rules
// of every listener of the load balancer: the HTTP and HTTPS listeners carry the same
// rules, unless HTTP only redirects to HTTPS.
func rulesPerListener(fe v1alpha1.Frontends) int {
	listeners := 0
	if fe.HTTP && (!fe.SSLRedirect || !fe.HTTPS) {
		listeners++
	}
	if fe.HTTPS {
		listeners++
	}
	return albrules.DefaultLimits.RulesPerListener / max(listeners, 1)
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
