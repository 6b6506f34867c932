package fake

import (
	"regexp"
	"slices"
	"strings"
)

// maxRouteRules is GCE's limit of route rules per path matcher.
const maxRouteRules = 200

// validateRouteRules applies GCE's rules: route rules or path rules, not both; a priority
// once per matcher; each match rule a full path or a prefix, starting with "/"; each regular
// expression valid RE2.
func (m PathMatcher) validateRouteRules() error {
	if len(m.RouteRules) == 0 {
		return nil
	}
	if len(m.PathRules) > 0 {
		return apiError(CodeInvalid, "", "path matcher %q has both path rules and route rules", m.Name)
	}
	if len(m.RouteRules) > maxRouteRules {
		return apiError(CodeInvalid, "", "path matcher %q has %d route rules, more than %d", m.Name, len(m.RouteRules), maxRouteRules)
	}
	seen := map[int32]bool{}
	for _, r := range m.RouteRules {
		if r.Priority < 0 || seen[r.Priority] {
			return apiError(CodeInvalid, "", "path matcher %q: priority %d is negative or used twice", m.Name, r.Priority)
		}
		seen[r.Priority] = true
		for _, mr := range r.MatchRules {
			if (mr.PrefixMatch == "") == (mr.FullPathMatch == "") || !strings.HasPrefix(mr.PrefixMatch+mr.FullPathMatch, "/") {
				return apiError(CodeInvalid, "", "path matcher %q: a match rule needs one prefixMatch or fullPathMatch starting with /", m.Name)
			}
			for _, h := range mr.HeaderMatches {
				if _, err := regexp.Compile(h.RegexMatch); err != nil || h.HeaderName == "" {
					return apiError(CodeInvalid, "", "path matcher %q: invalid header match on %q", m.Name, h.HeaderName)
				}
			}
		}
	}
	return nil
}

// matchRoute returns the service of the route rule of lowest priority that matches.
func (m *PathMatcher) matchRoute(host, path string) (string, bool) {
	rules := slices.Clone(m.RouteRules)
	slices.SortFunc(rules, func(a, b RouteRule) int { return int(a.Priority) - int(b.Priority) })
	for _, r := range rules {
		for _, mr := range r.MatchRules {
			if mr.matches(host, path) {
				return r.Service, r.Service != ""
			}
		}
	}
	return "", false
}

func (mr MatchRule) matches(host, path string) bool {
	switch {
	case mr.FullPathMatch != "" && path != mr.FullPathMatch:
		return false
	case mr.PrefixMatch != "" && !strings.HasPrefix(path, mr.PrefixMatch):
		return false
	}
	for _, h := range mr.HeaderMatches {
		value := ""
		if strings.EqualFold(h.HeaderName, "host") {
			value = host
		}
		re, err := regexp.Compile("^(?:" + h.RegexMatch + ")$")
		if err != nil || re.MatchString(value) == h.InvertMatch {
			return false
		}
	}
	return true
}
