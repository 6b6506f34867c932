package albrules

import (
	"slices"
	"strings"

	"github.com/portico-dev/portico/providers"
)

// draft is a rule being built: its host condition, path patterns and action.
type draft struct {
	host   hostCond
	paths  []string
	action Action
}

func (d draft) rule() Rule {
	hosts, regexes := d.host.values()
	return Rule{Hosts: hosts, HostRegexes: regexes, Paths: d.paths, Action: d.action}
}

// pack spreads one host's path entries over rules that fit the limits: consecutive entries
// with the same action share a rule while it has room, and an entry never moves before
// another. ALB then meets the values in the order they were listed, so its first matching
// rule holds the first matching value, and the action is that value's.
func pack(h hostCond, entries []pathEntry, limits Limits) ([]draft, error) {
	room := min(limits.ValuesPerCondition, limits.ValuesPerRule-h.cost())
	hosts, _ := h.values()
	hostStars := wildcards(hosts, nil)
	for _, e := range entries {
		if room < 1 || hostStars+wildcards([]string{e.value}, nil) > limits.WildcardsPerRule {
			return nil, providers.Invalid(ReasonTooManyRules, nil,
				"limits of %d condition values and %d wildcards per rule leave no room for path %s next to its host",
				limits.ValuesPerRule, limits.WildcardsPerRule, e.value)
		}
	}
	var out []draft
	for _, e := range entries {
		if n := len(out); n > 0 && out[n-1].action == e.action && len(out[n-1].paths) < room &&
			hostStars+wildcards(out[n-1].paths, []string{e.value}) <= limits.WildcardsPerRule {
			out[n-1].paths = append(out[n-1].paths, e.value)
			continue
		}
		out = append(out, draft{host: h, paths: []string{e.value}, action: e.action})
	}
	return out, nil
}

// wildcards counts the '*' and '?' of values, as AWS's quota of condition wildcards per rule
// does. Regular expressions are not wildcard values and count none.
func wildcards(values, more []string) int {
	n := 0
	for _, list := range [][]string{values, more} {
		for _, v := range list {
			n += strings.Count(v, "*") + strings.Count(v, "?")
		}
	}
	return n
}

// prune drops the rules that send to the default action where no later rule to another
// action could take their requests: a request they let through then meets only rules to the
// default action, or the default rule itself. A host's catch-all before nothing but other
// hosts' rules, as for a listener of precise hosts and no rule without host, is the common
// case; every rule dropped is one fewer against the quota. Only hosts are compared (a path
// overlap is not ruled out), and each host condition is compared once with each later host
// condition, so that a route table of many paths costs little.
func prune(drafts []draft, def Action) []draft {
	var (
		kept  []draft    // reversed
		later []hostCond // the host conditions of the later rules to another action
		seen  = map[string]shadow{}
	)
	for i := len(drafts) - 1; i >= 0; i-- {
		d := drafts[i]
		if d.action != def {
			if n := len(later); n == 0 || later[n-1].key() != d.host.key() {
				later = append(later, d.host)
			}
			kept = append(kept, d)
			continue
		}
		sh := seen[d.host.key()]
		for _, h := range later[sh.upTo:] {
			if sh.overlaps = sh.overlaps || overlaps(d.host, h); sh.overlaps {
				break
			}
		}
		sh.upTo = len(later)
		seen[d.host.key()] = sh
		if sh.overlaps {
			kept = append(kept, d)
		}
	}
	slices.Reverse(kept)
	return kept
}

// shadow says whether a host condition overlaps one of the first upTo later host conditions.
type shadow struct {
	overlaps bool
	upTo     int
}
