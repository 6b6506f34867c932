package model

import (
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// checkGrants refuses a static address or pre-shared certificate that the class's
// IngressClassParams grants to other namespaces only. A resource no grant names may be named
// from any namespace; the provider still refuses one that portico made or that another load
// balancer uses.
func checkGrants(id types.NamespacedName, s settings, class Class, l Lookup, ps *problems) {
	if class.Params == nil || len(class.Params.Spec.Grants) == 0 {
		return
	}
	grants := class.Params.Spec.Grants
	nsLabels := labels.Set(l.NamespaceLabels(id.Namespace))
	if s.staticAddress != "" && !granted(grants, nsLabels, s.staticAddress, addressesOf) {
		ps.add(id, SeverityError, annotationField(AnnotationStaticAddress), ReasonNotGranted,
			"static address %s is granted by IngressClassParams %s to other namespaces only; ask its owner to add namespace %s to spec.grants",
			quote(s.staticAddress), class.Params.Name, id.Namespace)
	}
	for _, cert := range s.preSharedCerts {
		if !granted(grants, nsLabels, cert, certificatesOf) {
			ps.add(id, SeverityError, annotationField(AnnotationPreSharedCerts), ReasonNotGranted,
				"certificate %s is granted by IngressClassParams %s to other namespaces only; ask its owner to add namespace %s to spec.grants",
				quote(cert), class.Params.Name, id.Namespace)
		}
	}
}

func addressesOf(g v1alpha1.Grant) []string    { return g.StaticAddresses }
func certificatesOf(g v1alpha1.Grant) []string { return g.Certificates }

// granted reports whether a namespace may name the resource: no grant names it, or one that
// names it selects the namespace.
func granted(grants []v1alpha1.Grant, ns labels.Set, name string, names func(v1alpha1.Grant) []string) bool {
	named := false
	for _, g := range grants {
		if !slices.Contains(names(g), name) {
			continue
		}
		named = true
		if selects(g.NamespaceSelector, ns) {
			return true
		}
	}
	return !named
}

func selects(sel metav1.LabelSelector, ns labels.Set) bool {
	s, err := metav1.LabelSelectorAsSelector(&sel)
	return err == nil && s.Matches(ns)
}
