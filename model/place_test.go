package model

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// servedBy marks an Ingress as served by the load balancer of key, as the controller does.
func servedBy(ing *networkingv1.Ingress, key GroupKey) *networkingv1.Ingress {
	out := ing.DeepCopy()
	out.Annotations[AnnotationLoadBalancer] = key.LoadBalancerName()
	return out
}

// TestPlaceGivesAnIngressUpOnlyWhenTheUserAskedFor covers each way an Ingress can look as if
// it left its load balancer.
func TestPlaceGivesAnIngressUpOnlyWhenTheUserAskedFor(t *testing.T) {
	web := mustIngress(t, frozenWeb)
	class, _ := ClassOf(web, offline())
	key := KeyOf(web, class, offline())
	other := offline()
	other.IngressClasses = append(other.IngressClasses, networkingv1.IngressClass{})
	other.IngressClasses[1].Name = "someone-else"
	other.IngressClasses[1].Spec.Controller = "example.com/other"

	cases := []struct {
		name  string
		ing   func() *networkingv1.Ingress
		l     Lookup
		want  Placement
		state string
	}{
		{"member", func() *networkingv1.Ingress { return servedBy(web, key) }, offline(), PlaceMember, ""},
		{"class deleted", func() *networkingv1.Ingress {
			i := servedBy(web, key)
			i.Spec.IngressClassName = ptrTo("gone")
			return i
		}, offline(), PlaceHold, v1alpha1.MemberFrozen},
		{"group name invalid", func() *networkingv1.Ingress {
			i := servedBy(web, key)
			i.Annotations[AnnotationGroup] = "Front_End"
			return i
		}, offline(), PlaceHold, v1alpha1.MemberFrozen},
		{"group renamed", func() *networkingv1.Ingress {
			i := servedBy(web, key)
			i.Annotations[AnnotationGroup] = "back"
			return i
		}, offline(), PlaceHold, v1alpha1.MemberMoving},
		{"another controller's class", func() *networkingv1.Ingress {
			i := servedBy(web, key)
			i.Spec.IngressClassName = ptrTo("someone-else")
			return i
		}, other, PlaceRelease, ""},
		{"served elsewhere, class deleted", func() *networkingv1.Ingress {
			i := web.DeepCopy()
			i.Annotations[AnnotationLoadBalancer] = "another-lb"
			i.Spec.IngressClassName = ptrTo("gone")
			return i
		}, offline(), PlaceNone, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, hold := Place(c.ing(), key, c.l)
			if got != c.want || hold.State != c.state {
				t.Errorf("Place = %v (hold %q), want %v (hold %q)", got, hold.State, c.want, c.state)
			}
		})
	}
}

// TestProviderDroppedFromTheControllerFreezes: a provider removed from --providers makes
// its Ingresses invalid, which freezes them; it never moves them to another provider.
func TestProviderDroppedFromTheControllerFreezes(t *testing.T) {
	web := mustIngress(t, frozenWeb)
	web.Annotations[AnnotationProvider] = v1alpha1.ProviderFake
	g := frontGroup(t, web)
	before := TranslateGroup(g, offline(), Config{EnabledProviders: []string{v1alpha1.ProviderFake}})
	g.Previous = &before.Spec
	after := TranslateGroup(g, offline(), Config{EnabledProviders: []string{v1alpha1.ProviderNginx}})
	if m := memberOf(after, "web"); m.State != v1alpha1.MemberFrozen || m.Reason != ReasonProviderNotEnabled {
		t.Errorf("member web = %+v, want Frozen for ProviderNotEnabled", m)
	}
	if !equality.Semantic.DeepEqual(before.Spec, after.Spec) || after.Spec.Provider != v1alpha1.ProviderFake {
		t.Errorf("the load balancer changed (provider %s) when its provider was dropped", after.Spec.Provider)
	}
}
