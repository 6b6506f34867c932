package model

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// route is one path rule of one Ingress, before the group is merged.
type route struct {
	host     string
	path     string // normalized
	rawPath  string // as the Ingress wrote it
	pathType string
	// rawPathType is the path type as the Ingress wrote it.
	rawPathType string
	backend     string
	field       string // spec.rules[i].http.paths[j], for messages
}

// tlsEntry is one certificate of one Ingress.
type tlsEntry struct {
	cert  v1alpha1.TLSCertificate
	field string
}

// draft is what one Ingress contributes to its load balancer.
type draft struct {
	id             types.NamespacedName
	ing            *networkingv1.Ingress
	settings       settings
	provider       string
	routes         []route
	defaultBackend string
	backends       map[string]v1alpha1.Backend
	tls            []tlsEntry
	// paramsRef is the IngressClassParams of a frozen member's load balancer; a live member
	// takes it from its class.
	paramsRef string
}

// draftOf translates one Ingress. It returns ok=false when the Ingress has an error problem
// and must be left out of its load balancer.
func draftOf(ing *networkingv1.Ingress, class Class, l Lookup, cfg Config, ps *problems) (*draft, bool) {
	id := types.NamespacedName{Namespace: ing.Namespace, Name: ing.Name}
	before := len(*ps)
	d := &draft{id: id, ing: ing, backends: map[string]v1alpha1.Backend{}}
	d.settings = parseAnnotations(id, ing.Annotations, ps)
	if class.ParamsProblem != "" {
		ps.add(id, SeverityError, "spec.ingressClassName", ReasonInvalidClassParameters, "%s", class.ParamsProblem)
	}
	if msg := selectorProblem(class); msg != "" {
		ps.add(id, SeverityWarning, "spec.ingressClassName", ReasonInvalidClassParameters, "%s", msg)
	}
	d.provider = cfg.providerFor(id, d.settings, class, ps)
	checkGrants(id, d.settings, class, l, ps)
	d.addRules(l, ps)
	d.addDefaultBackend(l, ps)
	d.addTLS(l, ps)
	if len(d.routes) == 0 && d.defaultBackend == "" && !hasErrorSince(*ps, before) {
		ps.add(id, SeverityError, "spec", ReasonNoRoutes, "the Ingress has no rule with a path and no default backend")
	}
	return d, !hasErrorSince(*ps, before)
}

