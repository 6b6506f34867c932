package gcptest

import (
	"net"
	"regexp"
	"sort"
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
)

// Route evaluates the URL map named urlMapName in the server's project the
// way Google documents it, and returns the name of the backend service that
// a request for host and path reaches. ok is false when the URL map does not
// exist or the request reaches something other than one backend service (a
// redirect, a weighted split).
func (s *Server) Route(urlMapName, host, path string) (backendService string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, found := s.project(s.opts.Project).lookup(urlMaps, "", urlMapName)
	if !found {
		return "", false
	}
	return serviceName(evaluate(m.(*computepb.UrlMap), host, path))
}

// target is where a request goes: a backend service URL, or nothing when a
// redirect or route action answers it.
type target struct {
	service string
	set     bool
}

func serviceName(t target) (string, bool) {
	if !t.set || t.service == "" {
		return "", false
	}
	r, ok := parseRef(t.service, "")
	if !ok {
		return t.service, true
	}
	return r.name, true
}

// evaluate: the host picks a path matcher (exact host, then the longest
// wildcard, else the URL map's default); the matcher picks the service.
func evaluate(u *computepb.UrlMap, host, path string) target {
	host = normalizeHost(host)
	if pm := pathMatcherFor(u, host); pm != nil {
		return matchPath(pm, host, path)
	}
	return target{service: u.GetDefaultService(), set: u.DefaultService != nil}
}

func normalizeHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ToLower(host)
}

// pathMatcherFor finds the host rule for host. A wildcard "*.foo.com"
// matches any host ending in ".foo.com", whatever the number of labels, and
// the longest wildcard wins; "*" matches every host.
func pathMatcherFor(u *computepb.UrlMap, host string) *computepb.PathMatcher {
	best, bestLen := "", -1
	for _, hr := range u.HostRules {
		for _, h := range hr.Hosts {
			h = strings.ToLower(h)
			switch {
			case h == host:
				return matcherNamed(u, hr.GetPathMatcher())
			case h == "*" && bestLen < 0:
				best, bestLen = hr.GetPathMatcher(), 0
			case strings.HasPrefix(h, "*") && strings.HasSuffix(host, h[1:]) && len(h) > bestLen:
				best, bestLen = hr.GetPathMatcher(), len(h)
			}
		}
	}
	if bestLen < 0 {
		return nil
	}
	return matcherNamed(u, best)
}

func matcherNamed(u *computepb.UrlMap, name string) *computepb.PathMatcher {
	for _, pm := range u.PathMatchers {
		if pm.GetName() == name {
			return pm
		}
	}
	return nil
}

// matchPath: route rules by priority, else the longest path rule, else the
// matcher's own default service (not the URL map's).
func matchPath(pm *computepb.PathMatcher, host, path string) target {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if len(pm.RouteRules) > 0 {
		if rr := matchRouteRule(pm.RouteRules, host, path); rr != nil {
			return target{service: rr.GetService(), set: rr.Service != nil}
		}
	} else if pr := longestPathRule(pm.PathRules, path); pr != nil {
		return target{service: pr.GetService(), set: pr.Service != nil}
	}
	return target{service: pm.GetDefaultService(), set: pm.DefaultService != nil}
}

// longestPathRule: a path ending in "/*" matches every path it prefixes
// (without the "*"); other paths match exactly; the longest match wins and,
// at equal length, the exact path.
func longestPathRule(rules []*computepb.PathRule, path string) *computepb.PathRule {
	var best *computepb.PathRule
	bestLen, bestExact := -1, false
	for _, pr := range rules {
		for _, p := range pr.Paths {
			prefix, wild := strings.CutSuffix(p, "*")
			matched := (wild && strings.HasPrefix(path, prefix)) || (!wild && path == p)
			if !matched {
				continue
			}
			if len(prefix) > bestLen || (len(prefix) == bestLen && !wild && !bestExact) {
				best, bestLen, bestExact = pr, len(prefix), !wild
			}
		}
	}
	return best
}

// matchRouteRule returns the rule with the lowest priority number one of
// whose match rules matches; a rule without match rules matches everything.
func matchRouteRule(rules []*computepb.HttpRouteRule, host, path string) *computepb.HttpRouteRule {
	sorted := append([]*computepb.HttpRouteRule(nil), rules...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].GetPriority() < sorted[j].GetPriority() })
	for _, rr := range sorted {
		if len(rr.MatchRules) == 0 {
			return rr
		}
		for _, mr := range rr.MatchRules {
			if matchRule(mr, host, path) {
				return rr
			}
		}
	}
	return nil
}

// matchRule: the path condition and every header condition must hold. The
// emulator knows one header, the host (":authority" or "host").
func matchRule(mr *computepb.HttpRouteRuleMatch, host, path string) bool {
	if !pathCondition(mr, path) {
		return false
	}
	for _, hm := range mr.HeaderMatches {
		if !headerCondition(hm, host) {
			return false
		}
	}
	return true
}

func pathCondition(mr *computepb.HttpRouteRuleMatch, path string) bool {
	p := path
	if mr.GetIgnoreCase() {
		p = strings.ToLower(path)
	}
	fold := func(s string) string {
		if mr.GetIgnoreCase() {
			return strings.ToLower(s)
		}
		return s
	}
	switch {
	case mr.PrefixMatch != nil:
		return strings.HasPrefix(p, fold(mr.GetPrefixMatch()))
	case mr.FullPathMatch != nil:
		return p == fold(mr.GetFullPathMatch())
	case mr.RegexMatch != nil:
		return fullMatch(mr.GetRegexMatch(), path)
	}
	return true
}

func headerCondition(hm *computepb.HttpHeaderMatch, host string) bool {
	name := strings.ToLower(hm.GetHeaderName())
	if name != "host" && name != ":authority" {
		return false
	}
	var ok bool
	switch {
	case hm.ExactMatch != nil:
		ok = host == strings.ToLower(hm.GetExactMatch())
	case hm.RegexMatch != nil:
		ok = fullMatch(hm.GetRegexMatch(), host)
	case hm.PrefixMatch != nil:
		ok = strings.HasPrefix(host, hm.GetPrefixMatch())
	case hm.SuffixMatch != nil:
		ok = strings.HasSuffix(host, hm.GetSuffixMatch())
	case hm.PresentMatch != nil:
		ok = hm.GetPresentMatch()
	default:
		ok = true
	}
	return ok != hm.GetInvertMatch()
}

// fullMatch: Google's regexes (RE2) must match the whole value.
func fullMatch(expr, s string) bool {
	re, err := regexp.Compile("^(?:" + expr + ")$")
	return err == nil && re.MatchString(s)
}
