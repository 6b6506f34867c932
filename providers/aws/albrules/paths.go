package albrules

import (
	"slices"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/urlpaths"
)

// pathEntry is one path-pattern value and the action of the path rule it came from.
type pathEntry struct {
	value  string
	action Action
}

// pathEntries returns the path-pattern values of one host's path rules, in the order ALB
// must try them so that its first match is Kubernetes' choice: the rules by Kubernetes'
// preference (longest first, Exact before Prefix at equal length, the spec's order last, as
// model.Route breaks ties), each written as the values that match exactly its paths. A
// value an earlier rule of the host already holds is left out: that rule takes its requests.
func pathEntries(rules []v1alpha1.PathRule, backends map[string]bool) ([]pathEntry, error) {
	ordered := slices.Clone(rules)
	slices.SortStableFunc(ordered, func(a, b v1alpha1.PathRule) int {
		switch {
		case urlpaths.Precedes(a, b):
			return -1
		case urlpaths.Precedes(b, a):
			return 1
		}
		return 0
	})
	var out []pathEntry
	seen := map[string]bool{}
	for _, r := range ordered {
		values, err := pathValues(r)
		if err != nil {
			return nil, err
		}
		if !backends[r.Backend] {
			return nil, providers.Invalid(ReasonBackendNotFound, nil, "path %s names backend %q, which spec.backends lacks", r.Path, r.Backend)
		}
		for _, v := range values {
			if !seen[v] {
				seen[v] = true
				out = append(out, pathEntry{value: v, action: Action{Backend: r.Backend}})
			}
		}
	}
	return out, nil
}

// pathValues writes one path rule as ALB path patterns. Exact /foo is /foo. Prefix /foo (or
// /foo/: Kubernetes ignores a trailing slash) is /foo and /foo/*, never /foo*, which would
// take /foobar. Prefix / is /*.
func pathValues(r v1alpha1.PathRule) ([]string, error) {
	if err := checkPath(r.Path); err != nil {
		return nil, err
	}
	var values []string
	switch r.PathType {
	case v1alpha1.PathTypeExact:
		values = []string{r.Path}
	case v1alpha1.PathTypePrefix:
		base := strings.TrimSuffix(r.Path, "/")
		if base == "" {
			values = []string{"/*"}
		} else {
			values = []string{base, base + "/*"}
		}
	default:
		return nil, providers.Invalid(ReasonPathInvalid, nil, "path %s has type %q, not Exact or Prefix", r.Path, r.PathType)
	}
	for _, v := range values {
		if len(v) > maxValueLength {
			return nil, providers.Invalid(ReasonPathInvalid, nil,
				"path %s needs the path pattern %s, longer than the %d characters AWS takes", r.Path, v, maxValueLength)
		}
	}
	return values, nil
}

// checkPath refuses a path that ALB would read differently from Kubernetes: a wildcard,
// which would widen the match (the API forbids them; this guards against a change there), a
// character AWS refuses in a path pattern, or a segment that is empty, "." or "..", which no
// normalized request path has.
func checkPath(path string) error {
	if !strings.HasPrefix(path, "/") {
		return providers.Invalid(ReasonPathInvalid, nil, "path %q does not start with /", path)
	}
	if i := strings.IndexAny(path, "*?"); i >= 0 {
		return providers.Invalid(ReasonPathInvalid, nil,
			"path %q holds %q, a wildcard in an ALB path pattern that would match more than the path", path, path[i])
	}
	for _, c := range path {
		if !pathChar(c) {
			return providers.Invalid(ReasonPathInvalid, nil,
				"path %q holds %q, which AWS refuses in a path pattern (it takes letters, digits and _-.$/~\"'@:+&)", path, c)
		}
	}
	for _, seg := range strings.Split(strings.TrimSuffix(path[1:], "/"), "/") {
		if (seg == "" && path != "/") || seg == "." || seg == ".." {
			return providers.Invalid(ReasonPathInvalid, nil, "path %q has an empty, . or .. segment", path)
		}
	}
	return nil
}

// pathChar reports whether AWS takes c in a path pattern, wildcards aside (PathPatternConditionConfig:
// A-Z, a-z, 0-9, _ - . $ / ~ " ' @ : + and &).
func pathChar(c rune) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.ContainsRune(`_-.$/~"'@:+&`, c)
}
