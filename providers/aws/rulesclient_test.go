package aws

import (
	"testing"

	"github.com/portico-dev/portico/providers/aws/albrules"
)

func TestUnwantedRulesAreTheGoneAndTheDuplicates(t *testing.T) {
	rule := func(arn string, prio int32, path string) ruleSpec {
		return ruleSpec{ARN: arn, Priority: prio, Rule: albrules.Rule{Paths: []string{path}, Action: albrules.Action{Backend: "tg"}}}
	}
	have := []ruleSpec{rule("a", 1, "/a"), rule("b", 2, "/b"), rule("a2", 50000, "/a"), rule("gone", 3, "/gone")}
	want := []ruleSpec{rule("", 1, "/a"), rule("", 2, "/b")}
	kept := map[string]ruleSpec{}
	for _, h := range have {
		if _, ok := kept[h.key()]; !ok {
			kept[h.key()] = h
		}
	}
	var got []string
	for _, r := range unwanted(have, want, kept) {
		got = append(got, r.ARN)
	}
	if len(got) != 2 || got[0] != "a2" || got[1] != "gone" {
		t.Errorf("unwanted %v, want the duplicate a2 and gone", got)
	}
}
