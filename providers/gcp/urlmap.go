package gcp

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/urlpaths"
)

// anyHost is the host rule that matches every host: the Kubernetes rules without host.
const anyHost = "*"

// addURLMap adds the URL map of the route table; services maps each backend to its backend
// service.
//
// Kubernetes paths do not map one to one onto Google's: Prefix "/foo" becomes the exact path
// "/foo" and the wildcard "/foo/*" (never matching "/foobar"), Prefix "/" becomes "/*".
// Where several Kubernetes rules yield one Google path, the rule Kubernetes prefers for the
// requests that path covers claims it: the longer path, then Exact over Prefix, then the
// first. A host's unmatched paths go to the default backend (the matcher's default), never
// to another host rule, as in Kubernetes; without a default backend, they get a 404.
func (b *builder) addURLMap(services map[string]string) (plan.Key, error) {
	t := urlMapTranslation{b: b, services: services}
	def, err := t.defaults()
	if err != nil {
		return plan.Key{}, err
	}
	name := b.name(KindURLMap)
	um := &computepb.UrlMap{Name: proto.String(name), Description: proto.String(b.description)}
	def.setOnMap(um)
	byHost, hosts := hostsOf(b.want.Spec.Rules)
	anyHostRules, err := t.pathRules(byHost[anyHost])
	if err != nil {
		return plan.Key{}, err
	}
	for i, host := range hosts {
		pm := &computepb.PathMatcher{Name: proto.String(fmt.Sprintf("host%d", i+1))}
		def.setOnMatcher(pm)
		rules, err := t.pathRules(byHost[host])
		if err != nil {
			return plan.Key{}, err
		}
		if suffix, ok := strings.CutPrefix(host, "*."); ok {
			pm.RouteRules = wildcardRoutes(suffix, rules, anyHostRules)
		} else {
			pm.PathRules = rules
		}
		um.HostRules = append(um.HostRules, &computepb.HostRule{Hosts: []string{host}, PathMatcher: pm.Name})
		um.PathMatchers = append(um.PathMatchers, pm)
	}
	return b.add(KindURLMap, name, summarize(um), um, t.refs...), nil
}

// urlMapTranslation resolves backends to backend services and remembers which it used.
type urlMapTranslation struct {
	b        *builder
	services map[string]string
	refs     []plan.Key
}

// service returns the URL of a backend's backend service.
func (t *urlMapTranslation) service(backend string) (string, error) {
	s, ok := t.services[backend]
	if !ok {
		return "", providers.Invalid("BackendNotFound", nil, "a rule names backend %q, which spec.backends lacks", backend)
	}
	k := plan.Key{Kind: KindBackendService, Name: s}
	if !slices.Contains(t.refs, k) {
		t.refs = append(t.refs, k)
	}
	return t.b.global(KindBackendService, s), nil
}

// fallback is where unmatched requests go: the default backend's service, or a 404.
type fallback struct{ service string }

func (t *urlMapTranslation) defaults() (fallback, error) {
	if t.b.want.Spec.DefaultBackend == "" {
		return fallback{}, nil
	}
	s, err := t.service(t.b.want.Spec.DefaultBackend)
	return fallback{service: s}, err
}

// notFound answers 404 to every request: a URL map needs a default, and Kubernetes has none
// when no default backend is set.
func notFound() *computepb.HttpRouteAction {
	return &computepb.HttpRouteAction{FaultInjectionPolicy: &computepb.HttpFaultInjection{
		Abort: &computepb.HttpFaultAbort{HttpStatus: proto.Uint32(404), Percentage: proto.Float64(100)},
	}}
}

func (f fallback) setOnMap(um *computepb.UrlMap) {
	if f.service != "" {
		um.DefaultService = proto.String(f.service)
	} else {
		um.DefaultRouteAction = notFound()
	}
}

func (f fallback) setOnMatcher(pm *computepb.PathMatcher) {
	if f.service != "" {
		pm.DefaultService = proto.String(f.service)
	} else {
		pm.DefaultRouteAction = notFound()
	}
}

// hostsOf groups the path rules by host ("*" for the rules without host) and returns the
// hosts sorted.
func hostsOf(rules []v1alpha1.HostRule) (map[string][]v1alpha1.PathRule, []string) {
	byHost := map[string][]v1alpha1.PathRule{}
	for _, r := range rules {
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
	return byHost, hosts
}

// pathRules returns the Google path rules of one host's Kubernetes rules.
func (t *urlMapTranslation) pathRules(rules []v1alpha1.PathRule) ([]*computepb.PathRule, error) {
	claims, err := urlpaths.ClaimPaths(rules)
	if err != nil {
		return nil, err
	}
	var out []*computepb.PathRule
	for _, c := range claims {
		svc, err := t.service(c.Backend)
		if err != nil {
			return nil, err
		}
		out = append(out, &computepb.PathRule{Paths: c.Paths, Service: proto.String(svc)})
	}
	return out, nil
}

func summarize(um *computepb.UrlMap) string {
	paths := 0
	for _, m := range um.PathMatchers {
		for _, r := range m.PathRules {
			paths += len(r.Paths)
		}
		paths += len(m.RouteRules)
	}
	def := "404"
	if um.DefaultService != nil {
		def = relative(um.GetDefaultService())
	}
	return fmt.Sprintf("%d host rule(s), %d path(s), default %s", len(um.HostRules), paths, def)
}
