package gcp

import (
	"context"

	compute "cloud.google.com/go/compute/apiv1"
	"fmt"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/plan"
)

// routingCase is a load balancer and the requests Google must route as Kubernetes does.
type routingCase struct {
	name     string
	lb       *lb
	requests [][2]string // host, path
}

// pathCase is one row of the Kubernetes documentation's path table (as providertest and
// model's router tests run it): the rules ("P /foo" or "E /foo") of one hostless rule, each
// backend named after its rule, and a request path.
func pathCase(path string, rules ...string) routingCase {
	b := loadBalancer("paths").http()
	var paths []v1alpha1.PathRule
	for _, r := range rules {
		typ, p, _ := strings.Cut(r, " ")
		backend := strings.ToLower(typ) + strings.TrimSuffix(strings.ReplaceAll(p, "/", "-"), "-")
		if typ == "P" {
			paths = append(paths, prefix(p, backend))
		} else {
			paths = append(paths, exact(p, backend))
		}
		b.backend(backend)
	}
	b.host("", paths...)
	return routingCase{name: fmt.Sprintf("%v %s", rules, path), lb: b, requests: [][2]string{{"any.example.com", path}}}
}

func routingCases() []routingCase {
	return []routingCase{
		pathCase("/anything/at/all", "P /"),
		pathCase("/foo", "E /foo"),
		pathCase("/bar", "E /foo"),
		pathCase("/foo/", "E /foo"),
		pathCase("/foo", "E /foo/"),
		pathCase("/foo", "P /foo"),
		pathCase("/foo/", "P /foo"),
		pathCase("/foo", "P /foo/"),
		pathCase("/foo/", "P /foo/"),
		pathCase("/aaa/bbb", "P /aaa/bb"),
		pathCase("/aaa/bbb", "P /aaa/bbb"),
		pathCase("/aaa/bbb", "P /aaa/bbb/"),
		pathCase("/aaa/bbb/", "P /aaa/bbb"),
		pathCase("/aaa/bbb/ccc", "P /aaa/bbb"),
		pathCase("/aaa/bbbxyz", "P /aaa/bbb"),
		pathCase("/aaa/ccc", "P /", "P /aaa"),
		pathCase("/aaa/bbb", "P /", "P /aaa", "P /aaa/bbb"),
		pathCase("/ccc", "P /", "P /aaa", "P /aaa/bbb"),
		pathCase("/ccc", "P /aaa"),
		pathCase("/foo", "P /foo", "E /foo"),
		pathCase("/foobar", "P /foo"),
		pathCase("/foo/bar", "P /foo", "E /foo"),
		pathCase("/foo/bar/baz", "E /foo", "P /foo/bar"),
		pathCase("/FOO", "P /foo"),
		pathCase("/foo?x=1", "E /foo"),
		{name: "hosts", lb: loadBalancer("hosts").http().backend("wildcard", "exact", "api", "any-host", "fallback").
			host("*.foo.com", prefix("/", "wildcard")).
			host("exact.foo.com", exact("/only", "exact")).
			host("*.bar.com", prefix("/api", "api"), exact("/api/x", "exact")).
			host("", prefix("/", "any-host"), exact("/x", "exact")).
			defaultBackend("fallback"),
			requests: [][2]string{{"bar.foo.com", "/x"}, {"BAR.Foo.com:8443", "/x"}, {"exact.foo.com", "/only"},
				{"exact.foo.com", "/other"}, {"a.b.foo.com", "/"}, {"a.b.foo.com", "/x"}, {"foo.com", "/"}, {"", "/"},
				{"x.bar.com", "/api/v1"}, {"x.bar.com", "/api/x"}, {"x.bar.com", "/other"}, {"a.b.bar.com", "/api"},
				{"a.b.bar.com", "/other"}, {"a.b.bar.com", "/x"}}},
		{name: "no default backend", lb: loadBalancer("nodefault").http().backend("cart").
			host("shop.example.com", prefix("/cart", "cart")).host("*.example.com", exact("/cart", "cart")),
			requests: [][2]string{{"shop.example.com", "/cart/items"}, {"shop.example.com", "/cartoon"},
				{"other.example.com", "/cart"}, {"a.b.example.com", "/cart"}, {"other.org", "/cart"}}},
		{name: "default backend", lb: loadBalancer("default").http().backend("cart", "fallback").
			host("shop.example.com", prefix("/cart", "cart")).defaultBackend("fallback"),
			requests: [][2]string{{"shop.example.com", "/cart"}, {"shop.example.com", "/cartoon"}, {"other.example.com", "/cart"}}},
		{name: "only a default backend", lb: loadBalancer("only").http().backend("fallback").defaultBackend("fallback"),
			requests: [][2]string{{"shop.example.com", "/"}, {"", "/anything"}}},
	}
}

