package model

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/types"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// AnnotationPrefix starts every portico annotation.
const AnnotationPrefix = "portico.dev/"

// Annotation names.
const (
	AnnotationProvider            = AnnotationPrefix + "provider"
	AnnotationGroup               = AnnotationPrefix + "group"
	AnnotationAllowHTTP           = AnnotationPrefix + "allow-http"
	AnnotationSSLRedirect         = AnnotationPrefix + "ssl-redirect"
	AnnotationStaticAddress       = AnnotationPrefix + "static-address"
	AnnotationScheme              = AnnotationPrefix + "scheme"
	AnnotationPreSharedCerts      = AnnotationPrefix + "pre-shared-certificates"
	AnnotationTargetType          = AnnotationPrefix + "target-type"
	AnnotationHealthCheckPath     = AnnotationPrefix + "health-check-path"
	AnnotationHealthCheckPort     = AnnotationPrefix + "health-check-port"
	AnnotationHealthCheckInterval = AnnotationPrefix + "health-check-interval-seconds"
	AnnotationHealthCheckTimeout  = AnnotationPrefix + "health-check-timeout-seconds"
	AnnotationHealthyThreshold    = AnnotationPrefix + "health-check-healthy-threshold"
	AnnotationUnhealthyThreshold  = AnnotationPrefix + "health-check-unhealthy-threshold"
	AnnotationBackendTimeout      = AnnotationPrefix + "backend-timeout-seconds"
	AnnotationBackendProtocol     = AnnotationPrefix + "backend-protocol"
	AnnotationMinTLSVersion       = AnnotationPrefix + "min-tls-version"
	// AnnotationLoadBalancer is written by portico on each member: the LoadBalancer's name.
	AnnotationLoadBalancer = AnnotationPrefix + "load-balancer"
)

// Scopes of an annotation: what its value applies to.
const (
	ScopeLoadBalancer = "load balancer" // one value per load balancer; the oldest member wins a conflict
	ScopeIngress      = "Ingress"       // this Ingress only
	ScopeBackends     = "backends"      // the backends this Ingress routes to
	ScopeOutput       = "output"        // written by portico, never read
)

// AnnotationDef documents one annotation and parses its value. docs/annotations.md is
// generated from Annotations, so the table here is the single source of truth.
type AnnotationDef struct {
	Name        string
	Type        string
	Default     string
	Scope       string
	Allowed     string
	Description string
	Example     string
	// parse checks the value and stores it into s; it returns what is wrong, or "".
	parse func(value string, s *settings) string
}

