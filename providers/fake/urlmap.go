package fake

import (
	"fmt"
	"net"
	"strings"
)

// URLMapSpec routes requests to backend services, the way a GCE URL map does: a host rule
// picks a path matcher, whose path rules pick a service.
//
// Matching in the fake: a host matches a host rule that lists it exactly, else one whose
// "*.suffix" covers it with exactly one label, else the rule with host "*". A path matches a
// path rule that lists it exactly, else the longest "/prefix/*" it starts with ("/*" matches
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

// PathMatcher holds the path rules of some hosts.
type PathMatcher struct {
	Name           string     `json:"name"`
	DefaultService string     `json:"defaultService,omitempty"`
	PathRules      []PathRule `json:"pathRules,omitempty"`
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
	host, path = normalizeHost(host), normalizePath(path)
	m := s.matcherFor(host)
	if m == nil {
		return s.DefaultService, s.DefaultService != ""
	}
	if svc, ok := m.match(path); ok {
		return svc, true
	}
	return m.DefaultService, m.DefaultService != ""
}

func (s URLMapSpec) matcherFor(host string) *PathMatcher {
	var name, wildcard, any string
	for _, h := range s.HostRules {
		for _, pattern := range h.Hosts {
			switch {
			case pattern == host:
				name = h.PathMatcher
			case pattern == "*":
				any = h.PathMatcher
			case coversOneLabel(pattern, host):
				wildcard = h.PathMatcher
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

// coversOneLabel reports whether "*.foo.com" covers host with exactly one label.
func coversOneLabel(pattern, host string) bool {
	suffix, ok := strings.CutPrefix(pattern, "*")
	if !ok || !strings.HasPrefix(suffix, ".") {
		return false
	}
	label, ok := strings.CutSuffix(host, suffix)
	return ok && label != "" && !strings.Contains(label, ".")
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
