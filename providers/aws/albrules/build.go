package albrules

import (
	"slices"
	"strings"
)

// builder collects the rules of a listener, in priority order.
type builder struct {
	limits   Limits
	def      Action
	backends map[string]bool
	drafts   []draft
	// kept counts the drafts to another action than def, which pruning always keeps.
	kept int
}

// hostTable is the path entries of one host condition.
type hostTable struct {
	cond    hostCond
	entries []pathEntry
}

// build writes every host's rules, each followed by a catch-all for the host to the default
// action, then the rules without host. Before a wildcard host's rules, a guard for the names
// one label or more deeper sends them where Kubernetes does: through the rules without host,
// then to the default action. Precise hosts never overlap one another, so those with the same
// path rules share their rules.
func (b *builder) build(groups []hostGroup, hostless *hostGroup) error {
	var anyHost []pathEntry
	if hostless != nil {
		var err error
		if anyHost, err = pathEntries(hostless.paths, b.backends); err != nil {
			return err
		}
	}
	var exact []hostTable
	for _, g := range groups {
		own, err := pathEntries(g.paths, b.backends)
		if err != nil {
			return err
		}
		if g.cond.kind == hostExact {
			exact = append(exact, hostTable{g.cond, own})
			continue
		}
		if err := b.addExact(exact); err != nil {
			return err
		}
		exact = nil
		if err := b.add(guardHost(g.cond.name()), anyHost, true); err != nil {
			return err
		}
		if err := b.add(g.cond, own, true); err != nil {
			return err
		}
	}
	if err := b.addExact(exact); err != nil {
		return err
	}
	return b.add(hostCond{kind: hostAny}, anyHost, false)
}

// add appends the rules of one host condition: its path entries, split over as many rules as
// the limits need, and, when catchAll, a rule for the host alone to the default action. A
// rule holding /* matches every path: it is written with its host alone, and the catch-all
// after it, never reached, is left out. A rule without host keeps /*, as AWS refuses a rule
// without condition.
func (b *builder) add(h hostCond, entries []pathEntry, catchAll bool) error {
	packed, err := pack(h, entries, b.limits)
	if err != nil {
		return err
	}
	if n := len(packed); n > 0 && h.kind != hostAny && slices.Contains(packed[n-1].paths, "/*") {
		packed[n-1].paths, catchAll = nil, false
	}
	b.drafts = append(b.drafts, packed...)
	for _, d := range packed {
		if d.action != b.def {
			b.kept++
		}
	}
	if b.kept > farOver*b.limits.RulesPerListener {
		return tooManyRules(b.kept, true, b.limits)
	}
	if catchAll {
		b.drafts = append(b.drafts, draft{host: h, action: b.def})
	}
	return nil
}

// addExact appends the rules of precise hosts, in order of their first host. Hosts with the
// same path rules share rules, as many hosts in one host condition as gives the fewest rules;
// a host written as a regular expression keeps rules of its own.
func (b *builder) addExact(tables []hostTable) error {
	for _, t := range mergeTables(tables) {
		k := b.hostsPerRule(t)
		for names := range slices.Chunk(t.cond.names, k) {
			if err := b.add(hostCond{kind: hostExact, names: names}, t.entries, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// mergeTables joins the precise hosts whose path entries are the same into one table.
func mergeTables(tables []hostTable) []hostTable {
	var out []hostTable
	at := map[string]int{}
	for _, t := range tables {
		sig := signature(t.entries)
		if i, ok := at[sig]; ok && takesHostName(t.cond.name()) {
			out[i].cond.names = append(out[i].cond.names, t.cond.names...)
			continue
		}
		if takesHostName(t.cond.name()) {
			at[sig] = len(out)
		}
		out = append(out, hostTable{cond: hostCond{kind: hostExact, names: slices.Clone(t.cond.names)}, entries: t.entries})
	}
	return out
}

func signature(entries []pathEntry) string {
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.value + "\x00" + e.action.key() + "\x01")
	}
	return b.String()
}

// hostsPerRule is how many of a table's hosts one rule holds so that the table takes the
// fewest rules: more hosts per rule leave less room for paths.
func (b *builder) hostsPerRule(t hostTable) int {
	best, bestRules := 1, -1
	for k := 1; k <= min(len(t.cond.names), b.limits.ValuesPerCondition, b.limits.ValuesPerRule-1); k++ {
		packed, err := pack(hostCond{kind: hostExact, names: t.cond.names[:k]}, t.entries, b.limits)
		if err != nil {
			break
		}
		perChunk := len(packed) + 1 // and the catch-all
		if n := len(packed); n > 0 && slices.Contains(packed[n-1].paths, "/*") {
			perChunk--
		}
		if rules := perChunk * ((len(t.cond.names) + k - 1) / k); bestRules < 0 || rules <= bestRules {
			best, bestRules = k, rules
		}
	}
	return best
}
