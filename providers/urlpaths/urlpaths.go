// Package urlpaths turns Kubernetes path rules into the path patterns of a GCE-style URL map
// (the fake's and Google's): the translation both providers share, so that neither copies it.
package urlpaths

import (
	"slices"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// Claim is the URL-map paths one Kubernetes rule wins.
type Claim struct {
	// Backend is the rule's backend.
	Backend string
	// Paths are URL-map path patterns: "/foo" matches exactly, "/foo/*" every path below.
	Paths []string
}

// ClaimPaths returns, for each rule in order that wins any URL-map path, the paths it wins:
// Exact "/foo" is "/foo"; Prefix "/foo" is "/foo" and "/foo/*". Where two rules want the same
// path, the one Kubernetes prefers wins it, so that Google's longest-match evaluation of the
// path rules routes as Kubernetes does.
func ClaimPaths(rules []v1alpha1.PathRule) ([]Claim, error) {
	winner := map[string]int{} // URL-map path -> index of the winning rule
	take := func(path string, i int) {
		if j, ok := winner[path]; !ok || Precedes(rules[i], rules[j]) {
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
	var out []Claim
	for i, paths := range won {
		if len(paths) > 0 {
			slices.Sort(paths)
			out = append(out, Claim{Backend: rules[i].Backend, Paths: paths})
		}
	}
	return out, nil
}

// Precedes reports whether Kubernetes prefers rule a to rule b when both match a request:
// the longer path (a Prefix rule's trailing slash does not count), then Exact over Prefix.
func Precedes(a, b v1alpha1.PathRule) bool {
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
