package albrules_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers/aws/albrules"
	"github.com/portico-dev/portico/providers/aws/awstest"
	"github.com/portico-dev/portico/providers/providertest"
	"github.com/portico-dev/portico/test/conformance"
)

// tight limits split nearly every rule: one path value per rule, two values in all.
var tight = albrules.Limits{RulesPerListener: 10000, ValuesPerRule: 2, ValuesPerCondition: 1}

// listener is a translated spec written as the SDK's rules, as DescribeRules would return
// them: priorities 1..n, then the default rule; each backend's target group has a fake ARN.
type listener struct {
	rules   []types.Rule
	backend map[string]string // target group ARN -> backend
}

func build(t *testing.T, spec *v1alpha1.LoadBalancerSpec, limits albrules.Limits) listener {
	t.Helper()
	l, err := albrules.Translate(spec, limits)
	if err != nil {
		t.Fatalf("Translate: %v", err)
	}
	out := listener{backend: map[string]string{}}
	arn := func(backend string) string {
		a := "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg-" + strconv.Itoa(len(out.backend)) + "/" + backend
		for k, v := range out.backend {
			if v == backend {
				return k
			}
		}
		out.backend[a] = backend
		return a
	}
	for i, r := range l.Rules {
		out.rules = append(out.rules, types.Rule{
			Priority: aws.String(strconv.Itoa(i + 1)), IsDefault: aws.Bool(false),
			Conditions: r.Conditions(), Actions: r.Action.Actions(arn),
		})
	}
	out.rules = append(out.rules, types.Rule{Priority: aws.String("default"), IsDefault: aws.Bool(true), Actions: l.Default.Actions(arn)})
	return out
}

// route returns the backend ALB sends a request to, "" for a fixed 404.
func (l listener) route(t *testing.T, host, path string) string {
	t.Helper()
	r, err := awstest.Evaluate(l.rules, awstest.Request{Host: host, Path: path, Method: "GET"})
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	a := r.Actions[0]
	switch a.Type {
	case types.ActionTypeEnumForward:
		return l.backend[aws.ToString(a.TargetGroupArn)]
	case types.ActionTypeEnumFixedResponse:
		if code := aws.ToString(a.FixedResponseConfig.StatusCode); code != "404" {
			t.Fatalf("%s%s: fixed response %s, not 404", host, path, code)
		}
		return ""
	}
	t.Fatalf("%s%s: action %s", host, path, a.Type)
	return ""
}

// agree checks that ALB, evaluating the translated rules, routes each request where the
// reference router does.
func agree(t *testing.T, spec *v1alpha1.LoadBalancerSpec, requests [][2]string) {
	t.Helper()
	for name, limits := range map[string]albrules.Limits{"AWS's limits": {}, "tight limits": tight, "few wildcards": {WildcardsPerRule: 3}} {
		distinctConditions(t, spec, limits)
		l := build(t, spec, limits)
		for _, req := range requests {
			want := model.Route(spec, req[0], req[1])
			if got := l.route(t, req[0], req[1]); got != want.Backend {
				t.Errorf("%s: %s%s goes to %s on ALB, to %s by the reference router (%s)",
					name, req[0], req[1], orNotFound(got), orNotFound(want.Backend), want.Reason)
			}
		}
	}
}

// distinctConditions checks that no two rules have the same conditions: a provider matches
// live rules to wanted ones by them, so that a rule whose action changes is modified in place.
func distinctConditions(t *testing.T, spec *v1alpha1.LoadBalancerSpec, limits albrules.Limits) {
	t.Helper()
	l, err := albrules.Translate(spec, limits)
	if err != nil {
		t.Fatalf("Translate: %v", err)
	}
	seen := map[string]int{}
	for i, r := range l.Rules {
		r.Action = albrules.Action{}
		if j, ok := seen[r.Key()]; ok {
			t.Errorf("rules %d and %d have the same conditions: %s", j+1, i+1, r.Key())
		}
		seen[r.Key()] = i
	}
}

func orNotFound(backend string) string {
	if backend == "" {
		return "404"
	}
	return "backend " + backend
}

