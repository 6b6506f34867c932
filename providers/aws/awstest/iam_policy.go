package awstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// statement is one parsed policy statement, its matchers and conditions ready to evaluate.
type statement struct {
	sid         string
	deny        bool
	actions     []string // lowercased patterns
	notAction   bool
	resources   []string
	notResource bool
	conditions  []condition
}

// rawStatement is a statement as AWS's policy grammar spells it.
type rawStatement struct {
	Sid          string                                `json:"Sid"`
	Effect       string                                `json:"Effect"`
	Principal    json.RawMessage                       `json:"Principal"`
	NotPrincipal json.RawMessage                       `json:"NotPrincipal"`
	Action       json.RawMessage                       `json:"Action"`
	NotAction    json.RawMessage                       `json:"NotAction"`
	Resource     json.RawMessage                       `json:"Resource"`
	NotResource  json.RawMessage                       `json:"NotResource"`
	Condition    map[string]map[string]json.RawMessage `json:"Condition"`
}

// parsePolicy reads an identity-based policy document and refuses what IAM refuses:
// an unknown Version, an Effect other than Allow or Deny, a statement without exactly one
// of Action/NotAction and of Resource/NotResource, a Principal (identity policies have
// none), an unknown condition operator.
func parsePolicy(doc []byte) ([]statement, error) {
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("parse policy: %w", err)
	}
	if raw.Version != "2012-10-17" && raw.Version != "2008-10-17" {
		return nil, fmt.Errorf("policy Version %q: want 2012-10-17", raw.Version)
	}
	var list []rawStatement
	if err := oneOrMany(raw.Statement, &list); err != nil {
		return nil, fmt.Errorf("parse policy statements: %w", err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("policy has no statement")
	}
	out := make([]statement, 0, len(list))
	for i, rs := range list {
		s, err := rs.compile()
		if err == nil && raw.Version == "2012-10-17" && s.hasVariable() {
			err = fmt.Errorf("policy variables (${...}) are not supported by this evaluator")
		}
		if err != nil {
			return nil, fmt.Errorf("statement %d (%s): %w", i, rs.Sid, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// hasVariable says whether a resource or condition value holds a policy variable, which
// IAM would substitute and this evaluator would read literally: refusing the document
// keeps a test from passing on a policy it does not understand.
func (s statement) hasVariable() bool {
	vals := slices.Clone(s.resources)
	for _, c := range s.conditions {
		vals = append(vals, c.values...)
	}
	for _, v := range vals {
		if strings.Contains(v, "${") {
			return true
		}
	}
	return false
}

func (rs rawStatement) compile() (statement, error) {
	s := statement{sid: rs.Sid}
	switch rs.Effect {
	case "Allow":
	case "Deny":
		s.deny = true
	default:
		return s, fmt.Errorf("effect %q: want Allow or Deny", rs.Effect)
	}
	if rs.Principal != nil || rs.NotPrincipal != nil {
		return s, fmt.Errorf("an identity-based policy names no principal")
	}
	var err error
	if s.actions, s.notAction, err = either(rs.Action, rs.NotAction, "Action"); err != nil {
		return s, err
	}
	for i, a := range s.actions {
		if a != "*" && !strings.Contains(a, ":") {
			return s, fmt.Errorf("action %q: want service:Action", a)
		}
		s.actions[i] = strings.ToLower(a)
	}
	if s.resources, s.notResource, err = either(rs.Resource, rs.NotResource, "Resource"); err != nil {
		return s, err
	}
	s.conditions, err = compileConditions(rs.Condition)
	return s, err
}

// either reads the one of a pair of elements (Action/NotAction, Resource/NotResource) that
// a statement must have exactly one of.
func either(pos, neg json.RawMessage, name string) ([]string, bool, error) {
	if (pos == nil) == (neg == nil) {
		return nil, false, fmt.Errorf("want exactly one of %s and Not%s", name, name)
	}
	raw, not := pos, false
	if pos == nil {
		raw, not = neg, true
	}
	var vals []string
	if err := oneOrMany(raw, &vals); err != nil {
		return nil, false, fmt.Errorf("%s: %w", name, err)
	}
	if len(vals) == 0 {
		return nil, false, fmt.Errorf("%s is empty", name)
	}
	return vals, not, nil
}

// oneOrMany decodes an element that may be a single value or a list of values.
func oneOrMany[T any](raw json.RawMessage, into *[]T) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		return json.Unmarshal(raw, into)
	}
	var one T
	if err := json.Unmarshal(raw, &one); err != nil {
		return err
	}
	*into = []T{one}
	return nil
}

// applies says whether the statement covers the action on the resource with the
// request's context; action is lowercased.
func (s statement) applies(action, resource string, ctx requestContext) bool {
	if matchesAny(s.actions, action, matchAction) == s.notAction {
		return false
	}
	if matchesAny(s.resources, resource, matchResource) == s.notResource {
		return false
	}
	for _, c := range s.conditions {
		if !c.holds(ctx) {
			return false
		}
	}
	return true
}

func matchesAny(patterns []string, v string, match func(p, v string) bool) bool {
	for _, p := range patterns {
		if match(p, v) {
			return true
		}
	}
	return false
}
