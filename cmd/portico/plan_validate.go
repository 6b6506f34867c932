package main

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers/plan"
)

// reasonRejected is the reason of an object the API server would refuse, as its status says.
const reasonRejected = "Invalid"

// rejectInvalid checks every object as the API server would before storing it (names,
// namespaces, the fields it requires and their ranges), removes those it would refuse, and
// returns why, so that offline a bad object gets the error a cluster would give. Routing
// rules (hosts, paths) are the model's to check, as the controller does.
func rejectInvalid(objs *model.Objects) []plan.Problem {
	var out []plan.Problem
	objs.Ingresses = keepValid(objs.Ingresses, &out, func(ing *networkingv1.Ingress) (string, field.ErrorList) {
		return "Ingress " + ing.Namespace + "/" + ing.Name, validateIngress(ing)
	})
	objs.Services = keepValid(objs.Services, &out, func(s corev1.Service) (string, field.ErrorList) {
		return "Service " + s.Namespace + "/" + s.Name, validateService(&s)
	})
	objs.EndpointSlices = keepValid(objs.EndpointSlices, &out, func(s discoveryv1.EndpointSlice) (string, field.ErrorList) {
		return "EndpointSlice " + s.Namespace + "/" + s.Name, validateEndpointSlice(&s)
	})
	objs.Secrets = keepValid(objs.Secrets, &out, func(s corev1.Secret) (string, field.ErrorList) {
		return "Secret " + s.Namespace + "/" + s.Name, validateSecret(&s)
	})
	for i := range objs.Secrets {
		storeStringData(&objs.Secrets[i])
	}
	objs.IngressClasses = keepValid(objs.IngressClasses, &out, func(c networkingv1.IngressClass) (string, field.ErrorList) {
		return "IngressClass " + c.Name, validateIngressClass(&c)
	})
	return out
}

// keepValid returns the objects without errors, and adds a problem per error of the others.
func keepValid[T any](objects []T, problems *[]plan.Problem, check func(T) (string, field.ErrorList)) []T {
	var keep []T
	for _, o := range objects {
		name, errs := check(o)
		if len(errs) == 0 {
			keep = append(keep, o)
			continue
		}
		for _, e := range errs {
			*problems = append(*problems, plan.Problem{
				Object: name, Field: e.Field, Severity: string(model.SeverityError),
				Reason: reasonRejected, Message: e.ErrorBody(),
			})
		}
	}
	return keep
}

func validateMeta(meta *metav1.ObjectMeta, namespaced bool, name apivalidation.ValidateNameFunc) field.ErrorList {
	return apivalidation.ValidateObjectMeta(meta, namespaced, name, field.NewPath("metadata"))
}

func validateIngress(ing *networkingv1.Ingress) field.ErrorList {
	errs := validateMeta(&ing.ObjectMeta, true, apivalidation.NameIsDNSSubdomain)
	spec := field.NewPath("spec")
	if len(ing.Spec.Rules) == 0 && ing.Spec.DefaultBackend == nil {
		errs = append(errs, field.Invalid(spec, "", "either `defaultBackend` or `rules` must be specified"))
	}
	if ing.Spec.DefaultBackend != nil {
		errs = append(errs, validateBackend(ing.Spec.DefaultBackend, spec.Child("defaultBackend"))...)
	}
	for i, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		paths := spec.Child("rules").Index(i).Child("http", "paths")
		if len(r.HTTP.Paths) == 0 {
			errs = append(errs, field.Required(paths, ""))
		}
		for j, p := range r.HTTP.Paths {
			if p.PathType == nil {
				errs = append(errs, field.Required(paths.Index(j).Child("pathType"), "pathType must be specified"))
			}
			errs = append(errs, validateBackend(&p.Backend, paths.Index(j).Child("backend"))...)
		}
	}
	for i, t := range ing.Spec.TLS {
		if t.SecretName != "" {
			for _, msg := range validation.IsDNS1123Subdomain(t.SecretName) {
				errs = append(errs, field.Invalid(spec.Child("tls").Index(i).Child("secretName"), t.SecretName, msg))
			}
		}
	}
	return errs
}

// validateBackend checks what the API server requires of a backend: a Service or a resource,
// not both; a Service's name, and its port by name or by number, not both.
func validateBackend(b *networkingv1.IngressBackend, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch {
	case b.Service == nil && b.Resource == nil:
		return append(errs, field.Invalid(path, "", "one backend (service or resource) must be specified"))
	case b.Service != nil && b.Resource != nil:
		return append(errs, field.Invalid(path, "", "cannot set both service and resource backends"))
	case b.Resource != nil:
		return errs
	}
	svc := path.Child("service")
	if b.Service.Name == "" {
		errs = append(errs, field.Required(svc.Child("name"), ""))
	}
	for _, msg := range validation.IsDNS1035Label(b.Service.Name) {
		if b.Service.Name != "" {
			errs = append(errs, field.Invalid(svc.Child("name"), b.Service.Name, msg))
		}
	}
	port := b.Service.Port
	switch {
	case port.Name != "" && port.Number != 0:
		errs = append(errs, field.Invalid(svc.Child("port"), port, "cannot set both port name & port number"))
	case port.Name != "":
		for _, msg := range validation.IsValidPortName(port.Name) {
			errs = append(errs, field.Invalid(svc.Child("port", "name"), port.Name, msg))
		}
	case port.Number != 0:
		for _, msg := range validation.IsValidPortNum(int(port.Number)) {
			errs = append(errs, field.Invalid(svc.Child("port", "number"), port.Number, msg))
		}
	default:
		errs = append(errs, field.Required(svc.Child("port"), "port name or number is required"))
	}
	return errs
}