func TestRoutingTablesAgreeWithTheReferenceRouter(t *testing.T) {
	for _, table := range providertest.RoutingTables() {
		t.Run(table.Name, func(t *testing.T) {
			var reqs [][2]string
			for _, r := range table.Requests {
				reqs = append(reqs, [2]string{r.Host, r.Path})
			}
			agree(t, &table.Spec, reqs)
		})
	}
}

func TestConformanceFeaturesAgreeWithTheReferenceRouter(t *testing.T) {
	for _, file := range []string{"path_rules.feature", "host_rules.feature", "default_backend.feature"} {
		t.Run(file, func(t *testing.T) {
			f := conformance.LoadForTest(t, file)
			setup, err := conformance.SetupOf(f.Background)
			if err != nil {
				t.Fatal(err)
			}
			if len(setup.Ingresses) != 1 {
				t.Fatalf("%s sets up %d Ingresses, not one", file, len(setup.Ingresses))
			}
			spec := providertest.IngressSpec(t, setup.Ingresses[0])
			var reqs [][2]string
			for _, sc := range f.Scenarios {
				req, err := sc.Request()
				if err != nil {
					t.Fatal(err)
				}
				reqs = append(reqs, [2]string{req.URL.Host, req.URL.Path})
			}
			if len(reqs) == 0 {
				t.Fatalf("%s has no scenario", file)
			}
			agree(t, &spec, reqs)
		})
	}
}