// TestURLMapRoutesAsKubernetes inserts each case's URL map and backend services into gcptest
// through the SDK, and checks that Google's evaluation of the URL map reaches the backend
// the reference router chooses, row by row.
func TestURLMapRoutesAsKubernetes(t *testing.T) {
	srv := gcptest.New(gcptest.Options{Project: testProject})
	defer srv.Close()
	ctx := context.Background()
	c, err := srv.Clients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i, rc := range routingCases() {
		t.Run(rc.name, func(t *testing.T) {
			rc.lb.d.Ref.Name = fmt.Sprintf("%s-%d", rc.lb.d.Ref.Name, i)
			g := mustGraph(t, rc.lb.d)
			urlMap := insertRouting(t, c, g)
			for _, req := range rc.requests {
				want := model.Route(&rc.lb.d.Spec, req[0], req[1]).Backend
				got, ok := srv.Route(urlMap, req[0], req[1])
				if want != "" {
					want = testConfig().namer.Name("bs", rc.lb.d.Ref.Name, want)
				}
				if !ok {
					got = ""
				}
				if got != want {
					t.Errorf("%s%s: Google routes to %q, Kubernetes to %q", req[0], req[1], got, want)
				}
			}
		})
	}
}

// insertRouting inserts the graph's backend services (without health check and backends,
// which routing does not need) and URL map, checks that the URL map reads back with the
// Fields the translation gave it, and returns its name.
func insertRouting(t *testing.T, c *gcptest.Clients, g plan.Graph) string {
	t.Helper()
	ctx := context.Background()
	var urlMap plan.Resource
	for _, r := range g.Resources {
		switch r.Kind {
		case KindBackendService:
			bs := proto.Clone(r.Spec.(*computepb.BackendService)).(*computepb.BackendService)
			bs.HealthChecks, bs.Backends = nil, nil
			op, err := c.BackendServices.Insert(ctx, &computepb.InsertBackendServiceRequest{Project: testProject, BackendServiceResource: bs})
			mustWait(t, op, err)
		case KindURLMap:
			urlMap = r
			op, err := c.URLMaps.Insert(ctx, &computepb.InsertUrlMapRequest{Project: testProject, UrlMapResource: r.Spec.(*computepb.UrlMap)})
			mustWait(t, op, err)
		}
	}
	got, err := c.URLMaps.Get(ctx, &computepb.GetUrlMapRequest{Project: testProject, UrlMap: urlMap.Name})
	if err != nil {
		t.Fatal(err)
	}
	if fields := fieldsOf(KindURLMap, got); fmt.Sprint(fields) != fmt.Sprint(urlMap.Fields) {
		t.Errorf("the URL map reads back as\n%v\nnot as wanted\n%v", fields, urlMap.Fields)
	}
	return urlMap.Name
}

func mustWait(t *testing.T, op *compute.Operation, err error) {
	t.Helper()
	if err == nil {
		err = op.Wait(context.Background())
	}
	if err != nil {
		t.Fatal(err)
	}
}