// Annotations lists every portico annotation, in the order the docs show them.
var Annotations = []AnnotationDef{enumAnnotation(AnnotationProvider, "the class's IngressClassParams, then --default-provider, then nginx",
	ScopeLoadBalancer, v1alpha1.Providers,
	"The provider that realises the load balancer. It must be enabled in the controller (--providers).", "gcp",
	func(s *settings, v string) { s.provider = v }), {
	Name: AnnotationGroup, Type: "string", Default: "none: the Ingress is its own load balancer",
	Scope: ScopeIngress, Allowed: "a DNS label: at most 63 of a-z, 0-9 and '-', starting and ending with a letter or digit",
	Description: "Puts the Ingress into a group: every Ingress of the same class, namespace and group shares one load balancer. " +
		"An IngressClassParams with spec.group.namespaceSelector lets the selected namespaces share groups.",
	Example: "storefront",
	parse: func(v string, s *settings) string {
		if len(v) > 63 || !dns1123Label.MatchString(v) {
			return fmt.Sprintf("group %s is not a DNS label", quote(v))
		}
		s.group = v
		return ""
	},
}, {
	Name: AnnotationAllowHTTP, Type: "bool", Default: "true", Scope: ScopeLoadBalancer, Allowed: "true, false",
	Description: "Whether the load balancer listens for plain HTTP on port 80. With false, only HTTPS is served.",
	Example:     "false",
	parse: func(v string, s *settings) string {
		b, msg := parseBool(v)
		s.allowHTTP = b
		return msg
	},
}, {
	Name: AnnotationSSLRedirect, Type: "bool", Default: "false", Scope: ScopeLoadBalancer, Allowed: "true, false",
	Description: "Answers plain HTTP requests with a 301 redirect to HTTPS. Needs a TLS certificate.",
	Example:     "true",
	parse: func(v string, s *settings) string {
		b, msg := parseBool(v)
		s.sslRedirect = b
		return msg
	},
}, {
	Name: AnnotationStaticAddress, Type: "string", Default: "none: an ephemeral address", Scope: ScopeLoadBalancer,
	Allowed:     "a cloud resource name: at most 63 of a-z, 0-9 and '-', starting with a letter",
	Description: "The name of an address reserved in the cloud (a GCE global address, for example) for the load balancer to use.",
	Example:     "storefront-ip",
	parse: func(v string, s *settings) string {
		if len(v) > 63 || !cloudName.MatchString(v) {
			return fmt.Sprintf("static address name %s is not a cloud resource name", quote(v))
		}
		s.staticAddress = v
		return ""
	},
}, enumAnnotation(AnnotationScheme, "the class's IngressClassParams, then internet-facing", ScopeLoadBalancer,
	[]string{v1alpha1.SchemeInternetFacing, v1alpha1.SchemeInternal},
	"Whether the load balancer's address is reachable from the internet or only inside the network.", "internal",
	func(s *settings, v string) { s.scheme = v }), {
	Name: AnnotationPreSharedCerts, Type: "list", Default: "none", Scope: ScopeIngress,
	Allowed:     "a comma-separated list of at most 10 certificate names or ARNs (letters, digits and -_.:/, without '..' or '//')",
	Description: "Certificates that already exist in the cloud, served on HTTPS next to the Secrets of spec.tls.",
	Example:     "storefront-2026,storefront-legacy",
	parse: func(v string, s *settings) string {
		names := strings.Split(v, ",")
		if len(names) > 10 {
			return fmt.Sprintf("%d certificates are listed; at most 10 are allowed", len(names))
		}
		for _, n := range names {
			n = strings.TrimSpace(n)
			if !validCertificateName(n) {
				return fmt.Sprintf("certificate name %s is not a name or ARN", quote(n))
			}
			s.preSharedCerts = append(s.preSharedCerts, n)
		}
		return ""
	},
}, enumAnnotation(AnnotationTargetType, "ip", ScopeBackends, []string{v1alpha1.TargetTypeIP, v1alpha1.TargetTypeInstance},
	"ip sends traffic straight to the ready pod IPs of the Service's EndpointSlices; instance sends it to every node on the Service's NodePort.",
	"instance", func(s *settings, v string) { s.targetType = v }), {
	Name: AnnotationHealthCheckPath, Type: "path", Default: "the path of the serving pods' HTTP readiness probe on the serving port (docs/rollouts.md), else / for HTTP", Scope: ScopeBackends,
	Allowed:     "a clean absolute path, as for Prefix paths",
	Description: "The path the load balancer probes on each target.",
	Example:     "/healthz",
	parse: func(v string, s *settings) string {
		if msg := validatePath(v); msg != "" {
			return msg
		}
		s.health.Path = v
		return ""
	},
}, intAnnotation(AnnotationHealthCheckPort, "the traffic port", 65535,
	"The port the load balancer probes on each target.", "8081",
	func(s *settings, n int32) { s.health.Port = n }),
	intAnnotation(AnnotationHealthCheckInterval, "5, or the timeout when that is longer", 300,
		"Seconds between two probes of a target.", "10",
		func(s *settings, n int32) { s.health.IntervalSeconds = n }),
	intAnnotation(AnnotationHealthCheckTimeout, "5, or the interval when that is shorter", 300,
		"Seconds a probe may take; at most the interval. Set alone and longer than the default interval, it lengthens the interval to match.", "5",
		func(s *settings, n int32) { s.health.TimeoutSeconds = n }),
	intAnnotation(AnnotationHealthyThreshold, "the provider's", 10,
		"Probes in a row that must pass before a target gets traffic.", "2",
		func(s *settings, n int32) { s.health.HealthyThreshold = n }),
	intAnnotation(AnnotationUnhealthyThreshold, "the provider's", 10,
		"Probes in a row that must fail before a target stops getting traffic.", "3",
		func(s *settings, n int32) { s.health.UnhealthyThreshold = n }),
	intAnnotation(AnnotationBackendTimeout, "the provider's: 30", 86400,
		"Seconds the load balancer waits for a backend's response.", "60",
		func(s *settings, n int32) { s.backendTimeout = n }),
	enumAnnotation(AnnotationBackendProtocol, "HTTP", ScopeBackends, v1alpha1.BackendProtocols,
		"The protocol the load balancer speaks to the targets. HTTPS and HTTP2 encrypt the hop to the pods (which need not present a trusted certificate); "+
			"GRPC is HTTP/2 for gRPC servers (on GCP an HTTP2 backend service). The health check speaks the same protocol. "+
			"The nginx provider honours HTTPS (without checking the pods' certificates) and proxies HTTP2 and GRPC backends with HTTP/1.1 for now.",
		"HTTPS", func(s *settings, v string) { s.protocol = v }),
	enumAnnotation(AnnotationMinTLSVersion, "the provider's: 1.0 on GCP", ScopeLoadBalancer, v1alpha1.TLSVersions,
		"The oldest TLS version the HTTPS listener accepts from clients. On GCP an SSL policy (profile MODERN, RESTRICTED for 1.3) is attached to the HTTPS proxy. "+
			"The nginx provider does not honour it yet: it accepts TLS 1.2 and 1.3.",
		"1.2", func(s *settings, v string) { s.minTLSVersion = v }),
	inboundCIDRsAnnotation, ipAddressTypeAnnotation, subnetsAnnotation, sslPolicyAnnotation,
	{
		Name: AnnotationLoadBalancer, Type: "string", Default: "", Scope: ScopeOutput, Allowed: "written by portico",
		Description: "portico writes the name of the LoadBalancer that serves the Ingress here: `kubectl describe lb NAME` shows its cloud resources.",
		Example:     "shop-web-5d41402abc",
	}}

