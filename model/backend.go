package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// servicePortName is an IANA service name, the form of a named Service port.
var servicePortName = dns1123Label

// backendFor translates one IngressBackend of an Ingress into a Backend. It reports
// problems under field and returns ok=false when the backend cannot be used.
func backendFor(id types.NamespacedName, b *networkingv1.IngressBackend, field string, s settings, l Lookup, ps *problems) (v1alpha1.Backend, bool) {
	if b.Resource != nil {
		ps.add(id, SeverityError, field+".resource", ReasonInvalidBackend,
			"resource backends (kind %s) are not supported; use a service backend", quote(b.Resource.Kind))
		return v1alpha1.Backend{}, false
	}
	if b.Service == nil {
		ps.add(id, SeverityError, field, ReasonInvalidBackend, "backend has no service")
		return v1alpha1.Backend{}, false
	}
	ref, ok := serviceRef(id, b.Service, field+".service", ps)
	if !ok {
		return v1alpha1.Backend{}, false
	}
	be := v1alpha1.Backend{
		Service:        ref,
		TargetType:     v1alpha1.TargetTypeIP,
		TimeoutSeconds: s.backendTimeout,
	}
	if s.targetType != "" {
		be.TargetType = s.targetType
	}
	if s.protocol != v1alpha1.ProtocolHTTP {
		be.Protocol = s.protocol // HTTP is the default, left empty so that it names the same backend
	}
	if s.health != (v1alpha1.HealthCheck{}) {
		hc := withConsistentTiming(s.health)
		be.HealthCheck = &hc
	}
	if !checkService(id, be, field+".service", l, ps) {
		return v1alpha1.Backend{}, false
	}
	be.Name = backendName(be)
	return be, true
}

// DefaultHealthCheckIntervalSeconds is the probe interval when none is set, as the providers
// use it.
const DefaultHealthCheckIntervalSeconds = 5

// withConsistentTiming makes a probe's timeout fit its interval when only the timeout is
// set: a timeout longer than the default interval lengthens the interval to match, instead
// of giving the provider a probe it must refuse for the whole load balancer.
func withConsistentTiming(hc v1alpha1.HealthCheck) v1alpha1.HealthCheck {
	if hc.IntervalSeconds == 0 && hc.TimeoutSeconds > DefaultHealthCheckIntervalSeconds {
		hc.IntervalSeconds = hc.TimeoutSeconds
	}
	return hc
}

func serviceRef(id types.NamespacedName, svc *networkingv1.IngressServiceBackend, field string, ps *problems) (v1alpha1.ServiceRef, bool) {
	if len(svc.Name) > 63 || !dns1123Label.MatchString(svc.Name) {
		ps.add(id, SeverityError, field+".name", ReasonInvalidBackend,
			"Service name %s is not a DNS label (at most 63 of a-z, 0-9 and '-')", quote(svc.Name))
		return v1alpha1.ServiceRef{}, false
	}
	ref := v1alpha1.ServiceRef{Namespace: id.Namespace, Name: svc.Name}
	switch {
	case svc.Port.Name != "" && svc.Port.Number != 0:
		ps.add(id, SeverityError, field+".port", ReasonInvalidBackend, "set either port.name or port.number, not both")
		return ref, false
	case svc.Port.Name != "":
		if len(svc.Port.Name) > 15 || !servicePortName.MatchString(svc.Port.Name) {
			ps.add(id, SeverityError, field+".port.name", ReasonInvalidBackend,
				"port name %s is not a Service port name (at most 15 of a-z, 0-9 and '-')", quote(svc.Port.Name))
			return ref, false
		}
		ref.PortName = svc.Port.Name
	case svc.Port.Number >= 1 && svc.Port.Number <= 65535:
		ref.PortNumber = svc.Port.Number
	default:
		ps.add(id, SeverityError, field+".port", ReasonInvalidBackend,
			"port must be a number from 1 to 65535 or the name of a Service port")
		return ref, false
	}
	return ref, true
}

// checkService checks the backend against its Service, when the caller knows the Services.
// A missing Service or port is a warning: the route stays and serves errors until the Service
// exists, as Kubernetes semantics say. A Service that cannot be a backend at all is an error.
func checkService(id types.NamespacedName, be v1alpha1.Backend, field string, l Lookup, ps *problems) bool {
	svc, known := l.Service(be.Service.Namespace, be.Service.Name)
	if svc == nil {
		if known {
			ps.add(id, SeverityWarning, field+".name", ReasonServiceNotFound,
				"Service %s/%s does not exist; its routes fail with 503 until it does", be.Service.Namespace, be.Service.Name)
		}
		return true
	}
	if svc.Spec.Type == corev1.ServiceTypeExternalName {
		ps.add(id, SeverityError, field+".name", ReasonInvalidBackend,
			"Service %s/%s is of type ExternalName, which has no endpoints to balance; use a Service with a selector or EndpointSlices",
			svc.Namespace, svc.Name)
		return false
	}
	port := findServicePort(svc, be.Service)
	if port == nil {
		ps.add(id, SeverityWarning, field+".port", ReasonServicePortNotFound,
			"Service %s/%s has no port %s; its routes fail with 503 until it does", svc.Namespace, svc.Name, portText(be.Service))
		return true
	}
	if be.TargetType == v1alpha1.TargetTypeInstance && port.NodePort == 0 {
		ps.add(id, SeverityError, annotationField(AnnotationTargetType), ReasonInvalidBackend,
			"target type instance needs a NodePort, but Service %s/%s is of type %s; use a NodePort or LoadBalancer Service, or target type ip",
			svc.Namespace, svc.Name, svc.Spec.Type)
		return false
	}
	return true
}

func findServicePort(svc *corev1.Service, ref v1alpha1.ServiceRef) *corev1.ServicePort {
	for i := range svc.Spec.Ports {
		p := &svc.Spec.Ports[i]
		if (ref.PortName != "" && p.Name == ref.PortName) || (ref.PortName == "" && p.Port == ref.PortNumber) {
			return p
		}
	}
	return nil
}

func portText(ref v1alpha1.ServiceRef) string {
	if ref.PortName != "" {
		return quote(ref.PortName)
	}
	return strconv.Itoa(int(ref.PortNumber))
}

// backendName names a backend "namespace/service:port" after its Service port (the separators
// cannot occur in names, so two Services never share a name), with "@" and a hash of its
// settings when they differ from the defaults, so that two Ingresses that ask for different
// health checks on the same Service port get two backends instead of a conflict.
func backendName(be v1alpha1.Backend) string {
	port := be.Service.PortName
	if port == "" {
		port = strconv.Itoa(int(be.Service.PortNumber))
	}
	name := fmt.Sprintf("%s/%s:%s", be.Service.Namespace, be.Service.Name, port)
	if be.TargetType == v1alpha1.TargetTypeIP && be.HealthCheck == nil && be.TimeoutSeconds == 0 && be.Protocol == "" {
		return name
	}
	// Protocol is omitted when empty, so that the names of backends written before it
	// existed do not change.
	settings, _ := json.Marshal(struct {
		TargetType  string
		HealthCheck *v1alpha1.HealthCheck
		Timeout     int32
		Protocol    string `json:",omitempty"`
	}{be.TargetType, be.HealthCheck, be.TimeoutSeconds, be.Protocol})
	sum := sha256.Sum256(settings)
	return name + "@" + hex.EncodeToString(sum[:])[:6]
}
