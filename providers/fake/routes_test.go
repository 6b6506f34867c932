package fake

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers"
)

const (
	prefix = v1alpha1.PathTypePrefix
	exact  = v1alpha1.PathTypeExact
)

// routed creates a load balancer whose rules send each path to a backend named after it and
// returns a function that routes a request through the URL map in the cloud.
func routed(t *testing.T, rules []v1alpha1.HostRule, defaultBackend string) func(host, path string) string {
	t.Helper()
	want := &providers.Desired{Ref: providers.Ref{Name: "routes"}, Spec: v1alpha1.LoadBalancerSpec{
		Frontends: v1alpha1.Frontends{HTTP: true}, Rules: rules, DefaultBackend: defaultBackend,
	}}
	seen := map[string]bool{}
	add := func(name string) {
		if name != "" && !seen[name] {
			seen[name] = true
			want.Spec.Backends = append(want.Spec.Backends, v1alpha1.Backend{Name: name, TargetType: v1alpha1.TargetTypeIP})
		}
	}
	add(defaultBackend)
	for _, r := range rules {
		for _, p := range r.Paths {
			add(p.Backend)
		}
	}
	c := NewCloud()
	p := newProvider(c)
	ensure(t, p, want)
	backendOf := map[string]string{}
	for name := range seen {
		backendOf[p.namer.Name("bs", "routes", name)] = name
	}
	return func(host, path string) string {
		svc, ok := RouteURLMap(c, p.namer.Name("um", "routes"), host, path)
		if !ok {
			return "404"
		}
		return backendOf[svc]
	}
}

// TestURLMapFollowsTheKubernetesPathTable runs the examples of the Kubernetes Ingress
// documentation's path matching table through the URL map in the cloud.
func TestURLMapFollowsTheKubernetesPathTable(t *testing.T) {
	type rule struct{ typ, path string }
	cases := []struct {
		rules []rule
		path  string
		want  string // the rule's "type path", or 404
	}{
		{[]rule{{prefix, "/"}}, "/anything/at/all", "Prefix /"},
		{[]rule{{exact, "/foo"}}, "/foo", "Exact /foo"},
		{[]rule{{exact, "/foo"}}, "/bar", "404"},
		{[]rule{{exact, "/foo"}}, "/foo/", "404"},
		{[]rule{{exact, "/foo/"}}, "/foo", "404"},
		{[]rule{{prefix, "/foo"}}, "/foo", "Prefix /foo"},
		{[]rule{{prefix, "/foo"}}, "/foo/", "Prefix /foo"},
		{[]rule{{prefix, "/foo/"}}, "/foo", "Prefix /foo/"},
		{[]rule{{prefix, "/foo/"}}, "/foo/", "Prefix /foo/"},
		{[]rule{{prefix, "/aaa/bb"}}, "/aaa/bbb", "404"},
		{[]rule{{prefix, "/aaa/bbb"}}, "/aaa/bbb", "Prefix /aaa/bbb"},
		{[]rule{{prefix, "/aaa/bbb/"}}, "/aaa/bbb", "Prefix /aaa/bbb/"},
		{[]rule{{prefix, "/aaa/bbb"}}, "/aaa/bbb/", "Prefix /aaa/bbb"},
		{[]rule{{prefix, "/aaa/bbb"}}, "/aaa/bbb/ccc", "Prefix /aaa/bbb"},
		{[]rule{{prefix, "/aaa/bbb"}}, "/aaa/bbbxyz", "404"},
		{[]rule{{prefix, "/"}, {prefix, "/aaa"}}, "/aaa/ccc", "Prefix /aaa"},
		{[]rule{{prefix, "/"}, {prefix, "/aaa"}, {prefix, "/aaa/bbb"}}, "/aaa/bbb", "Prefix /aaa/bbb"},
		{[]rule{{prefix, "/"}, {prefix, "/aaa"}, {prefix, "/aaa/bbb"}}, "/ccc", "Prefix /"},
		{[]rule{{prefix, "/aaa"}}, "/ccc", "404"},
		{[]rule{{prefix, "/foo"}, {exact, "/foo"}}, "/foo", "Exact /foo"},
		{[]rule{{prefix, "/foo"}}, "/FOO", "404"},
		{[]rule{{exact, "/foo"}}, "/foo?x=1", "Exact /foo"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%v request %s", tc.rules, tc.path), func(t *testing.T) {
			hr := v1alpha1.HostRule{}
			for _, r := range tc.rules {
				hr.Paths = append(hr.Paths, v1alpha1.PathRule{Path: r.path, PathType: r.typ, Backend: r.typ + " " + r.path})
			}
			route := routed(t, []v1alpha1.HostRule{hr}, "")
			if got := route("any.example.com", tc.path); got != tc.want {
				t.Errorf("routed to %q, want %q", got, tc.want)
			}
		})
	}
}

