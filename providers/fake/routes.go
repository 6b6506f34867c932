package fake

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/urlpaths"
)

// anyHost is the URL map host that matches every host: a rule without host.
const anyHost = "*"

// urlMapFor translates the spec's route table into a URL map with the same meaning under
// Kubernetes semantics. services maps each backend name to its backend service.
//
// Kubernetes paths do not map one to one onto URL map paths: Prefix "/foo" becomes the exact
// path "/foo" and the wildcard "/foo/*" (never matching "/foobar"), and Prefix "/" becomes
// "/*". Where several Kubernetes rules yield one URL map path, the rule Kubernetes prefers
// for the requests that path covers claims it: the longer rule path, then Exact over Prefix,
// then the first. A host's unmatched paths go to the default backend, never to another host
// rule, as in Kubernetes.
//
// Hosts differ too: Kubernetes' "*.foo.com" covers exactly one label, Google's any number.
// A wildcard host's matcher therefore uses route rules: its own paths only for a Host of one
// label (a header match on host), and, for deeper names, the paths of the rules without
// host, where Kubernetes sends them (see wildcardMatcher).
func urlMapFor(spec *v1alpha1.LoadBalancerSpec, services map[string]string) (URLMapSpec, error) {
	service := func(backend string) (string, error) {
		if backend == "" {
			return "", nil
		}
		if s, ok := services[backend]; ok {
			return s, nil
		}
		return "", providers.Invalid("BackendNotFound", nil, "a rule names backend %q, which spec.backends lacks", backend)
	}
	def, err := service(spec.DefaultBackend)
	if err != nil {
		return URLMapSpec{}, err
	}
	byHost := map[string][]v1alpha1.PathRule{}
	for _, r := range spec.Rules {
		host := string(r.Host)
		if host == "" {
			host = anyHost
		}
		byHost[host] = append(byHost[host], r.Paths...)
	}
	hosts := make([]string, 0, len(byHost))
	for h := range byHost {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)

	rulesOf := func(host string) ([]PathRule, error) {
		claims, err := urlpaths.ClaimPaths(byHost[host])
		if err != nil {
			return nil, err
		}
		var out []PathRule
		for _, c := range claims {
			svc, err := service(c.Backend)
			if err != nil {
				return nil, err
			}
			out = append(out, PathRule{Paths: c.Paths, Service: svc})
		}
		return out, nil
	}
	anyHostRules, err := rulesOf(anyHost)
	if err != nil {
		return URLMapSpec{}, err
	}
	um := URLMapSpec{DefaultService: def}
	for i, host := range hosts {
		m := PathMatcher{Name: fmt.Sprintf("host%d", i+1), DefaultService: def}
		rules, err := rulesOf(host)
		if err != nil {
			return URLMapSpec{}, err
		}
		if suffix, ok := strings.CutPrefix(host, "*."); ok {
			m.RouteRules = wildcardRoutes(suffix, rules, anyHostRules)
		} else {
			m.PathRules = rules
		}
		um.HostRules = append(um.HostRules, HostRule{Hosts: []string{host}, PathMatcher: m.Name})
		um.PathMatchers = append(um.PathMatchers, m)
	}
	return um, nil
}

// wildcardRoutes bridges a Kubernetes wildcard host "*.suffix" onto Google's, which covers
// any number of labels: first the host's own paths, for a Host of exactly one label more
// than suffix (port allowed); then the paths of the rules without host, for every deeper
// name; what matches neither goes to the default service, as in Kubernetes.
func wildcardRoutes(suffix string, own, anyHost []PathRule) []RouteRule {
	oneLabel := `(?i)^[^.]+\.` + regexp.QuoteMeta(suffix) + `\.?(:[0-9]+)?$`
	var out []RouteRule
	add := func(rules []PathRule, invert bool) {
		for _, pr := range byPrecedence(rules) {
			out = append(out, RouteRule{
				Priority: int32(len(out) + 1),
				MatchRules: []MatchRule{{
					PrefixMatch: pr.prefix, FullPathMatch: pr.full,
					HeaderMatches: []HeaderMatch{{HeaderName: "host", RegexMatch: oneLabel, InvertMatch: invert}},
				}},
				Service: pr.service,
			})
		}
	}
	add(own, false)
	add(anyHost, true)
	return out
}

// routePath is one URL map path as a route rule matches it.
type routePath struct{ full, prefix, service string }

// byPrecedence orders the paths of path rules as Google's path rules rank them, so that
// route rules tried in order agree: every exact path first, then the prefixes, longest first.
func byPrecedence(rules []PathRule) []routePath {
	var out []routePath
	for _, r := range rules {
		for _, p := range r.Paths {
			if base, ok := strings.CutSuffix(p, "*"); ok {
				out = append(out, routePath{prefix: base, service: r.Service})
			} else {
				out = append(out, routePath{full: p, service: r.Service})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b routePath) int {
		if (a.full == "") != (b.full == "") {
			if a.full != "" {
				return -1
			}
			return 1
		}
		if c := len(b.prefix) - len(a.prefix); c != 0 {
			return c
		}
		return strings.Compare(a.full+a.prefix, b.full+b.prefix)
	})
	return out
}
