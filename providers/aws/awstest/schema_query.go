package awstest

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// formNode is a Query request's form read as a tree: Tags.member.1.Key=k puts "k" at
// Tags → member → 1 → Key.
type formNode struct {
	value    string
	hasValue bool
	children map[string]*formNode
}

// formTree builds the tree of a form; Action and Version route the call and are no
// parameter of the operation.
func formTree(params url.Values) *formNode {
	root := &formNode{}
	for key, vals := range params {
		if key == "Action" || key == "Version" {
			continue
		}
		n := root
		for _, seg := range strings.Split(key, ".") {
			if n.children == nil {
				n.children = map[string]*formNode{}
			}
			next, ok := n.children[seg]
			if !ok {
				next = &formNode{}
				n.children[seg] = next
			}
			n = next
		}
		n.hasValue = true
		if len(vals) > 0 {
			n.value = vals[0]
		}
	}
	return root
}

// sortedKeys lists a node's children in order, so that the first violation reported is
// the same on every run.
func (n *formNode) sortedKeys() []string {
	keys := make([]string, 0, len(n.children))
	for k := range n.children {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fieldPath locates a value twice: as AWS's validation messages name it, and on the wire.
type fieldPath struct{ coral, wire string }

func (p fieldPath) member(name, wire string) fieldPath {
	return fieldPath{coral: joinPath(p.coral, lowerFirst(name)), wire: joinPath(p.wire, wire)}
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// walker checks a request against one service's model and collects what is wrong.
type walker struct {
	model *apiModel
	ec2   bool
	found []violation
}

func (w *walker) add(v violation) { w.found = append(w.found, v) }

// wireName is how a structure member is named in a Query form: under the ec2 protocol its
// queryName, else its locationName capitalized, else its name; under awsquery its
// locationName, else its name.
func (w *walker) wireName(name string, m *mref) string {
	switch {
	case w.ec2 && m.QueryName != "":
		return m.QueryName
	case w.ec2 && m.LocationName != "":
		return upperFirst(m.LocationName)
	case m.LocationName != "":
		return m.LocationName
	}
	return name
}

// query checks one node of a form against a shape.
func (w *walker) query(s *mshape, n *formNode, at fieldPath) {
	switch s.Type {
	case "structure":
		if n.value != "" {
			w.add(violation{kind: "type", coral: at.coral, wire: at.wire, value: n.value, typ: "a structure"})
			return
		}
		w.queryStructure(s, n, at)
	case "list":
		w.queryList(s, n, at)
	case "map":
		w.queryMap(s, n, at)
	default:
		if len(n.children) > 0 || !n.hasValue {
			w.unknownChildren(n, at)
			return
		}
		w.scalar(s, n.value, at)
	}
}

func (w *walker) queryStructure(s *mshape, n *formNode, at fieldPath) {
	byWire := make(map[string]string, len(s.Members))
	for name, m := range s.Members {
		byWire[w.wireName(name, m)] = name
	}
	for _, key := range n.sortedKeys() {
		name, ok := byWire[key]
		if !ok {
			w.add(violation{kind: "unknown", wire: joinPath(at.wire, key)})
			continue
		}
		m := s.Members[name]
		w.query(w.model.Shapes[m.Shape], n.children[key], at.member(name, key))
	}
	for _, name := range s.Required {
		wire := w.wireName(name, s.Members[name])
		if _, ok := n.children[wire]; !ok {
			w.add(violation{kind: "missing", coral: at.member(name, wire).coral, wire: joinPath(at.wire, wire)})
		}
	}
}

// queryList reads Name.member.N (awsquery) or Name.N (ec2, or a flattened list); a bare
// Name= is how the SDK sends an empty list.
func (w *walker) queryList(s *mshape, n *formNode, at fieldPath) {
	items, itemWire := n, at.wire
	if !w.ec2 && !s.Flattened && len(n.children) > 0 {
		name := "member"
		if s.Member.LocationName != "" {
			name = s.Member.LocationName
		}
		if items = n.children[name]; items == nil || items.hasValue || len(n.children) > 1 {
			w.unknownChildren(n, at)
			return
		}
		itemWire = joinPath(at.wire, name)
	}
	if len(n.children) == 0 && n.value != "" {
		w.add(violation{kind: "type", coral: at.coral, wire: at.wire, value: n.value, typ: "a list"})
		return
	}
	count, ok := w.indices(items, itemWire)
	if !ok {
		return
	}
	w.bounds(s, "count", count, listString(items, count), at)
	for i := 1; i <= count; i++ {
		ix := strconv.Itoa(i)
		el := fieldPath{coral: at.coral + "." + ix + ".member", wire: itemWire + "." + ix}
		w.query(w.model.Shapes[s.Member.Shape], items.children[ix], el)
	}
}

// indices checks that a list's or map's entries are numbered 1..N, as the SDKs number
// them, and returns N.
func (w *walker) indices(n *formNode, wire string) (int, bool) {
	for i := 1; i <= len(n.children); i++ {
		if _, ok := n.children[strconv.Itoa(i)]; !ok {
			for _, k := range n.sortedKeys() {
				if j, err := strconv.Atoi(k); err != nil || j < 1 || j > len(n.children) || strconv.Itoa(j) != k {
					w.add(violation{kind: "unknown", wire: joinPath(wire, k)})
					break
				}
			}
			return 0, false
		}
	}
	return len(n.children), true
}

// queryMap reads Name.entry.N.key / .value (or the model's own names for them).
func (w *walker) queryMap(s *mshape, n *formNode, at fieldPath) {
	entries, wire := n, at.wire
	if !s.Flattened {
		if entries = n.children["entry"]; entries == nil || len(n.children) > 1 {
			if len(n.children) > 0 {
				w.unknownChildren(n, at)
			}
			return
		}
		wire = joinPath(wire, "entry")
	}
	count, ok := w.indices(entries, wire)
	if !ok {
		return
	}
	w.bounds(s, "count", count, "", at)
	keyName, valueName := "key", "value"
	if s.Key.LocationName != "" {
		keyName = s.Key.LocationName
	}
	if s.Value.LocationName != "" {
		valueName = s.Value.LocationName
	}
	for i := 1; i <= count; i++ {
		ix := strconv.Itoa(i)
		entry := &mshape{Type: "structure", Required: []string{keyName},
			Members: map[string]*mref{keyName: s.Key, valueName: s.Value}}
		w.queryStructure(entry, entries.children[ix], fieldPath{coral: at.coral + "." + ix, wire: wire + "." + ix})
	}
}

// unknownChildren reports the parameters under a node that its shape cannot have.
func (w *walker) unknownChildren(n *formNode, at fieldPath) {
	if len(n.children) == 0 {
		w.add(violation{kind: "unknown", wire: at.wire})
		return
	}
	for _, k := range n.sortedKeys() {
		w.add(violation{kind: "unknown", wire: joinPath(at.wire, k)})
		return
	}
}

// listString shows a list of scalars as AWS's messages do: [a, b].
func listString(items *formNode, count int) string {
	vals := make([]string, 0, count)
	for i := 1; i <= count; i++ {
		vals = append(vals, items.children[strconv.Itoa(i)].value)
	}
	return "[" + strings.Join(vals, ", ") + "]"
}
