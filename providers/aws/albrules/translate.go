package albrules

import (
	"slices"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// Translate turns a load balancer's route table into the rules of one listener and its
// default action, ordered so that ALB's first-match-by-priority evaluation chooses what
// model.Route chooses (see the package documentation). The same spec always gives the same
// rules. An error is a providers.Invalid error whose reason and message say what to change:
// a host or path ALB cannot express as Kubernetes means it, a backend spec.backends lacks, or
// more rules than limits allow.
func Translate(spec *v1alpha1.LoadBalancerSpec, limits Limits) (Listener, error) {
	if spec == nil {
		return Listener{}, providers.Invalid(ReasonSpecMissing, nil, "the load balancer has no spec")
	}
	limits = limits.withDefaults()
	backends := map[string]bool{}
	for _, b := range spec.Backends {
		backends[b.Name] = true
	}
	def, err := defaultAction(spec, backends)
	if err != nil {
		return Listener{}, err
	}
	groups, hostless, err := chooseHosts(spec.Rules)
	if err != nil {
		return Listener{}, err
	}
	b := builder{limits: limits, def: def, backends: backends}
	if err := b.build(groups, hostless); err != nil {
		return Listener{}, err
	}
	drafts, err := fit(b.drafts, def, limits)
	if err != nil {
		return Listener{}, err
	}
	out := Listener{Default: def}
	for _, d := range drafts {
		out.Rules = append(out.Rules, d.rule())
	}
	return out, nil
}

// fit prunes the drafts and checks that they fit the listener.
func fit(drafts []draft, def Action, limits Limits) ([]draft, error) {
	drafts = prune(drafts, def)
	if len(drafts) > limits.RulesPerListener {
		return nil, tooManyRules(len(drafts), false, limits)
	}
	return drafts, nil
}

// farOver is how many times the limit a listener may need before the translation stops
// counting: pruning compares each rule with the later ones, and the API allows a route table
// of a million paths, which must be refused without building it all.
const farOver = 10

func tooManyRules(needed int, atLeast bool, limits Limits) error {
	bound := ""
	if atLeast {
		bound = "at least "
	}
	return providers.Invalid(ReasonTooManyRules, nil,
		"the routes need %s%d listener rules, more than the limit of %d: use fewer hosts or paths, or raise AWS's quota of rules per load balancer and portico's limit with it",
		bound, needed, limits.RulesPerListener)
}

// defaultAction is the spec's default backend, else a fixed 404.
func defaultAction(spec *v1alpha1.LoadBalancerSpec, backends map[string]bool) (Action, error) {
	if spec.DefaultBackend == "" {
		return NotFound, nil
	}
	if !backends[spec.DefaultBackend] {
		return Action{}, providers.Invalid(ReasonBackendNotFound, nil, "the default backend %q is not in spec.backends", spec.DefaultBackend)
	}
	return Action{Backend: spec.DefaultBackend}, nil
}

// hostGroup is a host's condition and the path rules Kubernetes applies to its requests.
type hostGroup struct {
	cond  hostCond
	paths []v1alpha1.PathRule
}

// chooseHosts returns the host rules that model.Route can choose, ordered as ALB must try
// them: precise hosts by name, then wildcard hosts with more labels first (a request that
// one of them covers is never covered by one with fewer), and apart, the rule without host.
// Where the spec names a host twice, the rule model.Route would choose is kept: the first of
// a precise host, the last of a wildcard or of the rule without host.
func chooseHosts(rules []v1alpha1.HostRule) ([]hostGroup, *hostGroup, error) {
	var (
		groups   []hostGroup
		at       = map[string]int{}
		hostless *hostGroup
	)
	for i := range rules {
		r := &rules[i]
		if r.Host == "" {
			hostless = &hostGroup{cond: hostCond{kind: hostAny}, paths: r.Paths}
			continue
		}
		cond, err := parseHost(string(r.Host))
		if err != nil {
			return nil, nil, err
		}
		j, seen := at[string(r.Host)]
		switch {
		case !seen:
			at[string(r.Host)] = len(groups)
			groups = append(groups, hostGroup{cond: cond, paths: r.Paths})
		case cond.kind == hostWildcard:
			groups[j].paths = r.Paths
		}
	}
	slices.SortFunc(groups, func(a, b hostGroup) int {
		if a.cond.kind != b.cond.kind {
			return int(a.cond.kind) - int(b.cond.kind) // hostExact before hostWildcard
		}
		if a.cond.kind == hostWildcard && a.cond.labels() != b.cond.labels() {
			return b.cond.labels() - a.cond.labels()
		}
		return strings.Compare(a.cond.name(), b.cond.name())
	})
	return groups, hostless, nil
}
