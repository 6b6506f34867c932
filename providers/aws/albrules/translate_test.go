package albrules_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws/albrules"
)

func fwd(backend string) albrules.Action { return albrules.Action{Backend: backend} }

func rule(hosts []string, paths []string, a albrules.Action) albrules.Rule {
	return albrules.Rule{Hosts: hosts, Paths: paths, Action: a}
}

func hs(h ...string) []string { return h }

// TestTranslateRuleLists pins the rule lists of a few specs: what a user finds on the
// listener, in priority order.
func TestTranslateRuleLists(t *testing.T) {
	cases := []struct {
		name string
		spec *v1alpha1.LoadBalancerSpec
		want albrules.Listener
	}{{
		name: "one host: Exact before Prefix at equal length, the shared /foo written once, Prefix / as the host alone",
		spec: lb().host("a.example.com", prefix("/", "root"), prefix("/foo", "prefix"), exact("/foo", "exact")).spec,
		want: albrules.Listener{Default: albrules.NotFound, Rules: []albrules.Rule{
			rule(hs("a.example.com"), hs("/foo"), fwd("exact")),
			rule(hs("a.example.com"), hs("/foo/*"), fwd("prefix")),
			rule(hs("a.example.com"), nil, fwd("root")),
		}},
	}, {
		name: "precise hosts with the same paths share rules; the catch-all is left out when nothing follows",
		spec: lb().host("d.example.com", prefix("/", "web")).host("a.example.com", prefix("/", "web")).
			host("b.example.com", prefix("/", "web")).host("c.example.com", prefix("/", "web")).
			host("e.example.com", exact("/x", "web")).spec,
		want: albrules.Listener{Default: albrules.NotFound, Rules: []albrules.Rule{
			rule(hs("a.example.com", "b.example.com", "c.example.com"), nil, fwd("web")),
			rule(hs("d.example.com"), nil, fwd("web")),
			rule(hs("e.example.com"), hs("/x"), fwd("web")),
		}},
	}, {
		name: "a host, a wildcard and the rule without host: catch-alls and a guard",
		spec: lb().host("", prefix("/", "any-host")).host("*.foo.com", prefix("/api", "api")).
			host("shop.foo.com", exact("/cart", "cart")).defaultBackend("fallback").spec,
		want: albrules.Listener{Default: fwd("fallback"), Rules: []albrules.Rule{
			rule(hs("shop.foo.com"), hs("/cart"), fwd("cart")),
			rule(hs("shop.foo.com"), nil, fwd("fallback")),
			rule(hs("*.*.foo.com"), nil, fwd("any-host")),
			rule(hs("*.foo.com"), hs("/api", "/api/*"), fwd("api")),
			rule(hs("*.foo.com"), nil, fwd("fallback")),
			rule(nil, hs("/*"), fwd("any-host")),
		}},
	}, {
		name: "paths of one backend share rules up to three values; a new backend starts a rule; Exact /c comes first at equal length",
		spec: lb().host("a.example.com", prefix("/a", "one"), prefix("/b", "one"), exact("/c", "two"), prefix("/d", "two")).spec,
		want: albrules.Listener{Default: albrules.NotFound, Rules: []albrules.Rule{
			rule(hs("a.example.com"), hs("/c"), fwd("two")),
			rule(hs("a.example.com"), hs("/a", "/a/*", "/b"), fwd("one")),
			rule(hs("a.example.com"), hs("/b/*"), fwd("one")),
			rule(hs("a.example.com"), hs("/d", "/d/*"), fwd("two")),
		}},
	}, {
		name: "a host without a dot is a regular expression",
		spec: lb().host("intranet", exact("/", "wiki")).spec,
		want: albrules.Listener{Default: albrules.NotFound, Rules: []albrules.Rule{
			{HostRegexes: hs(`(?i)^intranet(:[0-9]+)?$`), Paths: hs("/"), Action: fwd("wiki")},
		}},
	}, {
		name: "only a default backend: no rule",
		spec: lb().defaultBackend("fallback").spec,
		want: albrules.Listener{Default: fwd("fallback")},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := albrules.Translate(c.spec, albrules.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got\n%s\nwant\n%s", show(got), show(c.want))
			}
		})
	}
}

