package awstest

import (
	"encoding/json"
	"fmt"
	"strings"
)

// requestContext holds a request's condition keys, lowercased (IAM compares key names
// case-insensitively), each with its values: one for a single-valued key, any number for
// a multivalued one such as aws:TagKeys. An absent key is missing from the map.
type requestContext map[string][]string

func (c requestContext) set(key string, vals ...string) { c[strings.ToLower(key)] = vals }

// condition is one key of one operator of a statement's Condition block.
type condition struct {
	set      string // "", "foranyvalue" or "forallvalues"
	op       string // the operator's base name, lowercased: stringequals, null...
	ifExists bool
	key      string // lowercased
	values   []string
}

// operators are the documented string and boolean operators: how a policy value matches a
// context value, and whether the operator is the negated form of the match.
var operators = map[string]struct {
	match   func(policy, ctx string) bool
	negated bool
}{
	"stringequals":              {func(p, c string) bool { return p == c }, false},
	"stringnotequals":           {func(p, c string) bool { return p == c }, true},
	"stringequalsignorecase":    {strings.EqualFold, false},
	"stringnotequalsignorecase": {strings.EqualFold, true},
	"stringlike":                {matchLike, false},
	"stringnotlike":             {matchLike, true},
	"bool":                      {strings.EqualFold, false},
	"arnequals":                 {matchResource, false},
	"arnlike":                   {matchResource, false},
	"arnnotequals":              {matchResource, true},
	"arnnotlike":                {matchResource, true},
}

// compileConditions reads a Condition block; several operators, and several keys in one
// operator, are all required (AND); several values of one key are alternatives (OR).
func compileConditions(block map[string]map[string]json.RawMessage) ([]condition, error) {
	var out []condition
	for name, keys := range block {
		set, base, ifExists, err := parseOperator(name)
		if err != nil {
			return nil, err
		}
		for key, raw := range keys {
			vals, err := conditionValues(raw)
			if err != nil {
				return nil, fmt.Errorf("condition %s %s: %w", name, key, err)
			}
			if base == "null" && (len(vals) != 1 || (vals[0] != "true" && vals[0] != "false")) {
				return nil, fmt.Errorf("condition Null %s: want \"true\" or \"false\"", key)
			}
			out = append(out, condition{set: set, op: base, ifExists: ifExists, key: strings.ToLower(key), values: vals})
		}
	}
	return out, nil
}

// parseOperator splits ForAnyValue:StringLikeIfExists into its set operator, base
// operator and IfExists suffix, refusing operators this evaluator does not know rather
// than reading them as false.
func parseOperator(name string) (set, base string, ifExists bool, err error) {
	lower := strings.ToLower(name)
	if s, rest, ok := strings.Cut(lower, ":"); ok {
		if s != "foranyvalue" && s != "forallvalues" {
			return "", "", false, fmt.Errorf("condition operator %q: unknown set operator", name)
		}
		set, lower = s, rest
	}
	base, ifExists = strings.CutSuffix(lower, "ifexists")
	if _, ok := operators[base]; !ok && base != "null" {
		return "", "", false, fmt.Errorf("condition operator %q is not supported", name)
	}
	if base == "null" && (ifExists || set != "") {
		return "", "", false, fmt.Errorf("condition operator %q: Null takes no qualifier", name)
	}
	return set, base, ifExists, nil
}

// conditionValues reads a condition's value or list of values; IAM accepts booleans and
// numbers as JSON literals and compares them as strings.
func conditionValues(raw json.RawMessage) ([]string, error) {
	var vals []any
	if err := oneOrMany(raw, &vals); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case bool, float64:
			out = append(out, fmt.Sprint(x))
		default:
			return nil, fmt.Errorf("value %v: want a string, a boolean or a number", v)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no value")
	}
	return out, nil
}

// holds evaluates the condition against the request context as the IAM User Guide's
// "Condition operators" and "Conditions with multiple context keys or values" describe.
func (c condition) holds(ctx requestContext) bool {
	got := ctx[c.key]
	present := len(got) > 0
	if c.op == "null" {
		return (c.values[0] == "true") == !present
	}
	op := operators[c.op]
	if !present {
		switch {
		case c.ifExists, c.set == "forallvalues":
			return true
		case c.set == "foranyvalue":
			return false
		}
		// An absent key matches nothing: a negated operator is then satisfied.
		return op.negated
	}
	matches := func(v string) bool {
		for _, p := range c.values {
			if op.match(p, v) {
				return true
			}
		}
		return false
	}
	// A value passes when it matches some policy value, or, for a negated operator, none.
	passes := func(v string) bool { return matches(v) != op.negated }
	if c.set == "forallvalues" || (c.set == "" && op.negated) {
		for _, v := range got {
			if !passes(v) {
				return false
			}
		}
		return true
	}
	for _, v := range got {
		if passes(v) {
			return true
		}
	}
	return false
}
