package nginxmode_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/providertest"
	"github.com/portico-dev/portico/test/echo"
	"github.com/portico-dev/portico/test/nginxmode"
)

// encodedSlashTables are requests whose path holds an encoded slash (%2F). nginx decodes
// it before it matches locations, so /foo%2Fbar would reach Prefix /foo; the reference
// router keeps %2F inside its path element, as the Kubernetes semantics match element by
// element, and the renderer makes nginx agree.
var encodedSlashTables = []providertest.RoutingTable{{
	Name: "encoded slash",
	Spec: spec(
		v1alpha1.PathRule{Path: "/foo", PathType: v1alpha1.PathTypePrefix, Backend: "prefix-foo"},
		v1alpha1.PathRule{Path: "/foo/bar", PathType: v1alpha1.PathTypeExact, Backend: "exact-foo-bar"},
		v1alpha1.PathRule{Path: "/a/b", PathType: v1alpha1.PathTypePrefix, Backend: "prefix-a-b"},
	),
	Requests: []providertest.RoutingRequest{
		{Host: "any.test", Path: "/foo%2Fbar", Backend: ""},
		{Host: "any.test", Path: "/foo%2fbar", Backend: ""},
		{Host: "any.test", Path: "/foo/bar%2Fbaz", Backend: "prefix-foo"},
		{Host: "any.test", Path: "/foo/bar", Backend: "exact-foo-bar"},
		{Host: "any.test", Path: "/a%2Fb", Backend: ""},
		{Host: "any.test", Path: "/a/b/c%2Fd?x=%2F", Backend: "prefix-a-b"},
		{Host: "any.test", Path: "/foo?next=%2Fbar", Backend: "prefix-foo"},
	},
}, {
	Name: "encoded slash under Prefix /",
	Spec: spec(
		v1alpha1.PathRule{Path: "/", PathType: v1alpha1.PathTypePrefix, Backend: "prefix-root"},
		v1alpha1.PathRule{Path: "/foo", PathType: v1alpha1.PathTypePrefix, Backend: "prefix-foo"},
	),
	Requests: []providertest.RoutingRequest{
		{Host: "any.test", Path: "/foo%2Fbar", Backend: "prefix-root"},
		{Host: "any.test", Path: "/%2Ffoo", Backend: "prefix-root"},
		{Host: "any.test", Path: "/foo/x%2Fy", Backend: "prefix-foo"},
	},
}}

func spec(paths ...v1alpha1.PathRule) v1alpha1.LoadBalancerSpec {
	s := v1alpha1.LoadBalancerSpec{Provider: v1alpha1.ProviderNginx, Frontends: v1alpha1.Frontends{HTTP: true},
		Rules: []v1alpha1.HostRule{{Paths: paths}}}
	for _, p := range paths {
		s.Backends = append(s.Backends, v1alpha1.Backend{Name: p.Backend, TargetType: v1alpha1.TargetTypeIP,
			Service: v1alpha1.ServiceRef{Namespace: "tables", Name: p.Backend, PortNumber: 80}})
	}
	return s
}

// TestRoutingTablesThroughNginx sends every request of the reference router's tables (the
// contract suite's path and host tables, and the encoded-slash table) through a real nginx
// that serves the table's load balancer, with an echo backend per backend: each request
// reaches the backend that model.Route names, or gets a 404 when it names none.
func TestRoutingTablesThroughNginx(t *testing.T) {
	n := nginxmode.Start(t, nginxmode.Options{})
	backends := map[string]*echo.Server{}
	client := n.Client(nil)
	outer := t
	for _, table := range append(providertest.RoutingTables(), encodedSlashTables...) {
		t.Run(table.Name, func(t *testing.T) {
			lb := nginxfallback.LoadBalancer{Name: "table", Spec: table.Spec, Targets: map[string][]providers.Target{}}
			for _, be := range table.Spec.Backends {
				if backends[be.Name] == nil {
					backends[be.Name] = echo.New(outer, echo.Identity{Service: be.Name})
				}
				lb.Targets[be.Name] = []providers.Target{{IP: "127.0.0.1", Port: backends[be.Name].Port}}
			}
			in := nginxfallback.Input{LoadBalancers: []nginxfallback.LoadBalancer{lb}}
			in.HostOwners, in.CatchAll, _ = nginxfallback.ClaimsInOrder(in.LoadBalancers)
			n.MustApply(in)
			for _, req := range table.Requests {
				checkRoute(t, client, n, &lb.Spec, req)
			}
		})
	}
}

// checkRoute checks the table against the reference router, then nginx against both.
func checkRoute(t *testing.T, client *http.Client, n *nginxmode.Nginx, spec *v1alpha1.LoadBalancerSpec, req providertest.RoutingRequest) {
	t.Helper()
	d := model.Route(spec, req.Host, req.Path)
	if d.Backend != req.Backend {
		t.Errorf("the table is wrong: %s%s goes to %q by the table, %q by the reference router (%s)", req.Host, req.Path, req.Backend, d.Backend, d.Reason)
		return
	}
	got, err := routeThrough(client, n, req.Host, req.Path)
	if err != nil {
		t.Errorf("%s%s: %v", req.Host, req.Path, err)
		return
	}
	if got != d.Backend {
		t.Errorf("%s%s: nginx routes to %q, the reference router to %q (%s)", req.Host, req.Path, got, d.Backend, d.Reason)
	}
}

// routeThrough sends a request through nginx and returns the backend that answered, or ""
// for a 404. The path is sent as written, escapes included.
func routeThrough(client *http.Client, n *nginxmode.Nginx, host, path string) (string, error) {
	req, err := http.NewRequest(http.MethodGet, "http://"+n.Addr("http")+path, nil)
	if err != nil {
		return "", err
	}
	req.Host = host
	if host == "" {
		req.Host = n.Addr("http")
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	switch resp.StatusCode {
	case http.StatusNotFound:
		return "", nil
	case http.StatusOK:
		e, err := echo.Decode(body)
		if err != nil {
			return "", err
		}
		if e.Path != path {
			return "", fmt.Errorf("the backend %s received path %s", e.Service, e.Path)
		}
		return e.Service, nil
	}
	return "", fmt.Errorf("status %d: %.200s", resp.StatusCode, body)
}
