package model

import (
	"fmt"
	"strings"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Regression tests for the findings of the review of the model.

func createdOn(ing *networkingv1.Ingress, day int) *networkingv1.Ingress {
	ing.CreationTimestamp = metav1.NewTime(time.Date(2026, 1, day, 0, 0, 0, 0, time.UTC))
	return ing
}

func translateGroup(t *testing.T, l Lookup, ings ...*networkingv1.Ingress) *Result {
	t.Helper()
	class, ok := ClassOf(ings[0], l)
	if !ok {
		t.Fatal("not portico's")
	}
	return Translate(KeyOf(ings[0], class, l), ings, l, Config{})
}

func hasProblem(res *Result, ingress, reason, field string) bool {
	for _, p := range res.Problems {
		if p.Ingress.Name == ingress && p.Reason == reason && strings.Contains(p.Field, field) {
			return true
		}
	}
	return false
}

func ptrTo[T any](v T) *T { return &v }

func TestCertificateWithoutHostsKeepsServingEveryHost(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: a}
spec:
  tls: [{secretName: wild}, {secretName: wild, hosts: [a.example.com]}]
  rules:
  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}
`)
	res := translateOne(t, ing, offline())
	if len(res.Spec.TLS) != 1 || len(res.Spec.TLS[0].Hosts) != 0 {
		t.Errorf("a certificate listed once without hosts must serve every host, got %+v", res.Spec.TLS)
	}
}

func TestNewerMemberCannotOverrideTheClassProviderOrScheme(t *testing.T) {
	l := offline()
	l.IngressClasses[0].Spec.Parameters = &networkingv1.IngressClassParametersReference{
		APIGroup: ptrTo("portico.dev"), Kind: "IngressClassParams", Name: "p",
	}
	l.ClassParams = []v1alpha1.IngressClassParams{{ObjectMeta: metav1.ObjectMeta{Name: "p"},
		Spec: v1alpha1.IngressClassParamsSpec{Provider: "aws", AWS: &v1alpha1.AWSParams{Scheme: "internal"}}}}
	old := createdOn(mustIngress(t, `
metadata: {name: old, annotations: {portico.dev/group: g}}
spec:
  rules:
  - http: {paths: [{path: /internal-admin, pathType: Prefix, backend: {service: {name: admin, port: {number: 80}}}}]}
`), 1)
	young := createdOn(mustIngress(t, `
metadata: {name: young, annotations: {portico.dev/group: g, portico.dev/provider: gcp, portico.dev/scheme: internet-facing}}
spec:
  rules:
  - http: {paths: [{path: /web, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`), 2)
	res := translateGroup(t, l, old, young)
	if res.Spec.Provider != "aws" || res.Spec.Scheme != "internal" {
		t.Errorf("the oldest member's class chose aws/internal; a newer member switched it to %s/%s", res.Spec.Provider, res.Spec.Scheme)
	}
	if !hasProblem(res, "young", ReasonSettingConflict, AnnotationProvider) || !hasProblem(res, "young", ReasonSettingConflict, AnnotationScheme) {
		t.Errorf("the newer member gets no SettingConflict warnings: %v", res.Problems)
	}
}

func TestLoadBalancerLimitsLeaveTheLargeMemberOut(t *testing.T) {
	var b strings.Builder
	b.WriteString("metadata: {name: many, annotations: {portico.dev/group: g}}\nspec:\n  tls:\n")
	for i := 0; i < 101; i++ {
		fmt.Fprintf(&b, "  - {secretName: s%d, hosts: [h%d.example.com]}\n", i, i)
	}
	b.WriteString("  rules:\n  - http: {paths: [{path: /many, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}\n")
	small := createdOn(mustIngress(t, `
metadata: {name: small, annotations: {portico.dev/group: g}}
spec:
  rules:
  - http: {paths: [{path: /small, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}
`), 1)
	many := createdOn(mustIngress(t, b.String()), 2)
	res := translateGroup(t, offline(), small, many)
	if len(res.Spec.TLS) > maxCertificates {
		t.Fatalf("spec.tls has %d certificates; the CRD allows %d", len(res.Spec.TLS), maxCertificates)
	}
	if !hasProblem(res, "many", ReasonTooLarge, "spec") || len(res.Accepted()) != 1 || res.Accepted()[0].Name != "small" {
		t.Errorf("want the large Ingress left out with TooLarge and the small one served; got %v %v", res.Members, res.Problems)
	}
}

func TestPreSharedCertificateRefusesDotDotAndDoubleSlash(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: a, annotations: {portico.dev/pre-shared-certificates: "x/../../projects/other/global/sslCertificates/stolen,a//b"}}
spec:
  rules:
  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}
`)
	res := translateGroup(t, offline(), ing)
	if len(res.Spec.TLS) != 0 || !hasProblem(res, "a", ReasonInvalidAnnotation, AnnotationPreSharedCerts) {
		t.Errorf("want the annotation refused, got spec.tls %+v and problems %v", res.Spec.TLS, res.Problems)
	}
}

func TestExactBeatsPrefixWithTrailingSlashAtEqualLength(t *testing.T) {
	spec := &v1alpha1.LoadBalancerSpec{Rules: []v1alpha1.HostRule{{Paths: []v1alpha1.PathRule{
		{Path: "/foo/", PathType: "Prefix", Backend: "prefix"},
		{Path: "/foo", PathType: "Exact", Backend: "exact"},
	}}}}
	if d := Route(spec, "h", "/foo"); d.Backend != "exact" {
		t.Errorf("Exact /foo must beat Prefix /foo/ for /foo; got %s", d.Backend)
	}
}

func TestRequestPathIsNormalizedLikeADataPlane(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: a}
spec:
  rules:
  - http:
      paths:
      - {path: /public, pathType: Prefix, backend: {service: {name: public, port: {number: 80}}}}
      - {path: /admin, pathType: Prefix, backend: {service: {name: admin, port: {number: 80}}}}
`)
	res := translateOne(t, ing, offline())
	cases := map[string]string{
		"/public/../admin":     "admin",
		"//admin":              "admin",
		"/public/%2e%2e/admin": "admin",
		"/public/./x":          "public",
		"/public%2Fx":          "", // an encoded slash never splits an element
		"/../../admin":         "admin",
	}
	for path, want := range cases {
		d := Route(&res.Spec, "h", path)
		got := ""
		if d.Service != nil {
			got = d.Service.Name
		}
		if got != want {
			t.Errorf("%s: routed to %q, want %q (%s)", path, got, want, d.Reason)
		}
	}
	u, _ := ParseRequestURL("http://h/public/../admin")
	if ex := Explain([]*Result{res}, []*networkingv1.Ingress{ing}, u, ""); ex.Service != "admin" {
		t.Errorf("explain sends /public/../admin to %q, want admin", ex.Service)
	}
}

func TestMisspelledPrefixIsReported(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: a, annotations: {portico.io/group: g, Portico.dev/allow-http: "false"}}
spec:
  rules:
  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}
`)
	res := translateGroup(t, offline(), ing)
	if !hasProblem(res, "a", ReasonUnknownAnnotation, "portico.io/group") || !hasProblem(res, "a", ReasonUnknownAnnotation, "Portico.dev/allow-http") {
		t.Errorf("misspelled prefixes are ignored in silence: %v", res.Problems)
	}
}

func TestEmptyClassAnnotationFallsToTheDefaultClass(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: a, annotations: {kubernetes.io/ingress.class: ""}}
spec:
  rules:
  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}
