package aws

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"slices"
	"strings"
)

// policyJSON is the least-privilege identity policy the provider needs, in AWS's policy
// language. docs/install-aws.md shows it verbatim (a test keeps the two equal), and awstest
// enforces it, tag conditions included, so the provider's suite fails if a call it makes is
// not allowed and the policy test fails if an action in it is never used.
//
//go:embed policy.json
var policyJSON []byte

// PolicyJSON returns a copy of the IAM policy document the controller's role needs.
func PolicyJSON() []byte { return bytes.Clone(policyJSON) }

// PolicyActions lists, sorted and without duplicates, every action the policy allows in
// some statement, as the policy spells it (service:Action).
func PolicyActions() []string {
	var doc struct {
		Statement []struct {
			Action actionList `json:"Action"`
		} `json:"Statement"`
	}
	if err := json.Unmarshal(policyJSON, &doc); err != nil {
		panic("aws: the embedded policy.json does not parse: " + err.Error())
	}
	var out []string
	for _, s := range doc.Statement {
		out = append(out, s.Action...)
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return slices.Compact(out)
}

// actionList is a policy element that AWS accepts as one string or a list of them.
type actionList []string

func (l *actionList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}
