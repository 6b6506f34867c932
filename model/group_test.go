package model

import (
	"strings"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestLoadBalancerNameIsReadableStableAndCollisionFree(t *testing.T) {
	key := GroupKey{Kind: KeyKindIngress, Namespace: "shop", Name: "web"}
	name := key.LoadBalancerName()
	if !strings.HasPrefix(name, "shop-web-") || len(name) != len("shop-web-")+hashLength {
		t.Errorf("name %q is not namespace-name-hash", name)
	}
	if key.LoadBalancerName() != name {
		t.Error("the same key gave two names")
	}

	long := strings.Repeat("n", 63)
	a := GroupKey{Kind: KeyKindIngress, Namespace: long, Name: strings.Repeat("a", 200)}
	b := GroupKey{Kind: KeyKindIngress, Namespace: long, Name: strings.Repeat("a", 199) + "b"}
	na, nb := a.LoadBalancerName(), b.LoadBalancerName()
	if len(na) > maxNameLength || !dns1123Label.MatchString(na) {
		t.Errorf("truncated name %q is not a DNS label of at most %d", na, maxNameLength)
	}
	if na == nb {
		t.Errorf("two keys that share a truncated prefix got the same name %q", na)
	}

	// The same names in different kinds, classes or scopes are different load balancers.
	seen := map[string]GroupKey{}
	for _, k := range []GroupKey{
		{Kind: KeyKindIngress, Namespace: "a", Name: "b"},
		{Kind: KeyKindGroup, Class: "x", Namespace: "a", Name: "b"},
		{Kind: KeyKindGroup, Class: "y", Namespace: "a", Name: "b"},
		{Kind: KeyKindGroup, Class: "x", Name: "b"},
		{Kind: KeyKindIngress, Namespace: "a-b", Name: "c"},
		{Kind: KeyKindIngress, Namespace: "a", Name: "b-c"},
	} {
		n := k.LoadBalancerName()
		if other, dup := seen[n]; dup {
			t.Errorf("keys %s and %s share the name %s", k, other, n)
		}
		seen[n] = k
	}
}

func TestDefaultClassIsTheNewest(t *testing.T) {
	older := porticoClass("older", true)
	older.CreationTimestamp = metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	other := networkingv1.IngressClass{
		ObjectMeta: metav1.ObjectMeta{Name: "newer", CreationTimestamp: metav1.NewTime(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)),
			Annotations: map[string]string{annotationDefaultClass: "true"}},
		Spec: networkingv1.IngressClassSpec{Controller: "example.com/other"},
	}
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: "y"}}

	l := &Snapshot{IngressClasses: []networkingv1.IngressClass{older, other}}
	if _, ok := ClassOf(ing, l); ok {
		t.Error("the newest default class belongs to another controller, yet portico claimed the Ingress")
	}
	other.Spec.Controller = ControllerName
	l = &Snapshot{IngressClasses: []networkingv1.IngressClass{older, other}}
	if c, ok := ClassOf(ing, l); !ok || c.Name != "newer" {
		t.Errorf("want the newest default class, got %q (ours=%v)", c.Name, ok)
	}
}

func TestUnknownAnnotationSuggestsTheClosest(t *testing.T) {
	cases := map[string]string{
		"portico.dev/ssl-redirct":         AnnotationSSLRedirect,
		"portico.dev/healthcheck-path":    AnnotationHealthCheckPath,
		"portico.dev/grop":                AnnotationGroup,
		"portico.dev/something-different": "",
	}
	for name, want := range cases {
		got := suggestAnnotation(name)
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("suggestion for %s: %q, want %q", name, got, want)
		}
	}
}

// TestEveryAnnotationExampleIsValid keeps the examples of docs/annotations.md honest.
func TestEveryAnnotationExampleIsValid(t *testing.T) {
	for _, def := range Annotations {
		if def.parse == nil {
			continue
		}
		var s settings
		if msg := def.parse(def.Example, &s); msg != "" {
			t.Errorf("example %q of %s is rejected: %s", def.Example, def.Name, msg)
		}
	}
}

func TestGroupKeyRoundTrips(t *testing.T) {
	for _, k := range []GroupKey{
		{Kind: KeyKindIngress, Namespace: "a", Name: "b"},
		{Kind: KeyKindGroup, Class: "c", Namespace: "a", Name: "g"},
		{Kind: KeyKindGroup, Class: "c", Name: "g"},
	} {
		if got, ok := ParseGroupKey(k.String()); !ok || got != k {
			t.Errorf("%s parsed as %+v %v", k, got, ok)
		}
	}
	for _, s := range []string{"", "Ingress/a", "Group/c/a", "Other/a/b", "Ingress//b"} {
		if _, ok := ParseGroupKey(s); ok {
			t.Errorf("%q parsed as a key", s)
		}
	}
}
