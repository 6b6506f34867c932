package gcptest

import (
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// routingMap exercises every step of Google's evaluation.
func routingMap() *computepb.UrlMap {
	return urlMap("um", "def").
		host("exact", "exact-def", "foo.com").
		path("exact", "api", "/api/*").
		path("exact", "v1", "/api/v1/*").
		path("exact", "login", "/login").
		path("exact", "slash", "/dir/").
		path("exact", "dirwild", "/dir/*").
		host("wild", "wild-def", "*.foo.com").
		host("wild2", "wild2-def", "*.bar.foo.com").
		host("routes", "routes-def", "route.com").
		route("routes", "ra", 10, prefix("/a")).
		route("routes", "rab", 5, fullPath("/a/b")).
		route("routes", "rx", 20, regex("/x/[0-9]+")).
		host("any", "any-def", "*").
		route("any", "any-a", 1, withHost(prefix("/"), "a.any.com", false)).
		route("any", "any-b", 2, withHost(prefix("/"), `.*\.b\.com`, true)).
		build()
}

func TestEvaluateURLMap(t *testing.T) {
	um := routingMap()
	cases := []struct {
		name, host, path, want string
	}{
		{"path rule with /*", "foo.com", "/api/x", "api"},
		{"longest path rule wins", "foo.com", "/api/v1/x", "v1"},
		{"/* does not match the bare prefix", "foo.com", "/api", "exact-def"},
		{"exact path", "foo.com", "/login", "login"},
		{"exact path is not a prefix", "foo.com", "/login/x", "exact-def"},
		{"exact beats /* at equal length", "foo.com", "/dir/", "slash"},
		{"/* below an exact path", "foo.com", "/dir/x", "dirwild"},
		{"query string ignored", "foo.com", "/login?next=/", "login"},
		{"port ignored", "foo.com:8443", "/login", "login"},
		{"host case ignored", "FOO.com", "/login", "login"},
		{"wildcard one label", "a.foo.com", "/login", "wild-def"},
		{"wildcard any number of labels", "a.b.c.foo.com", "/login", "wild-def"},
		{"longest wildcard wins", "x.bar.foo.com", "/", "wild2-def"},
		{"longest wildcard, deeper", "y.x.bar.foo.com", "/", "wild2-def"},
		{"wildcard needs a label", "bar.foo.com", "/", "wild-def"},
		{"route rule priority before order", "route.com", "/a/b", "rab"},
		{"route rule prefix", "route.com", "/a/c", "ra"},
		{"route rule prefix is textual", "route.com", "/abc", "ra"},
		{"route rule regex", "route.com", "/x/42", "rx"},
		{"route rule regex is anchored", "route.com", "/x/42/y", "routes-def"},
		{"no route rule: matcher default", "route.com", "/z", "routes-def"},
		{"star host, header exact", "a.any.com", "/z", "any-a"},
		{"star host, header regex", "q.b.com", "/z", "any-b"},
		{"star host, no header match", "other.org", "/z", "any-def"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := serviceName(evaluate(um, tc.host, tc.path))
			if !ok || got != tc.want {
				t.Fatalf("%s%s → %q %v, want %q", tc.host, tc.path, got, ok, tc.want)
			}
		})
	}
}

func TestEvaluateDefaultsAndRedirects(t *testing.T) {
	um := urlMap("um", "def").host("m", "m-def", "foo.com").path("m", "api", "/api/*").build()
	um.PathMatchers[0].PathRules = append(um.PathMatchers[0].PathRules, &computepb.PathRule{
		Paths: []string{"/old/*"}, UrlRedirect: &computepb.HttpRedirectAction{PathRedirect: proto.String("/new")}})
	if got, ok := serviceName(evaluate(um, "other.org", "/api/x")); !ok || got != "def" {
		t.Fatalf("an unknown host = %q %v, want the URL map's default", got, ok)
	}
	if got, ok := serviceName(evaluate(um, "foo.com", "/x")); !ok || got != "m-def" {
		t.Fatalf("no path rule = %q %v, want the matcher's default, not the URL map's", got, ok)
	}
	if got, ok := serviceName(evaluate(um, "foo.com", "/old/x")); ok {
		t.Fatalf("a redirect = %q, want no backend service", got)
	}
}

func TestRouteReadsTheStoredURLMap(t *testing.T) {
	e := newEnv(t, Options{})
	e.createGraph()
	if _, ok := e.srv.Route("missing", "foo.com", "/"); ok {
		t.Fatal("Route found a URL map that does not exist")
	}
	if got, ok := e.srv.Route("lb-um", "elsewhere.org", "/"); !ok || got != "lb-be" {
		t.Fatalf("Route = %q %v", got, ok)
	}
}
