package fake

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
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

	um := URLMapSpec{DefaultService: def}
	for i, host := range hosts {
		m := PathMatcher{Name: fmt.Sprintf("host%d", i+1), DefaultService: def}
		claims, err := claimPaths(byHost[host])
		if err != nil {
			return URLMapSpec{}, err
		}
		for _, c := range claims {
			svc, err := service(c.backend)
			if err != nil {
				return URLMapSpec{}, err
			}
			m.PathRules = append(m.PathRules, PathRule{Paths: c.paths, Service: svc})
		}
		um.HostRules = append(um.HostRules, HostRule{Hosts: []string{host}, PathMatcher: m.Name})
		um.PathMatchers = append(um.PathMatchers, m)
	}
	return um, nil
}

// claim is the URL map paths one Kubernetes rule wins.
type claim struct {
	backend string
	paths   []string
}

// claimPaths returns, for each rule in order that wins any URL map path, the paths it wins.
func claimPaths(rules []v1alpha1.PathRule) ([]claim, error) {
	winner := map[string]int{} // URL map path -> index of the winning rule
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
