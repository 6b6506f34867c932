package model

import (
	corev1 "k8s.io/api/core/v1"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/portico-dev/portico/api/v1alpha1"
)

const frozenWeb = `
metadata: {name: web, namespace: shop, uid: u-web, generation: 1, annotations: {portico.dev/group: front, portico.dev/static-address: shop-ip}}
spec:
  defaultBackend: {service: {name: fallback, port: {number: 80}}}
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`

const frozenAPI = `
metadata: {name: api, namespace: shop, uid: u-api, generation: 3, creationTimestamp: "2030-01-01T00:00:00Z", annotations: {portico.dev/group: front}}
spec:
  rules:
  - host: shop.example.com
    http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
`

func frontGroup(t *testing.T, ings ...*networkingv1.Ingress) Group {
	t.Helper()
	class, _ := ClassOf(ings[0], offline())
	return Group{Key: KeyOf(ings[0], class, offline()), Ingresses: ings}
}

// A typo in an annotation of the oldest member must not take its routes, its certificate,
// its default backend or its static address away from the load balancer.
func TestInvalidMemberIsFrozenAtItsLastAcceptedVersion(t *testing.T) {
	web, api := mustIngress(t, frozenWeb), mustIngress(t, frozenAPI)
	before := TranslateGroup(frontGroup(t, web, api), offline(), Config{})
	if len(before.Problems) != 0 {
		t.Fatalf("unexpected problems: %v", before.Problems)
	}

	typo := web.DeepCopy()
	typo.Generation = 2
	typo.Annotations[AnnotationAllowHTTP] = "flase"
	typo.Spec.Rules[0].HTTP.Paths[0].Path = "/new"
	g := frontGroup(t, typo, api)
	g.Previous = &before.Spec
	after := TranslateGroup(g, offline(), Config{})

	if !equality.Semantic.DeepEqual(before.Spec, after.Spec) {
		t.Errorf("the spec changed although the only change was invalid:\nbefore %+v\nafter  %+v", before.Spec, after.Spec)
	}
	m := memberOf(after, "web")
	if m.State != v1alpha1.MemberFrozen || m.Reason != ReasonInvalidAnnotation || m.Generation != 1 || !m.Accepted {
		t.Errorf("member web = %+v, want Frozen at generation 1 for InvalidAnnotation", m)
	}
	if st := after.MemberStatuses(); len(st) != 1 || st[0].Name != "web" || st[0].State != v1alpha1.MemberFrozen {
		t.Errorf("status.members = %+v, want web Frozen", st)
	}
	if !hasProblem(after, "web", ReasonServingLastAccepted, "") || !hasProblem(after, "web", ReasonInvalidAnnotation, "") {
		t.Errorf("web is not told both what is wrong and what is served: %v", after.Problems)
	}
}

// A member that was never accepted has nothing to keep: it is rejected, and the rest serve.
func TestInvalidNewMemberIsRejectedAndTheRestServe(t *testing.T) {
	web, api := mustIngress(t, frozenWeb), mustIngress(t, frozenAPI)
	before := TranslateGroup(frontGroup(t, web), offline(), Config{})
	api.Annotations[AnnotationAllowHTTP] = "flase"
	g := frontGroup(t, web, api)
	g.Previous = &before.Spec
	after := TranslateGroup(g, offline(), Config{})
	if m := memberOf(after, "api"); m.State != v1alpha1.MemberRejected || m.Accepted {
		t.Errorf("member api = %+v, want Rejected", m)
	}
	if !equality.Semantic.DeepEqual(before.Spec, after.Spec) {
		t.Errorf("a rejected newcomer changed the spec")
	}
}

// An Ingress re-created with the same name (kubectl replace --force) is a new Ingress: it
// never inherits the frozen state of the one it replaced.
func TestRecreatedIngressIsNotFrozen(t *testing.T) {
	web := mustIngress(t, frozenWeb)
	before := TranslateGroup(frontGroup(t, web), offline(), Config{})
	again := web.DeepCopy()
	again.UID = types.UID("u-web-2")
	again.Annotations[AnnotationAllowHTTP] = "flase"
	g := frontGroup(t, again)
	g.Previous = &before.Spec
	after := TranslateGroup(g, offline(), Config{})
	if m := memberOf(after, "web"); m.State != v1alpha1.MemberRejected {
		t.Errorf("re-created web = %+v, want Rejected", m)
	}
}