// TestRoutingEdgeCases are the places where ALB's matcher and Kubernetes differ, each of
// which the translation bridges.
func TestRoutingEdgeCases(t *testing.T) {
	cases := []struct {
		name     string
		spec     *v1alpha1.LoadBalancerSpec
		requests [][2]string
	}{{
		name:     "Prefix /foo never takes /foobar (ALB's /foo* would)",
		spec:     lb().host("", prefix("/foo", "foo")).spec,
		requests: [][2]string{{"a.example.com", "/foo"}, {"a.example.com", "/foo/"}, {"a.example.com", "/foo/x/y"}, {"a.example.com", "/foobar"}, {"a.example.com", "/fo"}},
	}, {
		name: "Exact beats Prefix on equal length; a longer Prefix beats Exact",
		spec: lb().host("a.example.com", prefix("/foo", "prefix"), exact("/foo", "exact"), prefix("/foo/bar", "longer"), prefix("/", "root")).spec,
		requests: [][2]string{
			{"a.example.com", "/foo"}, {"a.example.com", "/foo/"}, {"a.example.com", "/foo/bar"},
			{"a.example.com", "/foo/bar/baz"}, {"a.example.com", "/foo/barn"}, {"a.example.com", "/other"},
		},
	}, {
		name: "a trailing slash in a Prefix is ignored, in an Exact kept",
		spec: lb().host("", prefix("/aaa/bbb/", "prefix"), exact("/foo/", "exact")).spec,
		requests: [][2]string{
			{"h.example.com", "/aaa/bbb"}, {"h.example.com", "/aaa/bbb/"}, {"h.example.com", "/aaa/bbbc"},
			{"h.example.com", "/foo"}, {"h.example.com", "/foo/"},
		},
	}, {
		name: "a wildcard host covers one label; deeper names go to the rules without host, then the default",
		spec: lb().host("*.foo.com", prefix("/", "wildcard")).host("", prefix("/any", "any-host")).defaultBackend("fallback").spec,
		requests: [][2]string{
			{"bar.foo.com", "/x"}, {"baz.bar.foo.com", "/x"}, {"baz.bar.foo.com", "/any/thing"},
			{"foo.com", "/any"}, {"foo.com", "/x"}, {"a.b.c.foo.com", "/any"},
		},
	}, {
		name: "a wildcard host with more labels goes first; the shorter one's guard lets it be",
		spec: lb().host("*.foo.com", prefix("/", "short")).host("*.bar.foo.com", prefix("/", "long")).host("", prefix("/", "any-host")).spec,
		requests: [][2]string{
			{"x.foo.com", "/"}, {"x.bar.foo.com", "/"}, {"y.x.bar.foo.com", "/"}, {"bar.foo.com", "/"}, {"y.x.foo.com", "/"},
		},
	}, {
		name: "a host with rules never falls back to the rules without host",
		spec: lb().host("shop.example.com", prefix("/cart", "cart")).host("", prefix("/", "any-host")).spec,
		requests: [][2]string{
			{"shop.example.com", "/cart/1"}, {"shop.example.com", "/other"}, {"SHOP.example.com:8080", "/other"},
			{"other.example.com", "/other"}, {"", "/"},
		},
	}, {
		name:     "a precise host beats a wildcard that covers it, and does not fall back to it",
		spec:     lb().host("*.example.com", prefix("/", "wildcard")).host("api.example.com", exact("/v1", "api")).defaultBackend("fallback").spec,
		requests: [][2]string{{"api.example.com", "/v1"}, {"api.example.com", "/v2"}, {"www.example.com", "/v2"}},
	}, {
		name: "a host without a dot is a regular expression",
		spec: lb().host("intranet", prefix("/wiki", "wiki")).host("", prefix("/", "any-host")).spec,
		requests: [][2]string{
			{"intranet", "/wiki/a"}, {"INTRANET:8080", "/wiki"}, {"intranet", "/other"}, {"intranet.example.com", "/wiki"}, {"my-intranet", "/wiki"},
		},
	}, {
		name: "many paths of one host are split over several rules, in order",
		spec: lb().host("a.example.com",
			prefix("/a", "one"), prefix("/b", "one"), prefix("/c", "one"), exact("/d", "one"),
			prefix("/a/x", "two"), prefix("/b/x", "two"), exact("/e", "two")).defaultBackend("one").spec,
		requests: [][2]string{
			{"a.example.com", "/a"}, {"a.example.com", "/a/x"}, {"a.example.com", "/a/x/y"}, {"a.example.com", "/b/x"},
			{"a.example.com", "/c/q"}, {"a.example.com", "/d"}, {"a.example.com", "/e"}, {"a.example.com", "/f"},
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { agree(t, c.spec, c.requests) })
	}
}

// TestRoutingRandomSpecs builds specs from a small vocabulary of hosts and paths chosen to
// collide (wildcards of two depths, precise hosts under them, prefixes of one another) and
// checks every request of another vocabulary against the reference router. The seed is fixed:
// a failure reproduces.
func TestRoutingRandomSpecs(t *testing.T) {
	hosts := []string{"", "a.foo.com", "*.foo.com", "*.b.foo.com", "b.foo.com", "x.b.foo.com", "intranet", "*.com"}
	paths := []string{"/", "/foo", "/foo/", "/foo/bar", "/foobar", "/fo", "/a", "/a/b"}
	reqHosts := []string{"a.foo.com", "b.foo.com", "x.b.foo.com", "y.x.b.foo.com", "foo.com", "z.foo.com", "z.y.foo.com", "intranet", "INTRANET:80", "other.org", "A.FOO.COM:443", ""}
	reqPaths := []string{"/", "/foo", "/foo/", "/foo/bar", "/foo/bar/baz", "/foobar", "/fo", "/a/b", "/a/bc", "/x"}
	var reqs [][2]string
	for _, h := range reqHosts {
		for _, p := range reqPaths {
			reqs = append(reqs, [2]string{h, p})
		}
	}
	rnd := newRand(20261202)
	for i := 0; i < 300; i++ {
		b := lb()
		var rs []v1alpha1.PathRule
		for _, h := range pick(rnd, hosts, 1+rnd.intn(5)) {
			if rs != nil && rnd.intn(2) == 0 { // the same paths as the host before: they may share rules
				b.host(h, rs...)
				continue
			}
			rs = nil
			for _, p := range pick(rnd, paths, 1+rnd.intn(4)) {
				backend := fmt.Sprintf("b%d", rnd.intn(3))
				if rnd.intn(2) == 0 {
					rs = append(rs, exact(p, backend))
				} else {
					rs = append(rs, prefix(p, backend))
				}
			}
			b.host(h, rs...)
		}
		if rnd.intn(2) == 0 {
			b.defaultBackend("b0")
		}
		t.Run(strconv.Itoa(i), func(t *testing.T) { agree(t, b.spec, reqs) })
	}
}
