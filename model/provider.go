package model

import (
	"strings"

	"k8s.io/apimachinery/pkg/types"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Config is what the controller tells the model about itself.
type Config struct {
	// EnabledProviders are the providers this controller runs; empty means all of them.
	EnabledProviders []string `json:"enabledProviders,omitempty"`
	// DefaultProvider serves Ingresses whose annotation and class name no provider. Empty
	// means no cloud is configured: nginx, the fallback, serves them.
	DefaultProvider string `json:"defaultProvider,omitempty"`
}

// providerFor selects the provider of one Ingress: the portico.dev/provider annotation, else
// the class's IngressClassParams, else the controller's default, else nginx. A provider the
// controller does not run is an error on the Ingress, never a silent skip.
func (c Config) providerFor(id types.NamespacedName, s settings, class Class, ps *problems) string {
	provider, source, field := s.provider, "the annotation", annotationField(AnnotationProvider)
	if provider == "" && class.Params != nil && class.Params.Spec.Provider != "" {
		provider, source, field = class.Params.Spec.Provider, "IngressClassParams "+class.Params.Name, "spec.ingressClassName"
	}
	if provider == "" {
		provider, source = c.DefaultProvider, "the controller's --default-provider"
	}
	if provider == "" {
		provider, source = v1alpha1.ProviderNginx, "the fallback, as no cloud is configured"
	}
	if !c.enabled(provider) {
		ps.add(id, SeverityError, field, ReasonProviderNotEnabled,
			"provider %s (from %s) is not enabled in this controller, which runs %s; enable it with --providers, or choose one it runs with the %s annotation or the spec.provider of the class's IngressClassParams",
			provider, source, strings.Join(c.EnabledProviders, ", "), AnnotationProvider)
	}
	return provider
}

func (c Config) enabled(provider string) bool {
	if len(c.EnabledProviders) == 0 {
		return true
	}
	for _, p := range c.EnabledProviders {
		if p == provider {
			return true
		}
	}
	return false
}
