package model

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Placement says what one load balancer's reconcile does with an Ingress.
type Placement int

const (
	// PlaceNone means the Ingress is not this load balancer's concern.
	PlaceNone Placement = iota
	// PlaceMember means: translate it as a member.
	PlaceMember
	// PlaceHold means: keep serving it as it was last accepted (see Hold).
	PlaceHold
	// PlaceRelease means it left portico's class for another controller's; let it go.
	PlaceRelease
)

// Place decides what the load balancer of key does with an Ingress that is not being
// deleted. A load balancer gives an Ingress up only when the user asked: its class became
// another controller's, or it moved to another group or provider (then the new load balancer
// takes it over once it is Programmed). A missing class or an invalid group name keeps it
// where it is served.
func Place(ing *networkingv1.Ingress, key GroupKey, l Lookup) (Placement, Hold) {
	servedBy := ing.Annotations[AnnotationLoadBalancer]
	served := servedBy == key.LoadBalancerName()
	class, state := ResolveClass(ing, l)
	switch {
	case state == ClassForeign && (served || servedBy == ""):
		return PlaceRelease, Hold{}
	case state == ClassMissing && served:
		return PlaceHold, Hold{Ingress: ing, State: v1alpha1.MemberFrozen, Field: "spec.ingressClassName", Reason: ReasonIngressClassNotFound,
			Message: fmt.Sprintf("IngressClass %s does not exist; the load balancer keeps serving this Ingress as it was last accepted until the class exists again (to leave portico, name another controller's class)", quote(ClassNameOf(ing)))}
	case state == ClassMissing && servedBy == "":
		return PlaceRelease, Hold{}
	case state != ClassOurs:
		// The load balancer that serves it decides.
		return PlaceNone, Hold{}
	}
	if msg := groupAnnotationProblem(ing); msg != "" && served {
		return PlaceHold, Hold{Ingress: ing, State: v1alpha1.MemberFrozen, Field: annotationField(AnnotationGroup), Reason: ReasonInvalidAnnotation,
			Message: msg + "; the load balancer keeps serving this Ingress as it was last accepted"}
	}
	own := KeyOf(ing, class, l)
	switch {
	case own == key:
		return PlaceMember, Hold{}
	case served:
		return PlaceHold, Hold{Ingress: ing, State: v1alpha1.MemberMoving, Field: "metadata", Reason: ReasonLoadBalancerChanging,
			Message: fmt.Sprintf("the Ingress moves to LoadBalancer %s; this load balancer keeps serving it until that one is Programmed", own.LoadBalancerName())}
	}
	return PlaceNone, Hold{}
}

// groupAnnotationProblem says why a group annotation cannot be used, or "".
func groupAnnotationProblem(ing *networkingv1.Ingress) string {
	group, ok := ing.Annotations[AnnotationGroup]
	if !ok || group != "" && len(group) <= 63 && dns1123Label.MatchString(group) {
		return ""
	}
	return fmt.Sprintf("group %s is not a DNS label (lowercase letters, digits and '-', at most 63)", quote(group))
}
