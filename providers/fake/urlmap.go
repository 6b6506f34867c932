package fake

import (
	"fmt"
	"net"
	"strings"
)

// URLMapSpec routes requests to backend services, the way a GCE URL map does: a host rule
// picks a path matcher, whose route rules or path rules pick a service.
//
// Matching follows Google's rules, not Kubernetes': a host matches a host rule that lists it
// exactly, else the one whose "*.suffix" is the longest suffix of it (covering ANY number of
// labels: "*.foo.com" matches a.b.foo.com), else the rule with host "*". In a matcher with
// route rules, the rule of lowest priority number whose match rule matches wins (a match
// rule: a full path or a prefix, and every header match). Otherwise a path matches a path
// rule that lists it exactly, else the longest "/prefix/*" it starts with ("/*" matches
// every path). A host that matched falls back to its matcher's default service, any other to
// the map's; an empty service means 404.
type URLMapSpec struct {
	DefaultService string        `json:"defaultService,omitempty"`
	HostRules      []HostRule    `json:"hostRules,omitempty"`
	PathMatchers   []PathMatcher `json:"pathMatchers,omitempty"`
	// HTTPSRedirect answers every request with a redirect to HTTPS instead of routing.
	HTTPSRedirect bool `json:"httpsRedirect,omitempty"`
}

// HostRule sends the listed hosts to a path matcher.
type HostRule struct {
	Hosts       []string `json:"hosts"`
	PathMatcher string   `json:"pathMatcher"`
}

// PathMatcher holds the path rules, or the route rules, of some hosts: GCE allows one kind
// per matcher.
type PathMatcher struct {
	Name           string      `json:"name"`
	DefaultService string      `json:"defaultService,omitempty"`
	PathRules      []PathRule  `json:"pathRules,omitempty"`
	RouteRules     []RouteRule `json:"routeRules,omitempty"`
}

// RouteRule sends the requests that any of its match rules matches to a service; rules are
// tried by ascending priority, which is unique in a matcher.
type RouteRule struct {
	Priority   int32       `json:"priority"`
	MatchRules []MatchRule `json:"matchRules"`
	Service    string      `json:"service"`
}

// MatchRule matches a request: a full path or a path prefix (exactly one), and every header
// match.
type MatchRule struct {
	PrefixMatch   string        `json:"prefixMatch,omitempty"`
	FullPathMatch string        `json:"fullPathMatch,omitempty"`
	HeaderMatches []HeaderMatch `json:"headerMatches,omitempty"`
}

// HeaderMatch matches a header's value with an RE2 regular expression over the whole value;
// InvertMatch negates it. The header "host" is the request's Host, port included.
type HeaderMatch struct {
	HeaderName  string `json:"headerName"`
	RegexMatch  string `json:"regexMatch"`
	InvertMatch bool   `json:"invertMatch,omitempty"`
}

// PathRule sends the listed paths ("/a/b" exactly, or "/a/*" for everything under "/a/")
// to a service.
type PathRule struct {
	Paths   []string `json:"paths"`
	Service string   `json:"service"`
}

// Kind implements Spec.
func (URLMapSpec) Kind() string { return KindURLMap }

// References implements Spec.
func (s URLMapSpec) References() []Key {
	var refs []Key
	seen := map[string]bool{}
	add := func(svc string) {
		if svc != "" && !seen[svc] {
			seen[svc] = true
			refs = append(refs, Key{KindBackendService, svc})
		}
	}
	add(s.DefaultService)
	for _, m := range s.PathMatchers {
		add(m.DefaultService)
		for _, r := range m.PathRules {
			add(r.Service)
		}
		for _, r := range m.RouteRules {
			add(r.Service)
		}
	}
	return refs
}

// Summary implements Spec.
func (s URLMapSpec) Summary() string {
	if s.HTTPSRedirect {
		return "redirects every request to HTTPS"
	}
	paths := 0
	for _, m := range s.PathMatchers {
		for _, r := range m.PathRules {
			paths += len(r.Paths)
		}
		for _, r := range m.RouteRules {
			paths += len(r.MatchRules)
		}
	}
	def := "404"
	if s.DefaultService != "" {
		def = s.DefaultService
	}
	return fmt.Sprintf("%d host rule(s), %d path(s), default %s", len(s.HostRules), paths, def)
}

func (s URLMapSpec) clone() Spec {
	s.HostRules = cloneSlice(s.HostRules)
	for i := range s.HostRules {
		s.HostRules[i].Hosts = cloneSlice(s.HostRules[i].Hosts)
	}
	s.PathMatchers = cloneSlice(s.PathMatchers)
	for i := range s.PathMatchers {
		m := &s.PathMatchers[i]
		m.PathRules = cloneSlice(m.PathRules)
		for j := range m.PathRules {
			m.PathRules[j].Paths = cloneSlice(m.PathRules[j].Paths)
		}
		m.RouteRules = cloneSlice(m.RouteRules)
		for j := range m.RouteRules {
			r := &m.RouteRules[j]
			r.MatchRules = cloneSlice(r.MatchRules)
			for k := range r.MatchRules {
				r.MatchRules[k].HeaderMatches = cloneSlice(r.MatchRules[k].HeaderMatches)
			}
		}
	}
	return s
}