func validateService(s *corev1.Service) field.ErrorList {
	errs := validateMeta(&s.ObjectMeta, true, apivalidation.NameIsDNS1035Label)
	ports := field.NewPath("spec", "ports")
	if len(s.Spec.Ports) == 0 && s.Spec.Type != corev1.ServiceTypeExternalName && s.Spec.ClusterIP != corev1.ClusterIPNone {
		errs = append(errs, field.Required(ports, ""))
	}
	names := map[string]bool{}
	for i, p := range s.Spec.Ports {
		if len(s.Spec.Ports) > 1 && p.Name == "" {
			errs = append(errs, field.Required(ports.Index(i).Child("name"), ""))
		}
		if p.Name != "" {
			for _, msg := range validation.IsDNS1123Label(p.Name) {
				errs = append(errs, field.Invalid(ports.Index(i).Child("name"), p.Name, msg))
			}
			if names[p.Name] {
				errs = append(errs, field.Duplicate(ports.Index(i).Child("name"), p.Name))
			}
			names[p.Name] = true
		}
		for _, msg := range validation.IsValidPortNum(int(p.Port)) {
			errs = append(errs, field.Invalid(ports.Index(i).Child("port"), p.Port, msg))
		}
	}
	return errs
}

func validateEndpointSlice(s *discoveryv1.EndpointSlice) field.ErrorList {
	errs := validateMeta(&s.ObjectMeta, true, apivalidation.NameIsDNSSubdomain)
	switch s.AddressType {
	case discoveryv1.AddressTypeIPv4, discoveryv1.AddressTypeIPv6, discoveryv1.AddressTypeFQDN:
	case "":
		errs = append(errs, field.Required(field.NewPath("addressType"), ""))
	default:
		errs = append(errs, field.NotSupported(field.NewPath("addressType"), s.AddressType, []string{"IPv4", "IPv6", "FQDN"}))
	}
	for i, ep := range s.Endpoints {
		if n := len(ep.Addresses); n == 0 || n > 100 {
			errs = append(errs, field.Invalid(field.NewPath("endpoints").Index(i).Child("addresses"), n, "must contain from 1 to 100 addresses"))
		}
	}
	for i, p := range s.Ports {
		if p.Port != nil {
			for _, msg := range validation.IsInRange(int(*p.Port), 0, 65535) {
				errs = append(errs, field.Invalid(field.NewPath("ports").Index(i).Child("port"), *p.Port, msg))
			}
		}
	}
	return errs
}

func validateSecret(s *corev1.Secret) field.ErrorList {
	errs := validateMeta(&s.ObjectMeta, true, apivalidation.NameIsDNSSubdomain)
	if s.Type != corev1.SecretTypeTLS {
		return errs
	}
	for _, key := range []string{corev1.TLSCertKey, corev1.TLSPrivateKeyKey} {
		if _, ok := s.Data[key]; !ok {
			if _, ok := s.StringData[key]; !ok {
				errs = append(errs, field.Required(field.NewPath("data").Key(key), ""))
			}
		}
	}
	return errs
}

func validateIngressClass(c *networkingv1.IngressClass) field.ErrorList {
	errs := validateMeta(&c.ObjectMeta, false, apivalidation.NameIsDNSSubdomain)
	controller := field.NewPath("spec", "controller")
	if c.Spec.Controller == "" {
		return append(errs, field.Required(controller, ""))
	}
	return append(errs, validation.IsDomainPrefixedPath(controller, c.Spec.Controller)...)
}

// storeStringData merges a Secret's stringData into its data, as the API server does when
// it stores the Secret: the controller only ever sees data.
func storeStringData(s *corev1.Secret) {
	if len(s.StringData) == 0 {
		return
	}
	if s.Data == nil {
		s.Data = map[string][]byte{}
	}
	for k, v := range s.StringData {
		s.Data[k] = []byte(v)
	}
	s.StringData = nil
}

// problemText formats a problem as the text output and stderr show it, on one line.
func problemText(p plan.Problem) string {
	return fmt.Sprintf("%-7s %s %s: %s (%s)", p.Severity, p.Object, p.Field, p.Message, p.Reason)
}
