package model

import (
	"fmt"
	"net"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// How a request's host matched a host rule.
const (
	HostMatchExact    = "exact"
	HostMatchWildcard = "wildcard"
	HostMatchAny      = "any" // a rule without host
	HostMatchNone     = ""
)

// Decision is where the reference router sends a request, and why.
type Decision struct {
	// Status is 200 when a backend was chosen, 404 when none was.
	Status int `json:"status"`
	// Backend is the chosen entry of spec.backends, empty for a 404.
	Backend string `json:"backend,omitempty"`
	// Service is the Kubernetes Service behind the backend.
	Service *v1alpha1.ServiceRef `json:"serviceRef,omitempty"`
	// Host is the host rule that matched ("" for the rule without host); HostMatch says how.
	Host      string `json:"host"`
	HostMatch string `json:"hostMatch"`
	// Path and PathType are the path rule that matched; empty for the default backend.
	Path     string `json:"path,omitempty"`
	PathType string `json:"pathType,omitempty"`
	// Ingress owns the matched path rule, as namespace/name.
	Ingress string `json:"ingress,omitempty"`
	// DefaultBackend is true when no path rule matched and the default backend took it.
	DefaultBackend bool `json:"defaultBackend"`
	// Reason explains the decision in a sentence.
	Reason string `json:"reason"`
}

// Route returns the backend that the Kubernetes Ingress semantics choose for a request:
//
//   - the host rule: an exact host first, else a wildcard "*.foo.com" that covers exactly one
//     label, else the rule without host (hosts compare case-insensitively, without port);
//   - within that host rule only, the longest matching path, Exact over Prefix at equal
//     length; Prefix matches element by element ("/foo" matches "/foo" and "/foo/x", never
//     "/foobar"); paths are case-sensitive;
//   - else the default backend; else 404.
//
// A host that matches a host rule never falls through to a less precise rule, as in nginx and
// GCE URL maps. Providers are tested against this function.
func Route(spec *v1alpha1.LoadBalancerSpec, host, path string) Decision {
	host, path = normalizeHost(host), normalizeRequestPath(path)
	rule, match := chooseHost(spec.Rules, host)
	if rule != nil {
		if p := choosePath(rule.Paths, path); p != nil {
			d := Decision{
				Status: 200, Backend: p.Backend, Host: string(rule.Host), HostMatch: match,
				Path: p.Path, PathType: p.PathType, Ingress: p.Ingress,
			}
			d.Service = serviceOf(spec, p.Backend)
			d.Reason = fmt.Sprintf("%s; path %s matched the %s rule %s", hostReason(host, rule, match), path, p.PathType, p.Path)
			return d
		}
	}
	hostPart := "no host rule matches host " + hostText(host)
	if rule != nil {
		hostPart = hostReason(host, rule, match) + ", but no path rule of it matches " + path
	}
	if spec.DefaultBackend != "" {
		return Decision{
			Status: 200, Backend: spec.DefaultBackend, Service: serviceOf(spec, spec.DefaultBackend),
			Host: hostOf(rule), HostMatch: match, DefaultBackend: true,
			Reason: hostPart + "; the default backend takes it",
		}
	}
	return Decision{Status: 404, Host: hostOf(rule), HostMatch: match, Reason: hostPart + ", and there is no default backend"}
}

func hostOf(rule *v1alpha1.HostRule) string {
	if rule == nil {
		return ""
	}
	return string(rule.Host)
}

func hostReason(host string, rule *v1alpha1.HostRule, match string) string {
	switch match {
	case HostMatchExact:
		return fmt.Sprintf("host %s matched the rule for %s", host, rule.Host)
	case HostMatchWildcard:
		return fmt.Sprintf("host %s matched the wildcard rule %s, which covers one label", host, rule.Host)
	}
	return fmt.Sprintf("host %s has no rule of its own and matched the rule without host", hostText(host))
}

func serviceOf(spec *v1alpha1.LoadBalancerSpec, backend string) *v1alpha1.ServiceRef {
	for i := range spec.Backends {
		if spec.Backends[i].Name == backend {
			ref := spec.Backends[i].Service
			return &ref
		}
	}
	return nil
}

// normalizeHost lowercases a request host and drops its port and a trailing dot.
func normalizeHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// normalizeRequestPath puts a request path into the form the data plane matches: without
// query and fragment, percent-escapes decoded except an encoded slash (%2F stays, so it
// never splits an element), duplicate slashes merged, and "." and ".." segments resolved as
// RFC 3986 says. A client that sends "/public/../admin" reaches "/admin", and the router
// says so. An empty path is "/".
func normalizeRequestPath(path string) string {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	path = decodeExceptSlash(path)
	trailing := strings.HasSuffix(path, "/") || strings.HasSuffix(path, "/.") || strings.HasSuffix(path, "/..")
	var out []string
	for _, seg := range strings.Split(path, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	norm := "/" + strings.Join(out, "/")
	if trailing && norm != "/" {
		norm += "/"
	}
	return norm
}

// decodeExceptSlash decodes %XX escapes, leaving %2F (and invalid escapes) as they are.
func decodeExceptSlash(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v := unhex(s[i+1])<<4 | unhex(s[i+2])
			if v != '/' {
				b.WriteByte(v)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func chooseHost(rules []v1alpha1.HostRule, host string) (*v1alpha1.HostRule, string) {
	var wildcard, any *v1alpha1.HostRule
	for i := range rules {
		r := &rules[i]
		switch {
		case r.Host == "":
			any = r
		case string(r.Host) == host:
			return r, HostMatchExact
		case wildcardMatches(string(r.Host), host):
			wildcard = r
		}
	}
	if wildcard != nil {
		return wildcard, HostMatchWildcard
	}
	if any != nil {
		return any, HostMatchAny
	}
	return nil, HostMatchNone
}

// wildcardMatches reports whether "*.foo.com" covers host with exactly one label.
func wildcardMatches(pattern, host string) bool {
	suffix, ok := strings.CutPrefix(pattern, "*")
	if !ok || !strings.HasSuffix(host, suffix) {
		return false
	}
	label := strings.TrimSuffix(host, suffix)
	return label != "" && !strings.Contains(label, ".")
}

// choosePath returns the longest matching path rule, Exact over Prefix at equal length.
func choosePath(paths []v1alpha1.PathRule, path string) *v1alpha1.PathRule {
	var best *v1alpha1.PathRule
	for i := range paths {
		p := &paths[i]
		if !PathMatches(p.PathType, p.Path, path) {
			continue
		}
		if best == nil || matchLength(p) > matchLength(best) ||
			matchLength(p) == matchLength(best) && p.PathType == v1alpha1.PathTypeExact && best.PathType != v1alpha1.PathTypeExact {
			best = p
		}
	}
	return best
}

// matchLength is the length a rule competes with: a Prefix rule's trailing slash is ignored.
func matchLength(p *v1alpha1.PathRule) int {
	if p.PathType == v1alpha1.PathTypePrefix && p.Path != "/" {
		return len(strings.TrimSuffix(p.Path, "/"))
	}
	return len(p.Path)
}

// PathMatches reports whether a path rule matches a request path. A Prefix rule matches
// element by element and ignores a trailing slash on either side.
func PathMatches(pathType, rule, path string) bool {
	if pathType == v1alpha1.PathTypeExact {
		return path == rule
	}
	rule = strings.TrimSuffix(rule, "/")
	if rule == "" {
		return true // "/" matches every path
	}
	return path == rule || strings.HasPrefix(path, rule+"/")
}
