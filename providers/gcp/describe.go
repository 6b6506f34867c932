package gcp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/portico-dev/portico/providers/plan"
)

// newEngine returns the plan engine with the provider's kinds and update details.
func newEngine() *plan.Engine {
	return &plan.Engine{Kinds: Kinds, Describe: describe}
}

// describe says what an update changes in the words a user reads in an Event: which
// endpoints come and go, which listener fields move; "" falls back on the field names.
func describe(have, want plan.Resource, fields []string) string {
	if n, ok := want.Spec.(negSpec); ok {
		old, _ := have.Spec.(negSpec)
		var parts []string
		if added := missing(n.Endpoints, old.Endpoints); len(added) > 0 {
			parts = append(parts, fmt.Sprintf("attach %d endpoint(s)", len(added)))
		}
		if removed := missing(old.Endpoints, n.Endpoints); len(removed) > 0 {
			parts = append(parts, fmt.Sprintf("detach %d endpoint(s)", len(removed)))
		}
		return strings.Join(parts, ", ")
	}
	if g, ok := want.Spec.(igSpec); ok {
		return describeInstanceGroup(have.Spec.(igSpec), g, fields)
	}
	if want.Kind == KindURLMap {
		return "routes (" + strings.Join(fields, ", ") + ")"
	}
	return ""
}

// describeInstanceGroup says which instances come and go and whether the named ports change.
func describeInstanceGroup(have, want igSpec, fields []string) string {
	var parts []string
	if added := without(want.Instances, have.Instances); len(added) > 0 {
		parts = append(parts, fmt.Sprintf("add %d instance(s)", len(added)))
	}
	if removed := without(have.Instances, want.Instances); len(removed) > 0 {
		parts = append(parts, fmt.Sprintf("remove %d instance(s)", len(removed)))
	}
	if slices.Contains(fields, "namedPorts") {
		parts = append(parts, "set named ports")
	}
	return strings.Join(parts, ", ")
}
