package nginxfallback

import (
	"fmt"
	"sort"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// location is one nginx location: an exact match ("location = /foo") or a prefix match
// ("location /foo/"). backend "" answers 404.
type location struct {
	exact   bool
	path    string
	backend string
}

// Priorities of the rules that made a location, for two rules that make the same one.
const (
	fromFallback = iota // the default backend, or a location that stops a redirect
	fromPrefix
	fromExact
)

// locationsOf translates the Kubernetes path rules of one host into nginx locations that
// choose exactly what the Kubernetes semantics choose:
//
//   - Exact /foo is "location = /foo";
//   - Prefix /foo (or /foo/) is "location = /foo" and "location /foo/": it matches /foo and
//     /foo/x, never /foobar; Prefix / is "location /";
//   - nginx takes an exact location before any prefix one, and the longest prefix location,
//     which is the longest Kubernetes match; at equal length an Exact rule wins over the
//     Prefix one, and between two rules of one type the first, as the reference router does;
//   - "location /" takes what no rule matches: the default backend, else 404.
//
// nginx answers a request for /foo with a 301 to /foo/ when only a location /foo/ (exact or
// prefix) would take it; an exact location for /foo, routed as Kubernetes routes /foo,
// stops that redirect.
func locationsOf(paths []v1alpha1.PathRule, fallback string) []location {
	type entry struct {
		backend  string
		priority int
	}
	table := map[location]entry{}
	add := func(exact bool, path, backend string, priority int) {
		key := location{exact: exact, path: path}
		if e, ok := table[key]; !ok || e.priority < priority {
			table[key] = entry{backend: backend, priority: priority}
		}
	}
	for _, p := range paths {
		trimmed := strings.TrimSuffix(p.Path, "/")
		switch {
		case p.PathType == v1alpha1.PathTypeExact:
			add(true, p.Path, p.Backend, fromExact)
		case trimmed == "":
			add(false, "/", p.Backend, fromPrefix)
		default:
			add(true, trimmed, p.Backend, fromPrefix)
			add(false, trimmed+"/", p.Backend, fromPrefix)
		}
	}
	add(false, "/", fallback, fromFallback)
	for key := range table {
		trimmed := strings.TrimSuffix(key.path, "/")
		if trimmed != key.path && trimmed != "" {
			backend, ok := route(paths, trimmed)
			if !ok {
				backend = fallback
			}
			add(true, trimmed, backend, fromFallback)
		}
	}
	out := make([]location, 0, len(table))
	for key, e := range table {
		key.backend = e.backend
		out = append(out, key)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].path != out[j].path {
			return out[i].path < out[j].path
		}
		return out[i].exact && !out[j].exact
	})
	return out
}

// route is the Kubernetes choice among one host's path rules for a clean request path: the
// longest match, Exact over Prefix at equal length, else the first.
func route(paths []v1alpha1.PathRule, path string) (string, bool) {
	var best *v1alpha1.PathRule
	length := func(p *v1alpha1.PathRule) int {
		if p.PathType == v1alpha1.PathTypePrefix {
			return len(strings.TrimSuffix(p.Path, "/"))
		}
		return len(p.Path)
	}
	for i := range paths {
		p := &paths[i]
		if !matches(p, path) {
			continue
		}
		if best == nil || length(p) > length(best) ||
			length(p) == length(best) && p.PathType == v1alpha1.PathTypeExact && best.PathType != v1alpha1.PathTypeExact {
			best = p
		}
	}
	if best == nil {
		return "", false
	}
	return best.Backend, true
}

func matches(p *v1alpha1.PathRule, path string) bool {
	if p.PathType == v1alpha1.PathTypeExact {
		return p.Path == path
	}
	rule := strings.TrimSuffix(p.Path, "/")
	return rule == "" || path == rule || strings.HasPrefix(path, rule+"/")
}

// renderLocation renders one location of a LoadBalancer; encoded renders the internal copy
// of a prefix location that takes the requests with an encoded slash (encoded.go).
func renderLocation(c *conf, lb *LoadBalancer, loc location, encoded bool) error {
	p := loc.path
	if encoded {
		p = encodedSlashPrefix + p
	}
	path, err := quote(p)
	if err != nil {
		return err
	}
	args := []string{path}
	if loc.exact {
		args = []string{"=", path}
	}
	body, err := backendDirectives(lb, loc.backend)
	if err != nil {
		return err
	}
	if encoded {
		body = encodedSlashCopy(body)
	}
	c.block("location", args, func() {
		for _, d := range body {
			c.directive(d[0], d[1:]...)
		}
	})
	return nil
}

// backendDirectives are the directives that send a request to a backend: a proxy_pass with
// the backend's timeouts, a 503 when it has no ready target, a 404 for no backend.
func backendDirectives(lb *LoadBalancer, backend string) ([][]string, error) {
	if backend == "" {
		return [][]string{{"return", "404"}}, nil
	}
	be := findBackend(&lb.Spec, backend)
	if be == nil {
		return nil, fmt.Errorf("backend %s is not listed in spec.backends", shown(backend))
	}
	if len(lb.Targets[backend]) == 0 {
		return [][]string{{"return", "503"}}, nil
	}
	if err := checkTimeout(be.TimeoutSeconds); err != nil {
		return nil, fmt.Errorf("backend %s: %w", shown(backend), err)
	}
	out := [][]string{{"proxy_pass", upstreamScheme(be.Protocol) + upstreamName(lb.Name, backend)}}
	if be.TimeoutSeconds > 0 {
		t := fmt.Sprintf("%ds", be.TimeoutSeconds)
		out = append(out, []string{"proxy_read_timeout", t}, []string{"proxy_send_timeout", t})
	}
	return out, nil
}

// upstreamScheme is how nginx speaks to a backend's pods: TLS for HTTPS, without checking
// their certificate, as the cloud load balancers do; HTTP/1.1 otherwise, also for HTTP2 and
// GRPC, which nginx does not proxy yet (docs/annotations.md says so).
func upstreamScheme(protocol string) string {
	if protocol == v1alpha1.ProtocolHTTPS {
		return "https://"
	}
	return "http://"
}
