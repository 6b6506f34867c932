package providertest

import (
	"fmt"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// routingTable is a load balancer and the requests it must route as Kubernetes does.
type routingTable struct {
	name     string
	lb       func(name string) *lbBuilder
	requests []request
}

// request is one request of a table and the backend it reaches; "" means 404.
type request struct {
	host, path string
	want       string
}

// pathRow is one example of the path matching table of the Kubernetes documentation
// (concepts/services-networking/ingress, "Examples"), as model's router tests run it: the
// rules of a hostless host rule, a request path, and the rule that takes it (nil: 404).
type pathRow struct {
	rules []v1alpha1.PathRule
	path  string
	want  *v1alpha1.PathRule
}

// pathRows are the examples of the table, and a few beyond it.
var pathRows = []pathRow{
	{rules(prefixP("/")), "/anything/at/all", ptr(prefixP("/"))},
	{rules(exactP("/foo")), "/foo", ptr(exactP("/foo"))},
	{rules(exactP("/foo")), "/bar", nil},
	{rules(exactP("/foo")), "/foo/", nil},
	{rules(exactP("/foo/")), "/foo", nil},
	{rules(prefixP("/foo")), "/foo", ptr(prefixP("/foo"))},
	{rules(prefixP("/foo")), "/foo/", ptr(prefixP("/foo"))},
	{rules(prefixP("/foo/")), "/foo", ptr(prefixP("/foo/"))},
	{rules(prefixP("/foo/")), "/foo/", ptr(prefixP("/foo/"))},
	{rules(prefixP("/aaa/bb")), "/aaa/bbb", nil},
	{rules(prefixP("/aaa/bbb")), "/aaa/bbb", ptr(prefixP("/aaa/bbb"))},
	{rules(prefixP("/aaa/bbb/")), "/aaa/bbb", ptr(prefixP("/aaa/bbb/"))},
	{rules(prefixP("/aaa/bbb")), "/aaa/bbb/", ptr(prefixP("/aaa/bbb"))},
	{rules(prefixP("/aaa/bbb")), "/aaa/bbb/ccc", ptr(prefixP("/aaa/bbb"))},
	{rules(prefixP("/aaa/bbb")), "/aaa/bbbxyz", nil},
	{rules(prefixP("/"), prefixP("/aaa")), "/aaa/ccc", ptr(prefixP("/aaa"))},
	{rules(prefixP("/"), prefixP("/aaa"), prefixP("/aaa/bbb")), "/aaa/bbb", ptr(prefixP("/aaa/bbb"))},
	{rules(prefixP("/"), prefixP("/aaa"), prefixP("/aaa/bbb")), "/ccc", ptr(prefixP("/"))},
	{rules(prefixP("/aaa")), "/ccc", nil},
	{rules(prefixP("/foo"), exactP("/foo")), "/foo", ptr(exactP("/foo"))},
	// Beyond the table: /foo never matches /foobar, Exact loses to a longer Prefix, case
	// sensitivity and a query string.
	{rules(prefixP("/foo")), "/foobar", nil},
	{rules(prefixP("/foo"), exactP("/foo")), "/foo/bar", ptr(prefixP("/foo"))},
	{rules(exactP("/foo"), prefixP("/foo/bar")), "/foo/bar/baz", ptr(prefixP("/foo/bar"))},
	{rules(prefixP("/foo")), "/FOO", nil},
	{rules(exactP("/foo")), "/foo?x=1", ptr(exactP("/foo"))},
}

// prefixP and exactP are path rules whose backend is named after them.
func prefixP(path string) v1alpha1.PathRule {
	return prefix(path, backendOf(v1alpha1.PathTypePrefix, path))
}
func exactP(path string) v1alpha1.PathRule {
	return exact(path, backendOf(v1alpha1.PathTypeExact, path))
}

func rules(rs ...v1alpha1.PathRule) []v1alpha1.PathRule { return rs }
func ptr[T any](v T) *T                                 { return &v }

// backendOf names the backend of a path rule: "prefix-aaa-bbb" for Prefix /aaa/bbb/.
func backendOf(pathType, path string) string {
	name := strings.ToLower(pathType) + strings.ReplaceAll(path, "/", "-")
	return strings.TrimSuffix(name, "-")
}

// pathTables turns each row into a table of its own load balancer, with no default backend.
func pathTables() []routingTable {
	out := make([]routingTable, 0, len(pathRows))
	for i, row := range pathRows {
		want := ""
		if row.want != nil {
			want = row.want.Backend
		}
		out = append(out, routingTable{
			name: fmt.Sprintf("paths %d: %s request %s", i, describe(row.rules), row.path),
			lb: func(name string) *lbBuilder {
				b := loadBalancer(name).http().host("", row.rules...)
				for _, r := range row.rules {
					b.backend(r.Backend, v1alpha1.TargetTypeIP)
				}
				return b
			},
			requests: []request{{"any.example.com", row.path, want}},
		})
	}
	return out
}

func describe(rs []v1alpha1.PathRule) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		parts = append(parts, r.PathType+" "+r.Path)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// hostTables cover host rules: exact hosts first, then a wildcard that covers exactly one
// label, then the rule without host; a host that matched never falls through to a less
// precise rule; the default backend takes the rest, or 404 when there is none.
var hostTables = []routingTable{{
	name: "hosts",
	lb: func(name string) *lbBuilder {
		return loadBalancer(name).http().
			backend("wildcard", v1alpha1.TargetTypeIP).backend("exact", v1alpha1.TargetTypeIP).
			backend("api", v1alpha1.TargetTypeIP).backend("any-host", v1alpha1.TargetTypeIP).
			backend("fallback", v1alpha1.TargetTypeIP).
			host("*.foo.com", prefix("/", "wildcard")).
			host("exact.foo.com", exact("/only", "exact")).
			host("*.bar.com", prefix("/api", "api")).
			host("", prefix("/", "any-host")).
			defaultBackend("fallback")
	},
	requests: []request{
		{"bar.foo.com", "/x", "wildcard"},
		{"BAR.Foo.com:8443", "/x", "wildcard"},
		{"exact.foo.com", "/only", "exact"},
		{"exact.foo.com", "/other", "fallback"},
		{"a.b.foo.com", "/", "any-host"},
		{"foo.com", "/", "any-host"},
		{"", "/", "any-host"},
		{"x.bar.com", "/api/v1", "api"},
		{"x.bar.com", "/other", "fallback"},
		{"a.b.bar.com", "/api", "any-host"},
		{"a.b.bar.com", "/other", "any-host"},
	},
}, {
	name: "no default backend",
	lb: func(name string) *lbBuilder {
		return loadBalancer(name).http().backend("cart", v1alpha1.TargetTypeIP).
			host("shop.example.com", prefix("/cart", "cart"))
	},
	requests: []request{
		{"shop.example.com", "/cart/items", "cart"},
		{"shop.example.com", "/cartoon", ""},
		{"other.example.com", "/cart", ""},
	},
}, {
	name: "default backend",
	lb: func(name string) *lbBuilder {
		return loadBalancer(name).http().backend("cart", v1alpha1.TargetTypeIP).backend("fallback", v1alpha1.TargetTypeIP).
			host("shop.example.com", prefix("/cart", "cart")).defaultBackend("fallback")
	},
	requests: []request{
		{"shop.example.com", "/cart", "cart"},
		{"shop.example.com", "/cartoon", "fallback"},
		{"other.example.com", "/cart", "fallback"},
	},
}, {
	name: "only a default backend",
	lb: func(name string) *lbBuilder {
		return loadBalancer(name).http().backend("fallback", v1alpha1.TargetTypeIP).defaultBackend("fallback")
	},
	requests: []request{
		{"shop.example.com", "/", "fallback"},
		{"", "/anything", "fallback"},
	},
}}
