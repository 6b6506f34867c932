package gcp

import (
	"slices"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// claim is the Google paths one Kubernetes rule wins.
type claim struct {
	backend string
	paths   []string
}

// claimPaths returns, for each rule in order that wins any Google path, the paths it wins.
func claimPaths(rules []v1alpha1.PathRule) ([]claim, error) {
	winner := map[string]int{} // Google path -> index of the winning rule
	take := func(path string, i int) {
		if j, ok := winner[path]; !ok || precedes(rules[i], rules[j]) {
			winner[path] = i
		}
	}
	for i, r := range rules {
		switch r.PathType {
		case v1alpha1.PathTypeExact:
			take(r.Path, i)
		case v1alpha1.PathTypePrefix:
			base := strings.TrimSuffix(r.Path, "/")
			take(base+"/*", i)
			if base != "" {
				take(base, i)
			}
		default:
			return nil, providers.Invalid("PathTypeInvalid", nil, "path %s has type %q, not Exact or Prefix", r.Path, r.PathType)
		}
	}
	won := make([][]string, len(rules))
	for path, i := range winner {
		won[i] = append(won[i], path)
	}
	var out []claim
	for i, paths := range won {
		if len(paths) > 0 {
			slices.Sort(paths)
			out = append(out, claim{backend: rules[i].Backend, paths: paths})
		}
	}
	return out, nil
}

// precedes reports whether Kubernetes prefers rule a to rule b when both match a request:
// the longer path (a Prefix rule's trailing slash does not count), then Exact over Prefix.
func precedes(a, b v1alpha1.PathRule) bool {
	if la, lb := matchLength(a), matchLength(b); la != lb {
		return la > lb
	}
	return a.PathType == v1alpha1.PathTypeExact && b.PathType != v1alpha1.PathTypeExact
}

func matchLength(r v1alpha1.PathRule) int {
	if r.PathType == v1alpha1.PathTypePrefix && r.Path != "/" {
		return len(strings.TrimSuffix(r.Path, "/"))
	}
	return len(r.Path)
}
