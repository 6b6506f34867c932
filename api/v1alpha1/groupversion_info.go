// Package v1alpha1 holds portico's custom resources: LoadBalancer, the desired and observed
// state of one load balancer, and IngressClassParams, the per-class provider settings.
//
// The package imports apimachinery only, so that any program can use the types.
//
// +kubebuilder:object:generate=true
// +groupName=portico.dev
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is the API group and version of portico's resources.
	GroupVersion = schema.GroupVersion{Group: "portico.dev", Version: "v1alpha1"}

	// SchemeBuilder registers the types of this package with a runtime.Scheme.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the types of this package to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func addKnownTypes(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion,
		&LoadBalancer{}, &LoadBalancerList{},
		&IngressClassParams{}, &IngressClassParamsList{},
	)
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
