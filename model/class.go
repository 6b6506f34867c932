package model

import (
	"fmt"
	"sort"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// ControllerName is the IngressClass spec.controller value that portico implements.
const ControllerName = "portico.dev/ingress-controller"

const (
	// annotationIngressClass is the deprecated way to name an Ingress's class.
	annotationIngressClass = "kubernetes.io/ingress.class"
	// annotationDefaultClass marks the IngressClass of Ingresses that name none.
	annotationDefaultClass = "ingressclass.kubernetes.io/is-default-class"
)

// Class is the portico IngressClass of an Ingress and its parameters.
type Class struct {
	// Name of the IngressClass.
	Name string
	// Params are the IngressClassParams the class names, or nil.
	Params *v1alpha1.IngressClassParams
	// ParamsProblem says why the class's parameters cannot be used, or is empty.
	ParamsProblem string
}

// IsDefaultClass reports whether the IngressClass is marked as the cluster default.
func IsDefaultClass(c *networkingv1.IngressClass) bool {
	return c.Annotations[annotationDefaultClass] == "true"
}

// IsOurs reports whether the IngressClass belongs to portico.
func IsOurs(c *networkingv1.IngressClass) bool {
	return c != nil && c.Spec.Controller == ControllerName
}

// ClassState says whose an Ingress's IngressClass is.
type ClassState int

const (
	// ClassOurs means the class exists and is portico's.
	ClassOurs ClassState = iota
	// ClassForeign means the class exists and belongs to another controller.
	ClassForeign
	// ClassMissing means the class the Ingress names does not exist (or it names none and there
	// is no default class). A Helm upgrade that re-creates a class passes through this state,
	// so it never makes portico let go of a load balancer.
	ClassMissing
)

// ResolveClass is ClassOf, telling a missing class from another controller's.
func ResolveClass(ing *networkingv1.Ingress, l Lookup) (Class, ClassState) {
	ic := ingressClassOf(ing, l)
	switch {
	case ic == nil:
		return Class{}, ClassMissing
	case !IsOurs(ic):
		return Class{}, ClassForeign
	}
	class := Class{Name: ic.Name}
	class.Params, class.ParamsProblem = paramsOf(ic, l)
	return class, ClassOurs
}

// ClassNameOf returns the class an Ingress names, or "" when it names none.
func ClassNameOf(ing *networkingv1.Ingress) string {
	if name := ing.Spec.IngressClassName; name != nil {
		return *name
	}
	return ing.Annotations[annotationIngressClass]
}

// ClassOf resolves the IngressClass of an Ingress: spec.ingressClassName, else the deprecated
// kubernetes.io/ingress.class annotation, else the cluster's default IngressClass (the newest,
// when several are marked default, as the DefaultIngressClass admission plugin picks). ok is
// false when the class is not portico's or does not exist: such an Ingress is never touched.
func ClassOf(ing *networkingv1.Ingress, l Lookup) (Class, bool) {
	class, state := ResolveClass(ing, l)
	return class, state == ClassOurs
}

func ingressClassOf(ing *networkingv1.Ingress, l Lookup) *networkingv1.IngressClass {
	if name := ing.Spec.IngressClassName; name != nil {
		return l.IngressClass(*name)
	}
	if name := ing.Annotations[annotationIngressClass]; name != "" {
		return l.IngressClass(name)
	}
	defaults := l.DefaultIngressClasses()
	if len(defaults) == 0 {
		return nil
	}
	sort.Slice(defaults, func(i, j int) bool {
		ti, tj := defaults[i].CreationTimestamp, defaults[j].CreationTimestamp
		if !ti.Equal(&tj) {
			return tj.Before(&ti) // newest first
		}
		return defaults[i].Name < defaults[j].Name
	})
	return defaults[0]
}

// paramsOf returns the IngressClassParams an IngressClass of ours names.
func paramsOf(ic *networkingv1.IngressClass, l Lookup) (*v1alpha1.IngressClassParams, string) {
	ref := ic.Spec.Parameters
	if ref == nil {
		return nil, ""
	}
	group := ""
	if ref.APIGroup != nil {
		group = *ref.APIGroup
	}
	if group != v1alpha1.GroupVersion.Group || ref.Kind != "IngressClassParams" {
		return nil, fmt.Sprintf("IngressClass %s names parameters of kind %s in group %s; portico reads only IngressClassParams in group portico.dev",
			ic.Name, quote(ref.Kind), quote(group))
	}
	if ref.Scope != nil && *ref.Scope != networkingv1.IngressClassParametersReferenceScopeCluster {
		return nil, fmt.Sprintf("IngressClass %s names its parameters with scope %s; IngressClassParams are cluster-scoped, so use scope Cluster",
			ic.Name, quote(*ref.Scope))
	}
	params := l.IngressClassParams(ref.Name)
	if params == nil {
		return nil, fmt.Sprintf("IngressClassParams %s named by IngressClass %s does not exist", quote(ref.Name), ic.Name)
	}
	return params, ""
}
