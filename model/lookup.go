package model

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Lookup hands the model the objects an Ingress references. The controller implements it
// over its informer cache; Snapshot implements it over plain slices for tests and the CLI.
type Lookup interface {
	// IngressClass returns the IngressClass of that name, or nil.
	IngressClass(name string) *networkingv1.IngressClass
	// DefaultIngressClasses returns the IngressClasses marked as the cluster default.
	DefaultIngressClasses() []*networkingv1.IngressClass
	// IngressClassParams returns the IngressClassParams of that name, or nil.
	IngressClassParams(name string) *v1alpha1.IngressClassParams
	// Service returns the Service, or nil. known is false when the caller does not know the
	// cluster's Services (portico explain): then a missing Service is assumed to exist.
	Service(namespace, name string) (svc *corev1.Service, known bool)
	// Secret returns the Secret, or nil. known is false when the caller does not know them.
	Secret(namespace, name string) (secret *corev1.Secret, known bool)
	// NamespaceLabels returns the labels of a namespace, or nil.
	NamespaceLabels(namespace string) map[string]string
}

// Snapshot is a Lookup over plain lists of objects.
type Snapshot struct {
	IngressClasses []networkingv1.IngressClass
	ClassParams    []v1alpha1.IngressClassParams
	Services       []corev1.Service
	Secrets        []corev1.Secret
	Namespaces     []corev1.Namespace
	// AssumeServicesExist makes a Service the snapshot lacks count as existing, with every
	// port asked for (portico explain).
	AssumeServicesExist bool
	// AssumeSecretsExist does the same for TLS Secrets.
	AssumeSecretsExist bool
}

var _ Lookup = (*Snapshot)(nil)

// IngressClass implements Lookup.
func (s *Snapshot) IngressClass(name string) *networkingv1.IngressClass {
	for i := range s.IngressClasses {
		if s.IngressClasses[i].Name == name {
			return &s.IngressClasses[i]
		}
	}
	return nil
}

// DefaultIngressClasses implements Lookup.
func (s *Snapshot) DefaultIngressClasses() []*networkingv1.IngressClass {
	var out []*networkingv1.IngressClass
	for i := range s.IngressClasses {
		if IsDefaultClass(&s.IngressClasses[i]) {
			out = append(out, &s.IngressClasses[i])
		}
	}
	return out
}

// IngressClassParams implements Lookup.
func (s *Snapshot) IngressClassParams(name string) *v1alpha1.IngressClassParams {
	for i := range s.ClassParams {
		if s.ClassParams[i].Name == name {
			return &s.ClassParams[i]
		}
	}
	return nil
}

// Service implements Lookup.
func (s *Snapshot) Service(namespace, name string) (*corev1.Service, bool) {
	for i := range s.Services {
		if s.Services[i].Namespace == namespace && s.Services[i].Name == name {
			return &s.Services[i], true
		}
	}
	return nil, !s.AssumeServicesExist
}

// Secret implements Lookup.
func (s *Snapshot) Secret(namespace, name string) (*corev1.Secret, bool) {
	for i := range s.Secrets {
		if s.Secrets[i].Namespace == namespace && s.Secrets[i].Name == name {
			return &s.Secrets[i], true
		}
	}
	return nil, !s.AssumeSecretsExist
}

// NamespaceLabels implements Lookup.
func (s *Snapshot) NamespaceLabels(namespace string) map[string]string {
	for i := range s.Namespaces {
		if s.Namespaces[i].Name == namespace {
			return s.Namespaces[i].Labels
		}
	}
	return nil
}