// validate applies GCE's rules: a host belongs to one host rule, a matcher exists once and
// is used, a path appears once per matcher, and "*" only ends a path as "/*".
func (s URLMapSpec) validate() error {
	matchers := map[string]bool{}
	for _, m := range s.PathMatchers {
		if matchers[m.Name] {
			return apiError(CodeInvalid, "", "path matcher %q is defined twice", m.Name)
		}
		matchers[m.Name] = true
		if err := m.validateRouteRules(); err != nil {
			return err
		}
		paths := map[string]bool{}
		for _, r := range m.PathRules {
			for _, p := range r.Paths {
				if !validPath(p) {
					return apiError(CodeInvalid, "", "invalid path %q in path matcher %q", p, m.Name)
				}
				if paths[p] {
					return apiError(CodeInvalid, "", "path %q appears twice in path matcher %q", p, m.Name)
				}
				paths[p] = true
			}
		}
	}
	hosts := map[string]bool{}
	for _, h := range s.HostRules {
		if !matchers[h.PathMatcher] {
			return apiError(CodeInvalid, "", "host rule names path matcher %q, which does not exist", h.PathMatcher)
		}
		for _, host := range h.Hosts {
			if hosts[host] {
				return apiError(CodeInvalid, "", "host %q appears in two host rules", host)
			}
			hosts[host] = true
		}
	}
	return nil
}

func validPath(p string) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	i := strings.Index(p, "*")
	return i < 0 || i == len(p)-1 && strings.HasSuffix(p, "/*")
}

// Route returns the backend service that the URL map chooses for a request, and false for a
// 404 or a redirect.
func (s URLMapSpec) Route(host, path string) (string, bool) {
	if s.HTTPSRedirect {
		return "", false
	}
	rawHost := strings.ToLower(host)
	host, path = normalizeHost(host), normalizePath(path)
	m := s.matcherFor(host)
	if m == nil {
		return s.DefaultService, s.DefaultService != ""
	}
	if len(m.RouteRules) > 0 {
		if svc, ok := m.matchRoute(rawHost, path); ok {
			return svc, true
		}
	} else if svc, ok := m.match(path); ok {
		return svc, true
	}
	return m.DefaultService, m.DefaultService != ""
}

// matcherFor picks the matcher of a host as Google does: the exact host, else the longest
// wildcard suffix, else "*".
func (s URLMapSpec) matcherFor(host string) *PathMatcher {
	var name, wildcard, any string
	longest := 0
	for _, h := range s.HostRules {
		for _, pattern := range h.Hosts {
			switch {
			case pattern == host:
				name = h.PathMatcher
			case pattern == "*":
				any = h.PathMatcher
			case coversAnyLabels(pattern, host) && len(pattern) > longest:
				wildcard, longest = h.PathMatcher, len(pattern)
			}
		}
	}
	for _, n := range []string{name, wildcard, any} {
		for i := range s.PathMatchers {
			if n != "" && s.PathMatchers[i].Name == n {
				return &s.PathMatchers[i]
			}
		}
	}
	return nil
}

// coversAnyLabels reports whether "*.foo.com" covers host, as Google's URL map does: with
// one label or more (a.foo.com and a.b.foo.com alike).
func coversAnyLabels(pattern, host string) bool {
	suffix, ok := strings.CutPrefix(pattern, "*")
	if !ok || !strings.HasPrefix(suffix, ".") {
		return false
	}
	labels, ok := strings.CutSuffix(host, suffix)
	return ok && labels != ""
}

// match returns the service of the exact path, else of the longest "/prefix/*" path.
func (m *PathMatcher) match(path string) (string, bool) {
	best, bestLen := "", -1
	for _, r := range m.PathRules {
		for _, p := range r.Paths {
			if p == path {
				return r.Service, true
			}
			if prefix, ok := strings.CutSuffix(p, "*"); ok && strings.HasPrefix(path, prefix) && len(prefix) > bestLen {
				best, bestLen = r.Service, len(prefix)
			}
		}
	}
	return best, bestLen >= 0
}

// normalizeHost lowercases a request host and drops its port and a trailing dot.
func normalizeHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// normalizePath drops the query and fragment; an empty path is "/".
func normalizePath(path string) string {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return path
}

// RouteURLMap evaluates the URL map of that name in the cloud for a request and returns the
// backend service it chooses; ok is false for a 404, a redirect or a missing URL map. It
// records no call.
func RouteURLMap(c *Cloud, urlMap, host, path string) (backendService string, ok bool) {
	r, found := c.Lookup(KindURLMap, urlMap)
	if !found {
		return "", false
	}
	return r.Spec.(URLMapSpec).Route(host, path)
}
