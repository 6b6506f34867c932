package model

import (
	"fmt"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/portico-dev/portico/test/conformance"
)

// pathRule is one path of an Ingress in a table test.
type pathRule struct {
	pathType networkingv1.PathType
	path     string
}

// ingressWithPaths builds an Ingress whose every path goes to a Service named after it.
func ingressWithPaths(rules []pathRule) *networkingv1.Ingress {
	var b strings.Builder
	b.WriteString("metadata: {name: table}\nspec:\n  rules:\n  - http:\n      paths:\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "      - {path: %q, pathType: %s, backend: {service: {name: %s, port: {number: 80}}}}\n",
			r.path, r.pathType, serviceFor(r))
	}
	ing := &networkingv1.Ingress{}
	_ = yamlInto(b.String(), ing)
	ing.Namespace = "default"
	return ing
}

func serviceFor(r pathRule) string {
	name := strings.ToLower(string(r.pathType)) + strings.ReplaceAll(r.path, "/", "-")
	return strings.TrimSuffix(name, "-")
}

// TestKubernetesPathMatchingTable runs every example of the path matching table of the
// Kubernetes documentation (concepts/services-networking/ingress, "Examples").
func TestKubernetesPathMatchingTable(t *testing.T) {
	const (
		prefix = networkingv1.PathTypePrefix
		exact  = networkingv1.PathTypeExact
	)
	cases := []struct {
		rules []pathRule
		path  string
		want  *pathRule // nil: no match, default backend (404 here)
	}{
		{[]pathRule{{prefix, "/"}}, "/anything/at/all", &pathRule{prefix, "/"}},
		{[]pathRule{{exact, "/foo"}}, "/foo", &pathRule{exact, "/foo"}},
		{[]pathRule{{exact, "/foo"}}, "/bar", nil},
		{[]pathRule{{exact, "/foo"}}, "/foo/", nil},
		{[]pathRule{{exact, "/foo/"}}, "/foo", nil},
		{[]pathRule{{prefix, "/foo"}}, "/foo", &pathRule{prefix, "/foo"}},
		{[]pathRule{{prefix, "/foo"}}, "/foo/", &pathRule{prefix, "/foo"}},
		{[]pathRule{{prefix, "/foo/"}}, "/foo", &pathRule{prefix, "/foo/"}},
		{[]pathRule{{prefix, "/foo/"}}, "/foo/", &pathRule{prefix, "/foo/"}},
		{[]pathRule{{prefix, "/aaa/bb"}}, "/aaa/bbb", nil},
		{[]pathRule{{prefix, "/aaa/bbb"}}, "/aaa/bbb", &pathRule{prefix, "/aaa/bbb"}},
		{[]pathRule{{prefix, "/aaa/bbb/"}}, "/aaa/bbb", &pathRule{prefix, "/aaa/bbb/"}},
		{[]pathRule{{prefix, "/aaa/bbb"}}, "/aaa/bbb/", &pathRule{prefix, "/aaa/bbb"}},
		{[]pathRule{{prefix, "/aaa/bbb"}}, "/aaa/bbb/ccc", &pathRule{prefix, "/aaa/bbb"}},
		{[]pathRule{{prefix, "/aaa/bbb"}}, "/aaa/bbbxyz", nil},
		{[]pathRule{{prefix, "/"}, {prefix, "/aaa"}}, "/aaa/ccc", &pathRule{prefix, "/aaa"}},
		{[]pathRule{{prefix, "/"}, {prefix, "/aaa"}, {prefix, "/aaa/bbb"}}, "/aaa/bbb", &pathRule{prefix, "/aaa/bbb"}},
		{[]pathRule{{prefix, "/"}, {prefix, "/aaa"}, {prefix, "/aaa/bbb"}}, "/ccc", &pathRule{prefix, "/"}},
		{[]pathRule{{prefix, "/aaa"}}, "/ccc", nil},
		{[]pathRule{{prefix, "/foo"}, {exact, "/foo"}}, "/foo", &pathRule{exact, "/foo"}},
		// Beyond the table: case sensitivity and a query string.
		{[]pathRule{{prefix, "/foo"}}, "/FOO", nil},
		{[]pathRule{{exact, "/foo"}}, "/foo?x=1", &pathRule{exact, "/foo"}},
	}
	for _, tc := range cases {
		name := fmt.Sprintf("%v request %s", tc.rules, tc.path)
		t.Run(name, func(t *testing.T) {
			res := translateOne(t, ingressWithPaths(tc.rules), offline())
			d := Route(&res.Spec, "any.example.com", tc.path)
			if tc.want == nil {
				if d.Status != 404 {
					t.Fatalf("want 404, got %d via %s (%s)", d.Status, d.Backend, d.Reason)
				}
				return
			}
			if d.Status != 200 || d.Service == nil || d.Service.Name != serviceFor(*tc.want) {
				t.Fatalf("want Service %s, got %d %+v (%s)", serviceFor(*tc.want), d.Status, d.Service, d.Reason)
			}
		})
	}
}