func hasErrorSince(ps problems, start int) bool {
	for _, p := range ps[start:] {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

func (d *draft) addRules(l Lookup, ps *problems) {
	for i := range d.ing.Spec.Rules {
		rule := &d.ing.Spec.Rules[i]
		field := fmt.Sprintf("spec.rules[%d]", i)
		if rule.Host != "" {
			if msg := validateHost(rule.Host); msg != "" {
				ps.add(d.id, SeverityError, field+".host", ReasonInvalidHost, "%s", msg)
				continue
			}
		}
		if rule.HTTP == nil || len(rule.HTTP.Paths) == 0 {
			ps.add(d.id, SeverityWarning, field+".http", ReasonNoRoutes,
				"rule for host %s has no http paths, so it routes nothing", hostText(rule.Host))
			continue
		}
		for j := range rule.HTTP.Paths {
			d.addPath(rule.Host, &rule.HTTP.Paths[j], fmt.Sprintf("%s.http.paths[%d]", field, j), l, ps)
		}
	}
}

func (d *draft) addPath(host string, p *networkingv1.HTTPIngressPath, field string, l Lookup, ps *problems) {
	path, pathType, ok := normalizePath(d.id, p, field, ps)
	if !ok {
		return
	}
	be, ok := backendFor(d.id, &p.Backend, field+".backend", d.settings, l, ps)
	if !ok {
		return
	}
	d.backends[be.Name] = be
	d.routes = append(d.routes, route{
		host: host, path: path, rawPath: p.Path, pathType: pathType, rawPathType: string(*p.PathType),
		backend: be.Name, field: field,
	})
}

// normalizePath validates a path and reports a problem under field when it is invalid.
func normalizePath(id types.NamespacedName, p *networkingv1.HTTPIngressPath, field string, ps *problems) (string, string, bool) {
	path, pathType, badField, msg := canonicalPath(p)
	if msg != "" {
		ps.add(id, SeverityError, field+badField, ReasonInvalidPath, "%s", msg)
		return "", "", false
	}
	return path, pathType, true
}

// canonicalPath returns a path in the form the spec stores: Exact paths as they are; Prefix
// and ImplementationSpecific paths as Prefix without a trailing slash, since Kubernetes
// semantics ignore it ("/foo/" matches "/foo"). An invalid path gives the field suffix at
// fault and a message instead.
func canonicalPath(p *networkingv1.HTTPIngressPath) (path, pathType, badField, msg string) {
	if p.PathType == nil {
		return "", "", ".pathType", "pathType is required; use Exact, Prefix or ImplementationSpecific"
	}
	path, pathType = p.Path, v1alpha1.PathTypePrefix
	switch *p.PathType {
	case networkingv1.PathTypeExact:
		pathType = v1alpha1.PathTypeExact
	case networkingv1.PathTypePrefix:
	case networkingv1.PathTypeImplementationSpecific:
		// portico gives ImplementationSpecific the Prefix semantics, with an empty path
		// meaning "/", so that it behaves the same on every provider.
		if path == "" {
			path = "/"
		}
	default:
		return "", "", ".pathType", fmt.Sprintf("pathType %s is not one of Exact, Prefix, ImplementationSpecific", quote(string(*p.PathType)))
	}
	if msg := validatePath(path); msg != "" {
		return "", "", ".path", msg
	}
	if pathType == v1alpha1.PathTypePrefix && path != "/" {
		path = strings.TrimSuffix(path, "/")
	}
	return path, pathType, "", ""
}

func (d *draft) addDefaultBackend(l Lookup, ps *problems) {
	if d.ing.Spec.DefaultBackend == nil {
		return
	}
	be, ok := backendFor(d.id, d.ing.Spec.DefaultBackend, "spec.defaultBackend", d.settings, l, ps)
	if !ok {
		return
	}
	d.backends[be.Name] = be
	d.defaultBackend = be.Name
}

// addTLS collects the Ingress's certificates. An invalid host is an error; a Secret that is
// missing or not a TLS Secret is a warning: the entry is dropped and HTTP keeps serving.
func (d *draft) addTLS(l Lookup, ps *problems) {
	for i := range d.ing.Spec.TLS {
		t := &d.ing.Spec.TLS[i]
		field := fmt.Sprintf("spec.tls[%d]", i)
		hosts, ok := tlsHosts(d.id, t.Hosts, field, ps)
		if !ok {
			continue
		}
		if t.SecretName == "" {
			d.addDiscoveredTLS(field, hosts, ps)
			continue
		}
		if !checkSecret(d.id, t.SecretName, field+".secretName", l, ps) {
			continue
		}
		d.tls = append(d.tls, tlsEntry{field: field, cert: v1alpha1.TLSCertificate{
			SecretRef: &v1alpha1.ObjectRef{Namespace: d.id.Namespace, Name: t.SecretName},
			Hosts:     hosts,
		}})
	}
	for _, name := range d.settings.preSharedCerts {
		d.tls = append(d.tls, tlsEntry{field: annotationField(AnnotationPreSharedCerts), cert: v1alpha1.TLSCertificate{PreShared: name}})
	}
}

// addDiscoveredTLS serves the hosts of a spec.tls entry without secretName with the
// certificates the provider finds for them, where it can (AWS, in ACM); elsewhere the entry
// is dropped with a warning, as portico has no default certificate.
func (d *draft) addDiscoveredTLS(field string, hosts []v1alpha1.Hostname, ps *problems) {
	switch {
	case d.provider != v1alpha1.ProviderAWS:
		ps.add(d.id, SeverityWarning, field+".secretName", ReasonInvalidTLS,
			"no secretName: portico has no default certificate; name a kubernetes.io/tls Secret or use the %s annotation", AnnotationPreSharedCerts)
	case len(hosts) == 0:
		ps.add(d.id, SeverityWarning, field+".hosts", ReasonInvalidTLS,
			"no secretName and no hosts: on AWS portico finds a certificate in ACM for each host listed here; list the hosts, or name a kubernetes.io/tls Secret")
	default:
		d.tls = append(d.tls, tlsEntry{field: field, cert: v1alpha1.TLSCertificate{Discovered: true, Hosts: hosts}})
	}
}

func tlsHosts(id types.NamespacedName, hosts []string, field string, ps *problems) ([]v1alpha1.Hostname, bool) {
	out := make([]v1alpha1.Hostname, 0, len(hosts))
	for j, h := range hosts {
		if msg := validateHost(h); msg != "" {
			ps.add(id, SeverityError, fmt.Sprintf("%s.hosts[%d]", field, j), ReasonInvalidTLS, "%s", msg)
			return nil, false
		}
		out = append(out, v1alpha1.Hostname(h))
	}
	return out, true
}

// checkSecret checks that a TLS Secret exists and holds a certificate and key.
func checkSecret(id types.NamespacedName, name, field string, l Lookup, ps *problems) bool {
	if len(name) > 253 || !hostname.MatchString(name) || strings.HasPrefix(name, "*") {
		ps.add(id, SeverityWarning, field, ReasonInvalidTLS, "Secret name %s is not a valid object name", quote(name))
		return false
	}
	secret, known := l.Secret(id.Namespace, name)
	if secret == nil {
		if known {
			ps.add(id, SeverityWarning, field, ReasonSecretNotFound,
				"Secret %s/%s does not exist; HTTPS for its hosts is off until it does", id.Namespace, name)
			return false
		}
		return true
	}
	if secret.Type != corev1.SecretTypeTLS {
		ps.add(id, SeverityWarning, field, ReasonInvalidTLS,
			"Secret %s/%s is of type %s; TLS needs type kubernetes.io/tls", id.Namespace, name, quote(string(secret.Type)))
		return false
	}
	if len(secret.Data[corev1.TLSCertKey]) == 0 || len(secret.Data[corev1.TLSPrivateKeyKey]) == 0 {
		ps.add(id, SeverityWarning, field, ReasonInvalidTLS,
			"Secret %s/%s lacks %s or %s", id.Namespace, name, corev1.TLSCertKey, corev1.TLSPrivateKeyKey)
		return false
	}
	return true
}

func hostText(host string) string {
	if host == "" {
		return "* (every host)"
	}
	return host
}