`)
	if _, ok := ClassOf(ing, offline()); !ok {
		t.Error("an empty kubernetes.io/ingress.class must fall to the default class")
	}
}

func TestInvalidNamespaceSelectorIsReported(t *testing.T) {
	l := offline()
	l.IngressClasses[0].Spec.Parameters = &networkingv1.IngressClassParametersReference{
		APIGroup: ptrTo("portico.dev"), Kind: "IngressClassParams", Name: "p",
	}
	l.ClassParams = []v1alpha1.IngressClassParams{{ObjectMeta: metav1.ObjectMeta{Name: "p"},
		Spec: v1alpha1.IngressClassParamsSpec{Group: &v1alpha1.GroupParams{NamespaceSelector: &metav1.LabelSelector{
			MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "team", Operator: "Bogus"}}}}}}}
	ing := mustIngress(t, `
metadata: {name: a, annotations: {portico.dev/group: g}}
spec:
  rules:
  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}
`)
	res := translateGroup(t, l, ing)
	if !hasProblem(res, "a", ReasonInvalidClassParameters, "spec.ingressClassName") {
		t.Errorf("an invalid namespace selector is ignored in silence: %v", res.Problems)
	}
}

func TestHostileAnnotationKeyIsQuotedInTheField(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: a}
spec:
  rules:
  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}
`)
	ing.Annotations = map[string]string{"portico.dev/x\x1b[31mRED\n": "v"}
	res := translateGroup(t, offline(), ing)
	for _, p := range res.Problems {
		if strings.ContainsAny(p.Field, "\x1b\n") {
			t.Errorf("raw control bytes in field %q", p.Field)
		}
	}
}

func TestConflictMessageSaysThePathTypeAsWritten(t *testing.T) {
	a := createdOn(mustIngress(t, `
metadata: {name: a, annotations: {portico.dev/group: g}}
spec:
  rules:
  - http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}
`), 1)
	b := createdOn(mustIngress(t, `
metadata: {name: b, annotations: {portico.dev/group: g}}
spec:
  rules:
  - http: {paths: [{path: /api, pathType: ImplementationSpecific, backend: {service: {name: t, port: {number: 80}}}}]}
`), 2)
	res := translateGroup(t, offline(), a, b)
	for _, p := range res.Problems {
		if p.Reason == ReasonRouteConflict && !strings.HasPrefix(p.Message, "ImplementationSpecific path") {
			t.Errorf("conflict message %q does not say the path type as written", p.Message)
		}
	}
}

// TestTimeoutAloneNeverMakesAProbeTheProviderRefuses: a health-check timeout set alone and
// longer than the default interval lengthens the interval, so that one member's annotation
// never makes the provider refuse the whole load balancer.
func TestTimeoutAloneNeverMakesAProbeTheProviderRefuses(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: a, annotations: {portico.dev/health-check-timeout-seconds: "60"}}
spec:
  defaultBackend: {service: {name: s, port: {number: 80}}}
`)
	res := translateOne(t, ing, offline())
	hc := res.Spec.Backends[0].HealthCheck
	if hc == nil || hc.TimeoutSeconds != 60 || hc.IntervalSeconds < hc.TimeoutSeconds {
		t.Errorf("health check %+v: the timeout exceeds the interval", hc)
	}
}