// A held Ingress (its IngressClass is being re-created) is served as it was.
func TestHeldIngressIsServedAsLastAccepted(t *testing.T) {
	web := mustIngress(t, frozenWeb)
	before := TranslateGroup(frontGroup(t, web), offline(), Config{})
	gone := web.DeepCopy()
	gone.Spec.IngressClassName = ptrTo("deleted")
	g := Group{Key: before.Key, Previous: &before.Spec, Held: []Hold{{
		Ingress: gone, State: v1alpha1.MemberFrozen, Field: "spec.ingressClassName",
		Reason: ReasonIngressClassNotFound, Message: "IngressClass deleted does not exist",
	}}}
	after := TranslateGroup(g, offline(), Config{})
	if !equality.Semantic.DeepEqual(before.Spec, after.Spec) {
		t.Errorf("a held Ingress changed the spec")
	}
	if !hasProblem(after, "web", ReasonIngressClassNotFound, "") {
		t.Errorf("the held Ingress is not told why: %v", after.Problems)
	}
}

func TestGrantsReserveAddressesForSelectedNamespaces(t *testing.T) {
	l := offline()
	l.IngressClasses[0].Spec.Parameters = &networkingv1.IngressClassParametersReference{
		APIGroup: ptrTo(v1alpha1.GroupVersion.Group), Kind: "IngressClassParams", Name: "p",
	}
	l.ClassParams = []v1alpha1.IngressClassParams{{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Spec: v1alpha1.IngressClassParamsSpec{
		Grants: []v1alpha1.Grant{{StaticAddresses: []string{"shop-ip"},
			NamespaceSelector: metav1.LabelSelector{MatchLabels: map[string]string{"team": "shop"}}}},
	}}}
	web := mustIngress(t, frozenWeb)
	res := Translate(GroupKey{Kind: KeyKindIngress, Namespace: "shop", Name: "web"}, []*networkingv1.Ingress{web}, l, Config{})
	if !hasProblem(res, "web", ReasonNotGranted, "") {
		t.Errorf("an unlabelled namespace named a granted address: %v", res.Problems)
	}
	l.Namespaces = append(l.Namespaces, namespace("shop", map[string]string{"team": "shop"}))
	res = Translate(GroupKey{Kind: KeyKindIngress, Namespace: "shop", Name: "web"}, []*networkingv1.Ingress{web}, l, Config{})
	if hasProblem(res, "web", ReasonNotGranted, "") {
		t.Errorf("the granted namespace was refused: %v", res.Problems)
	}
}

func memberOf(res *Result, name string) Member {
	for _, m := range res.Members {
		if m.Ingress.Name == name {
			return m
		}
	}
	return Member{}
}

func namespace(name string, labels map[string]string) corev1.Namespace {
	return corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
}

// TestFreezingWorksOnASpecWrittenBeforeTheUpgrade: a LoadBalancer written by an earlier
// version records no member UIDs, claims or certificate owners; the first invalid edit after
// the upgrade must still keep everything, the static address first of all.
func TestFreezingWorksOnASpecWrittenBeforeTheUpgrade(t *testing.T) {
	web := mustIngress(t, frozenWeb)
	before := TranslateGroup(frontGroup(t, web), offline(), Config{})
	legacy := before.Spec.DeepCopy()
	legacy.Claims = nil
	for i := range legacy.Members {
		legacy.Members[i].UID, legacy.Members[i].Generation = "", 0
	}
	for i := range legacy.TLS {
		legacy.TLS[i].Ingresses = nil
	}

	typo := web.DeepCopy()
	typo.Annotations[AnnotationAllowHTTP] = "flase"
	g := frontGroup(t, typo)
	g.Previous = legacy
	after := TranslateGroup(g, offline(), Config{})
	if m := memberOf(after, "web"); m.State != v1alpha1.MemberFrozen {
		t.Fatalf("member web = %+v, want Frozen", m)
	}
	s := after.Spec
	if s.StaticAddress != "shop-ip" || len(s.TLS) != 1 || s.DefaultBackend == "" || len(s.Rules) != 1 || !s.Frontends.HTTP {
		t.Errorf("the upgraded load balancer lost part of what it served: %+v", s)
	}
}