// enumAnnotation defines a setting that takes one of a few values.
func enumAnnotation(name, def, scope string, values []string, desc, example string, set func(*settings, string)) AnnotationDef {
	return AnnotationDef{
		Name: name, Type: "enum", Default: def, Scope: scope, Allowed: strings.Join(values, ", "),
		Description: desc, Example: example,
		parse: func(v string, s *settings) string {
			if msg := oneOf(v, values); msg != "" {
				return msg
			}
			set(s, v)
			return ""
		},
	}
}

// intAnnotation defines a backend setting that is a whole number from 1 to hi.
func intAnnotation(name, def string, hi int32, desc, example string, set func(*settings, int32)) AnnotationDef {
	return AnnotationDef{
		Name: name, Type: "integer", Default: def, Scope: ScopeBackends,
		Allowed:     fmt.Sprintf("a whole number from 1 to %d", hi),
		Description: desc, Example: example,
		parse: func(v string, s *settings) string {
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil || n < 1 || n > int64(hi) {
				return fmt.Sprintf("%s is not a whole number in range", quote(v))
			}
			set(s, int32(n))
			return ""
		},
	}
}

func parseBool(v string) (*bool, string) {
	switch v {
	case "true":
		b := true
		return &b, ""
	case "false":
		b := false
		return &b, ""
	}
	return nil, fmt.Sprintf("%s is not a boolean", quote(v))
}

func oneOf(v string, allowed []string) string {
	for _, a := range allowed {
		if v == a {
			return ""
		}
	}
	return fmt.Sprintf("%s is not a known value", quote(v))
}

// settings are the parsed portico annotations of one Ingress. Nil and zero mean "not set".
type settings struct {
	provider       string
	group          string
	allowHTTP      *bool
	sslRedirect    *bool
	staticAddress  string
	scheme         string
	preSharedCerts []string
	targetType     string
	health         v1alpha1.HealthCheck
	backendTimeout int32
	protocol       string
	minTLSVersion  string
	// inboundCIDRs and subnets are comma-separated, as their claims record them.
	inboundCIDRs, ipAddressType, subnets, sslPolicy string
}

var annotationsByName = func() map[string]*AnnotationDef {
	m := make(map[string]*AnnotationDef, len(Annotations))
	for i := range Annotations {
		m[Annotations[i].Name] = &Annotations[i]
	}
	return m
}()

// parseAnnotations reads the portico annotations of one Ingress. A bad value is an error
// problem; an unknown portico.dev/ annotation is a warning that suggests the closest name.
func parseAnnotations(ing types.NamespacedName, annotations map[string]string, ps *problems) settings {
	var s settings
	for _, name := range sortedKeys(annotations) {
		if !strings.HasPrefix(name, AnnotationPrefix) {
			if strings.Contains(strings.ToLower(name), "portico") {
				ps.add(ing, SeverityWarning, annotationField(name), ReasonUnknownAnnotation,
					"annotation %s looks meant for portico but lacks the prefix %s, so it is ignored%s",
					quote(name), AnnotationPrefix, suggestAnnotation(AnnotationPrefix+name[strings.LastIndex(name, "/")+1:]))
			}
			continue
		}
		value := annotations[name]
		def, ok := annotationsByName[name]
		if !ok {
			ps.add(ing, SeverityWarning, annotationField(name), ReasonUnknownAnnotation,
				"unknown annotation %s is ignored%s", quote(name), suggestAnnotation(name))
			continue
		}
		if def.parse == nil {
			continue // written by portico
		}
		if msg := def.parse(value, &s); msg != "" {
			ps.add(ing, SeverityError, annotationField(name), ReasonInvalidAnnotation,
				"%s; allowed: %s", msg, def.Allowed)
		}
	}
	if h := s.health; h.TimeoutSeconds != 0 && h.IntervalSeconds != 0 && h.TimeoutSeconds > h.IntervalSeconds {
		ps.add(ing, SeverityError, annotationField(AnnotationHealthCheckTimeout), ReasonInvalidAnnotation,
			"the timeout of %ds is longer than the interval of %ds; allowed: at most the interval",
			h.TimeoutSeconds, h.IntervalSeconds)
	}
	return s
}

// suggestAnnotation returns ", did you mean X?" for the known annotation closest to name.
func suggestAnnotation(name string) string {
	best, bestDist := "", 4 // suggest only names within 3 edits
	for _, def := range Annotations {
		if d := editDistance(name, def.Name); d < bestDist {
			best, bestDist = def.Name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %s?", best)
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