func show(l albrules.Listener) string {
	var b strings.Builder
	for i, r := range l.Rules {
		fmt.Fprintf(&b, "  %d: %s\n", i+1, r.Key())
	}
	fmt.Fprintf(&b, "  default: %s", l.Default)
	return b.String()
}

// TestTranslateIsDeterministic: the order of the spec's host rules does not change the
// rules, so a reordered but equal spec writes nothing.
func TestTranslateIsDeterministic(t *testing.T) {
	a := lb().host("b.example.com", prefix("/", "b")).host("*.example.com", prefix("/", "w")).host("a.example.com", prefix("/", "a")).host("", exact("/x", "x")).spec
	b := lb().host("", exact("/x", "x")).host("a.example.com", prefix("/", "a")).host("*.example.com", prefix("/", "w")).host("b.example.com", prefix("/", "b")).spec
	la, err := albrules.Translate(a, albrules.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	lb, err := albrules.Translate(b, albrules.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(la, lb) {
		t.Errorf("the same routes in another order gave other rules:\n%s\n%s", show(la), show(lb))
	}
}

func TestTranslateRulesPerListenerLimit(t *testing.T) {
	b := lb()
	for i := 0; i < 101; i++ {
		b.host(fmt.Sprintf("h%03d.example.com", i), exact(fmt.Sprintf("/p%03d", i), "web"))
	}
	_, err := albrules.Translate(b.spec, albrules.Limits{})
	if !providers.IsInvalid(err) || providers.ReasonOf(err) != albrules.ReasonTooManyRules {
		t.Fatalf("got %v, want an Invalid error of reason %s", err, albrules.ReasonTooManyRules)
	}
	if !strings.Contains(err.Error(), "need 101 listener rules") || !strings.Contains(err.Error(), "limit of 100") {
		t.Errorf("the message does not say how many rules are needed and the limit: %v", err)
	}
	b.spec.Rules = b.spec.Rules[:100]
	if l, err := albrules.Translate(b.spec, albrules.Limits{}); err != nil || len(l.Rules) != 100 {
		t.Errorf("100 hosts: got %d rules, %v; want 100 rules", len(l.Rules), err)
	}
	if _, err := albrules.Translate(b.spec, albrules.Limits{RulesPerListener: 99}); !providers.IsInvalid(err) {
		t.Errorf("a configured limit of 99: got %v", err)
	}
	if _, err := albrules.Translate(b.spec, albrules.Limits{RulesPerListener: 9}); err == nil || !strings.Contains(err.Error(), "need at least 91 listener rules") {
		t.Errorf("far over a limit of 9: got %v, want a lower bound of the rules needed", err)
	}
}

// TestTranslateRefusesAHugeRouteTableEarly: the API allows 1000 hosts of 1000 paths; a
// wildcard copies the rules without host, so such a table would need millions of rules. It
// is refused without building them all.
func TestTranslateRefusesAHugeRouteTableEarly(t *testing.T) {
	b := lb()
	var many []v1alpha1.PathRule
	for i := 0; i < 1000; i++ {
		many = append(many, prefix(fmt.Sprintf("/p%04d", i), fmt.Sprintf("b%d", i%7)))
	}
	b.host("", many...)
	for i := 0; i < 1000; i++ {
		b.host(fmt.Sprintf("*.h%04d.example.com", i), many...)
	}
	_, err := albrules.Translate(b.spec, albrules.Limits{})
	if !providers.IsInvalid(err) || !strings.Contains(err.Error(), "at least") {
		t.Errorf("got %v, want an Invalid error giving a lower bound", err)
	}
}

// TestTranslateWildcardsPerRule: AWS counts the wildcards of a rule's values; a guard's two
// stars and the three of /a/*, /b/* and /c/* are five, within the default, but not within a
// limit of 4.
func TestTranslateWildcardsPerRule(t *testing.T) {
	spec := lb().host("*.foo.com", prefix("/", "w")).host("",
		exact("/a", "any"), exact("/b", "any"), exact("/c", "any"), prefix("/a", "any"), prefix("/b", "any"), prefix("/c", "any")).spec
	for _, limits := range []albrules.Limits{{}, {WildcardsPerRule: 4}} {
		l, err := albrules.Translate(spec, limits)
		if err != nil {
			t.Fatal(err)
		}
		max := limits.WildcardsPerRule
		if max == 0 {
			max = albrules.DefaultLimits.WildcardsPerRule
		}
		for _, r := range l.Rules {
			n := strings.Count(strings.Join(append(slices.Clone(r.Hosts), r.Paths...), ""), "*")
			if n > max {
				t.Errorf("limit %d: rule %s holds %d wildcards", max, r.Key(), n)
			}
		}
	}
	if _, err := albrules.Translate(spec, albrules.Limits{WildcardsPerRule: 2}); !providers.IsInvalid(err) {
		t.Errorf("a guard's two stars and a prefix's third under a limit of 2: got %v, want an Invalid error", err)
	}
}

func TestTranslateRefusesWhatALBCannotExpress(t *testing.T) {
	cases := []struct {
		name   string
		spec   *v1alpha1.LoadBalancerSpec
		reason string
		says   string
	}{
		{"a star in a path", lb().host("", prefix("/foo*", "x")).spec, albrules.ReasonPathInvalid, "wildcard"},
		{"a question mark in a path", lb().host("", exact("/fo?", "x")).spec, albrules.ReasonPathInvalid, "wildcard"},
		{"a character AWS refuses in a path", lb().host("", exact("/a(b)", "x")).spec, albrules.ReasonPathInvalid, "refuses"},
		{"an empty segment", lb().host("", exact("/a//b", "x")).spec, albrules.ReasonPathInvalid, "segment"},
		{"a dot-dot segment", lb().host("", prefix("/a/../b", "x")).spec, albrules.ReasonPathInvalid, "segment"},
		{"a relative path", lb().host("", prefix("a", "x")).spec, albrules.ReasonPathInvalid, "start"},
		{"an unknown path type", lb().host("", v1alpha1.PathRule{Path: "/", PathType: "Regex", Backend: "x"}).spec, albrules.ReasonPathInvalid, "Regex"},
		{"a path too long for a pattern", lb().host("", prefix("/"+strings.Repeat("a", 126), "x")).spec, albrules.ReasonPathInvalid, "128"},
		{"an uppercase host", lb().host("A.example.com", prefix("/", "x")).spec, albrules.ReasonHostInvalid, "lowercase"},
		{"a host with a port", lb().host("a.example.com:80", prefix("/", "x")).spec, albrules.ReasonHostInvalid, "DNS name"},
		{"a bare star", lb().host("*", prefix("/", "x")).spec, albrules.ReasonHostInvalid, "DNS name"},
		{"a wildcard with a digit after the last dot", lb().host("*.example.c0m", prefix("/", "x")).spec, albrules.ReasonHostInvalid, "letters"},
		{"a host too long for a value", lb().host(strings.Repeat("a", 60)+"."+strings.Repeat("b", 60)+".example.com", prefix("/", "x")).spec, albrules.ReasonHostInvalid, "only as a regular expression"},
		{"a backend spec.backends lacks", &v1alpha1.LoadBalancerSpec{Rules: []v1alpha1.HostRule{{Paths: []v1alpha1.PathRule{prefix("/", "ghost")}}}}, albrules.ReasonBackendNotFound, "ghost"},
		{"a default backend spec.backends lacks", &v1alpha1.LoadBalancerSpec{DefaultBackend: "ghost"}, albrules.ReasonBackendNotFound, "ghost"},
		{"no spec", nil, albrules.ReasonSpecMissing, "no spec"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := albrules.Translate(c.spec, albrules.Limits{})
			if !providers.IsInvalid(err) || providers.ReasonOf(err) != c.reason || !strings.Contains(err.Error(), c.says) {
				t.Errorf("got %v (reason %s), want an Invalid error of reason %s saying %q", err, providers.ReasonOf(err), c.reason, c.says)
			}
		})
	}
}

// TestTranslateDuplicateHostsFollowTheReferenceRouter: a host named twice keeps the rule
// model.Route chooses, the first of a precise host, the last of a wildcard or of no host.
func TestTranslateDuplicateHostsFollowTheReferenceRouter(t *testing.T) {
	spec := lb().host("a.example.com", prefix("/", "first")).host("a.example.com", prefix("/", "second")).
		host("*.example.com", prefix("/", "w1")).host("*.example.com", prefix("/", "w2")).
		host("", prefix("/", "n1")).host("", prefix("/", "n2")).spec
	agree(t, spec, [][2]string{{"a.example.com", "/"}, {"b.example.com", "/"}, {"other.org", "/"}, {"c.b.example.com", "/"}})
}
