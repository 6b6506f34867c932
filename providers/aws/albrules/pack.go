package albrules

import (
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
	if room < 1 && len(entries) > 0 {
		return nil, providers.Invalid(ReasonTooManyRules, nil,
			"a limit of %d condition values per rule leaves no room for a path next to a host", limits.ValuesPerRule)
	}
	var out []draft
	for _, e := range entries {
		if n := len(out); n > 0 && out[n-1].action == e.action && len(out[n-1].paths) < room {
			out[n-1].paths = append(out[n-1].paths, e.value)
			continue
		}
		out = append(out, draft{host: h, paths: []string{e.value}, action: e.action})
	}
	return out, nil
}

// prune drops the rules that send to the default action where no later rule to another
// action could take their requests: a request they let through then meets only rules to the
// default action, or the default rule itself. A host's catch-all before nothing but other
// hosts' rules, as for a listener of precise hosts and no rule without host, is the common
// case; every rule dropped is one fewer against the quota.
func prune(drafts []draft, def Action) []draft {
	var kept []draft // reversed
	for i := len(drafts) - 1; i >= 0; i-- {
		d := drafts[i]
		if d.action == def && !shadowsLater(d, kept, def) {
			continue
		}
		kept = append(kept, d)
	}
	out := make([]draft, len(kept))
	for i, d := range kept {
		out[len(kept)-1-i] = d
	}
	return out
}

// shadowsLater reports whether some later rule to another action than def could match a
// request that d matches. Only hosts are compared: a path overlap is not ruled out.
func shadowsLater(d draft, later []draft, def Action) bool {
	for _, l := range later {
		if l.action != def && overlaps(d.host, l.host) {
			return true
		}
	}
	return false
}