// TestConformanceRouting runs the scenarios of the upstream conformance features that decide
// routing through translation and the reference router.
func TestConformanceRouting(t *testing.T) {
	for _, file := range []string{"path_rules.feature", "host_rules.feature", "default_backend.feature"} {
		f := conformance.LoadForTest(t, file)
		setup, err := conformance.SetupOf(f.Background)
		if err != nil {
			t.Fatal(err)
		}
		ing := setup.Ingresses[0]
		ing.Namespace = "conformance"
		res := translateOne(t, ing, offline())
		for _, sc := range f.Scenarios {
			t.Run(file+"/"+sc.Name, func(t *testing.T) {
				req, err := sc.Request()
				if err != nil {
					t.Fatal(err)
				}
				wantStatus, err := sc.ExpectedStatus()
				if err != nil {
					t.Fatal(err)
				}
				d := Route(&res.Spec, req.URL.Host, req.URL.Path)
				if d.Status != wantStatus {
					t.Fatalf("%s %s: status %d, want %d (%s)", req.Method, req.URL, d.Status, wantStatus, d.Reason)
				}
				if want := sc.ExpectedService(); want != "" && (d.Service == nil || d.Service.Name != want) {
					t.Fatalf("%s %s: served by %+v, want %s (%s)", req.Method, req.URL, d.Service, want, d.Reason)
				}
				if host := sc.ExpectedTLSHost(); host != "" {
					checkCertificateServes(t, res, ing, req.URL.String(), setup.Secrets, host)
				}
			})
		}
	}
}

// TestHostSemantics covers the host rules beyond the conformance files.
func TestHostSemantics(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: hosts}
spec:
  defaultBackend: {service: {name: fallback, port: {number: 80}}}
  rules:
  - host: "*.foo.com"
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: wildcard, port: {number: 80}}}}]}
  - host: exact.foo.com
    http: {paths: [{path: /only, pathType: Exact, backend: {service: {name: exact, port: {number: 80}}}}]}
  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: any-host, port: {number: 80}}}}]}
`)
	res := translateOne(t, ing, offline())
	cases := []struct {
		host, path, service, match string
	}{
		{"bar.foo.com", "/x", "wildcard", HostMatchWildcard},
		{"BAR.Foo.com:8443", "/x", "wildcard", HostMatchWildcard}, // case and port ignored
		{"exact.foo.com", "/only", "exact", HostMatchExact},
		// A precise host that has no matching path does not fall through to the wildcard or
		// the rule without host: the default backend takes it.
		{"exact.foo.com", "/other", "fallback", HostMatchExact},
		{"a.b.foo.com", "/", "any-host", HostMatchAny}, // wildcard covers exactly one label
		{"foo.com", "/", "any-host", HostMatchAny},
		{"", "/", "any-host", HostMatchAny},
	}
	for _, tc := range cases {
		d := Route(&res.Spec, tc.host, tc.path)
		if d.Service == nil || d.Service.Name != tc.service || d.HostMatch != tc.match {
			t.Errorf("%s%s: got %+v via %q, want %s via %q (%s)", tc.host, tc.path, d.Service, d.HostMatch, tc.service, tc.match, d.Reason)
		}
	}
}

func TestRouteWithoutAnyRuleIs404WithReason(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: one}
spec:
  rules:
  - host: shop.example.com
    http: {paths: [{path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}]}
`)
	res := translateOne(t, ing, offline())
	d := Route(&res.Spec, "other.example.com", "/cart")
	if d.Status != 404 || !strings.Contains(d.Reason, "no host rule matches host other.example.com") {
		t.Errorf("got %d %q", d.Status, d.Reason)
	}
	d = Route(&res.Spec, "shop.example.com", "/cartoon")
	if d.Status != 404 || !strings.Contains(d.Reason, "no path rule of it matches /cartoon") {
		t.Errorf("got %d %q", d.Status, d.Reason)
	}
}

// checkCertificateServes asserts that an HTTPS request gets the certificate of the Secret the
// feature created for its host.
func checkCertificateServes(t *testing.T, res *Result, ing *networkingv1.Ingress, rawURL string, secrets []conformance.TLSSecret, host string) {
	t.Helper()
	u, err := ParseRequestURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	ex := Explain([]*Result{res}, []*networkingv1.Ingress{ing}, u, "")
	for _, s := range secrets {
		if s.Host == host {
			if want := "Secret " + ing.Namespace + "/" + s.Name; ex.Certificate != want {
				t.Fatalf("%s: certificate %q, want %q (%v)", rawURL, ex.Certificate, want, ex.Reasons)
			}
			return
		}
	}
	t.Fatalf("the feature creates no TLS Secret for host %s", host)
}
