package aws

import (
	"slices"
	"strings"

	"github.com/portico-dev/portico/providers/plan"
)

// describe says what an update changes, in the words a user reads in an Event.
func describe(have, want plan.Resource, fields []string) string {
	var parts []string
	for _, f := range fields {
		switch f {
		case fieldTargets:
			add, remove := diffList(have.Fields[f], want.Fields[f])
			parts = append(parts, "targets: register "+itoa(int32(len(add)))+", deregister "+itoa(int32(len(remove))))
		case fieldRules:
			parts = append(parts, "listener rules")
		case fieldIngress:
			parts = append(parts, "ingress rules")
		case fieldHealthCheck:
			parts = append(parts, "health check")
		case fieldCerts:
			parts = append(parts, "certificates")
		case fieldDefault:
			parts = append(parts, "default action to "+want.Fields[f])
		default:
			parts = append(parts, f)
		}
	}
	return "changed " + strings.Join(parts, ", ")
}

// diffList returns the items of a comma list want has and have lacks, and the reverse.
func diffList(have, want string) (add, remove []string) {
	h, w := split(have), split(want)
	for _, s := range w {
		if !slices.Contains(h, s) {
			add = append(add, s)
		}
	}
	for _, s := range h {
		if !slices.Contains(w, s) {
			remove = append(remove, s)
		}
	}
	return add, remove
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
