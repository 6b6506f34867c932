package model

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/types"
)

// Severity says what a problem costs the Ingress it is about.
type Severity string

const (
	// SeverityError leaves the Ingress out of its load balancer.
	SeverityError Severity = "Error"
	// SeverityWarning keeps the Ingress but drops or overrides the part the problem names.
	SeverityWarning Severity = "Warning"
)

// Reasons of problems. They become Event reasons on the Ingress, so they are CamelCase and
// stable; docs/annotations.md lists them, generated from ReasonDocs.
const (
	ReasonInvalidHost            = "InvalidHost"
	ReasonInvalidPath            = "InvalidPath"
	ReasonInvalidBackend         = "InvalidBackend"
	ReasonInvalidAnnotation      = "InvalidAnnotation"
	ReasonUnknownAnnotation      = "UnknownAnnotation"
	ReasonInvalidTLS             = "InvalidTLS"
	ReasonSecretNotFound         = "SecretNotFound"
	ReasonServiceNotFound        = "ServiceNotFound"
	ReasonServicePortNotFound    = "ServicePortNotFound"
	ReasonRouteConflict          = "RouteConflict"
	ReasonSettingConflict        = "SettingConflict"
	ReasonProviderNotEnabled     = "ProviderNotEnabled"
	ReasonInvalidClassParameters = "InvalidClassParameters"
	ReasonNoRoutes               = "NoRoutes"
	ReasonNoListener             = "NoListener"
	ReasonTooLarge               = "TooLarge"
	ReasonServingLastAccepted    = "ServingLastAccepted"
	ReasonNotGranted             = "NotGranted"
	ReasonIngressClassNotFound   = "IngressClassNotFound"
	ReasonLoadBalancerChanging   = "LoadBalancerChanging"
)

// ReasonDoc documents one problem reason.
type ReasonDoc struct {
	Reason, Severity, Meaning string
}

// ReasonDocs documents every problem reason, for docs/annotations.md.
var ReasonDocs = []ReasonDoc{
	{ReasonInvalidHost, "Error", "a host is not a lowercase DNS name or a single-label wildcard \"*.\" followed by one"},
	{ReasonInvalidPath, "Error", "a path is missing its pathType, or is not a clean absolute path of allowed bytes"},
	{ReasonInvalidBackend, "Error", "a backend is a resource backend, names no valid Service port, points at an ExternalName Service, or asks for target type instance on a Service without a NodePort"},
	{ReasonInvalidAnnotation, "Error", "a portico.dev/ annotation has a value outside its type and bounds"},
	{ReasonInvalidClassParameters, "Error", "the IngressClass names parameters portico cannot read or that do not exist"},
	{ReasonProviderNotEnabled, "Error", "the selected provider is not enabled in this controller (--providers)"},
	{ReasonNoRoutes, "Error or Warning", "the Ingress has no path and no default backend (Error), or a rule has no http paths (Warning)"},
	{ReasonTooLarge, "Error", "adding the Ingress would give its load balancer more rules, paths, backends, certificates or members than a LoadBalancer holds"},
	{ReasonNotGranted, "Error", "a static address or pre-shared certificate is granted by the class's IngressClassParams (spec.grants) to other namespaces only"},
	{ReasonServingLastAccepted, "Warning", "the Ingress's newest version has an error, so its load balancer keeps serving the version it last accepted (status.members of the LoadBalancer says which generation)"},
	{ReasonIngressClassNotFound, "Warning", "the IngressClass the Ingress names does not exist (being re-created, say): the load balancer keeps serving the Ingress as it was last accepted"},
	{ReasonLoadBalancerChanging, "Warning", "the Ingress moves to another load balancer (group, class parameters or namespace labels changed): the old one keeps serving it until the new one is Programmed; the address changes then"},
	{ReasonUnknownAnnotation, "Warning", "a portico.dev/ annotation portico does not know; the closest known name is suggested"},
	{ReasonRouteConflict, "Warning", "a host and path, or the default backend, is already claimed by an older Ingress of the group, which the message names"},
	{ReasonSettingConflict, "Warning", "a one-per-load-balancer setting, or a TLS host, differs from the value of an older Ingress of the group, which wins"},
	{ReasonServiceNotFound, "Warning", "the Service does not exist; the route stays and fails with 503 until it does"},
	{ReasonServicePortNotFound, "Warning", "the Service has no such port; the route stays and fails with 503 until it does"},
	{ReasonSecretNotFound, "Warning", "the TLS Secret does not exist; HTTPS for its hosts is off until it does"},
	{ReasonInvalidTLS, "Warning", "a TLS entry has no secretName, or its Secret is not of type kubernetes.io/tls with a certificate and key"},
	{ReasonNoListener, "Warning", "ssl-redirect without a certificate, or allow-http false without one: the load balancer cannot serve what was asked"},
}

// Problem is one thing wrong with one Ingress, with the field at fault.
type Problem struct {
	// Ingress the problem is about.
	Ingress types.NamespacedName `json:"-"`
	// Field is the path of the field at fault, for example spec.rules[0].http.paths[1].path
	// or metadata.annotations[portico.dev/group].
	Field string `json:"field"`
	// Severity says whether the Ingress was left out or only part of it.
	Severity Severity `json:"severity"`
	// Reason is a CamelCase reason constant.
	Reason string `json:"reason"`
	// Message says what is wrong and what is allowed.
	Message string `json:"message"`
}

// MarshalJSON writes the Ingress as "namespace/name".
func (p Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	return json.Marshal(struct {
		Ingress string `json:"ingress"`
		plain
	}{p.Ingress.String(), plain(p)})
}

// String formats the problem the way Events and the CLI show it.
func (p Problem) String() string {
	return fmt.Sprintf("%s: %s: %s", p.Ingress, p.Field, p.Message)
}

// problems collects the problems of one translation.
type problems []Problem

func (ps *problems) add(ing types.NamespacedName, sev Severity, field, reason, format string, args ...any) {
	*ps = append(*ps, Problem{Ingress: ing, Field: field, Severity: sev, Reason: reason, Message: fmt.Sprintf(format, args...)})
}

// annotationField is the field path of an annotation; a key with unusual bytes is quoted so
// that it cannot forge a line in an Event or the CLI's output.
func annotationField(name string) string {
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isAlnum(c) && c != '.' && c != '-' && c != '_' && c != '/' {
			return "metadata.annotations[" + quote(name) + "]"
		}
	}
	return "metadata.annotations[" + name + "]"
}
