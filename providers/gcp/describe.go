package gcp

import (
	"fmt"
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
	if want.Kind == KindURLMap {
		return "routes (" + strings.Join(fields, ", ") + ")"
	}
	return ""
}