func TestURLMapHostSemantics(t *testing.T) {
	all := []v1alpha1.PathRule{{Path: "/", PathType: prefix}}
	with := func(backend string) []v1alpha1.PathRule {
		return []v1alpha1.PathRule{{Path: all[0].Path, PathType: prefix, Backend: backend}}
	}
	route := routed(t, []v1alpha1.HostRule{
		{Host: "*.foo.com", Paths: with("wildcard")},
		{Host: "exact.foo.com", Paths: []v1alpha1.PathRule{{Path: "/only", PathType: exact, Backend: "exact"}}},
		{Paths: with("any-host")},
	}, "fallback")
	cases := []struct{ host, path, want string }{
		{"bar.foo.com", "/x", "wildcard"},
		{"BAR.Foo.com:8443", "/x", "wildcard"},
		{"exact.foo.com", "/only", "exact"},
		{"exact.foo.com", "/other", "fallback"}, // a matched host never falls through
		{"a.b.foo.com", "/", "any-host"},        // a wildcard covers one label
		{"foo.com", "/", "any-host"},
		{"", "/", "any-host"},
	}
	for _, tc := range cases {
		if got := route(tc.host, tc.path); got != tc.want {
			t.Errorf("%s%s: routed to %q, want %q", tc.host, tc.path, got, tc.want)
		}
	}
	if got := routed(t, []v1alpha1.HostRule{{Host: "a.com", Paths: with("a")}}, "")("b.com", "/"); got != "404" {
		t.Errorf("no default backend: routed to %q, want 404", got)
	}
}

// TestURLMapAgreesWithTheReferenceRouter translates random route tables and checks that
// every request routes through the URL map as the model's reference router says.
func TestURLMapAgreesWithTheReferenceRouter(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	paths := []string{"/", "/a", "/a/", "/a/b", "/a/b/", "/ab", "/b", "/a/bc"}
	hosts := []v1alpha1.Hostname{"", "foo.com", "*.foo.com", "a.foo.com", "*.a.foo.com"}
	reqHosts := []string{"a.foo.com", "b.foo.com", "x.a.foo.com", "y.x.a.foo.com", "foo.com", "bar.com", "A.Foo.com:8080"}
	reqPaths := []string{"/", "/a", "/a/", "/a/b", "/a/b/", "/a/bc", "/a/b/c", "/ab", "/abc", "/b", "/b/x", "/c", "/a?x=1"}
	services := map[string]string{"b0": "b0", "b1": "b1", "b2": "b2", "b3": "b3"}
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	for i := range 1000 {
		spec := &v1alpha1.LoadBalancerSpec{}
		if rng.IntN(2) == 0 {
			spec.DefaultBackend = "b0"
		}
		for _, h := range rand.New(rand.NewPCG(uint64(i), 7)).Perm(len(hosts))[:1+rng.IntN(3)] {
			hr := v1alpha1.HostRule{Host: hosts[h]}
			for range 1 + rng.IntN(4) {
				typ := prefix
				if rng.IntN(2) == 0 {
					typ = exact
				}
				hr.Paths = append(hr.Paths, v1alpha1.PathRule{Path: pick(paths), PathType: typ, Backend: pick([]string{"b1", "b2", "b3"})})
			}
			spec.Rules = append(spec.Rules, hr)
		}
		um, err := urlMapFor(spec, services)
		if err != nil {
			t.Fatal(err)
		}
		if err := um.validate(); err != nil {
			t.Fatalf("the cloud refuses the URL map of %+v: %v", spec.Rules, err)
		}
		for _, host := range reqHosts {
			for _, path := range reqPaths {
				d := model.Route(spec, host, path)
				got, ok := um.Route(host, path)
				if ok != (d.Status == 200) || got != d.Backend {
					t.Fatalf("rules %+v default %q: %s%s routed to %q (%v), the reference router says %q (%s)",
						spec.Rules, spec.DefaultBackend, host, path, got, ok, d.Backend, d.Reason)
				}
			}
		}
	}
}

// TestURLMapEvaluatesAsGoogleDoes: the cloud's evaluator follows Google's rules, not
// Kubernetes': a host rule "*.foo.com" covers any number of labels, the longest wildcard
// wins, and route rules go by priority with header matches on host. (The translation must
// bridge the difference: TestURLMapHostSemantics.)
func TestURLMapEvaluatesAsGoogleDoes(t *testing.T) {
	um := URLMapSpec{
		DefaultService: "default",
		HostRules: []HostRule{
			{Hosts: []string{"*.foo.com"}, PathMatcher: "wild"},
			{Hosts: []string{"*.b.foo.com"}, PathMatcher: "deeper"},
		},
		PathMatchers: []PathMatcher{
			{Name: "wild", PathRules: []PathRule{{Paths: []string{"/*"}, Service: "wild"}}},
			{Name: "deeper", RouteRules: []RouteRule{
				{Priority: 2, MatchRules: []MatchRule{{PrefixMatch: "/"}}, Service: "any"},
				{Priority: 1, MatchRules: []MatchRule{{PrefixMatch: "/", HeaderMatches: []HeaderMatch{{HeaderName: "host", RegexMatch: `x\..*`}}}}, Service: "x"},
			}},
		},
	}
	if err := um.validate(); err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]string{
		"a.foo.com": "wild", "a.b.c.foo.com": "wild", "a.b.foo.com": "any", "x.b.foo.com": "x", "x.y.b.foo.com": "x", "foo.com": "default",
	} {
		if got, _ := um.Route(host, "/p"); got != want {
			t.Errorf("%s routed to %q, Google sends it to %q", host, got, want)
		}
	}
	both := um.clone().(URLMapSpec)
	both.PathMatchers[1].PathRules = []PathRule{{Paths: []string{"/a"}, Service: "x"}}
	if err := both.validate(); CodeOf(err) != CodeInvalid {
		t.Errorf("a matcher with path rules and route rules: %v", err)
	}
}
