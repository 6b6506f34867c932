package model

import (
	"strings"
	"testing"
	"unicode/utf8"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// FuzzTranslate feeds hostile values into every field and annotation that can reach nginx or
// a cloud API. Translation must never panic, and no byte outside the allow-lists may reach
// the spec: whatever the input, an accepted route has a clean path and a valid host.
// The seed corpus runs in every `make test`; `go test -fuzz FuzzTranslate ./model` explores.
func FuzzTranslate(f *testing.F) {
	seeds := []struct{ host, path, pathType, svc, port, annName, annValue, secret, tlsHost string }{
		{"a.example.com", "/", "Prefix", "s", "80", AnnotationHealthCheckTimeout, "60", "", ""},
		{"a.example.com", "/", "Prefix", "s", "80", AnnotationHealthCheckInterval, "1", "", ""},
		{"shop.example.com", "/cart", "Prefix", "cart", "80", AnnotationGroup, "storefront", "tls", "shop.example.com"},
		{"*.example.com", "/", "Exact", "web", "http", AnnotationHealthCheckPath, "/healthz", "", ""},
		{"", "", "ImplementationSpecific", "web", "http", AnnotationPreSharedCerts, "a,b", "", ""},
		{"a.example.com", "/x\";return 200 pwned;#", "Prefix", "s", "80", AnnotationStaticAddress, "ip\nX", "s;", "x"},
		{"evil.com\nHost: x", "/a/../b", "Prefix", "s}", "99999", AnnotationHealthCheckPath, "/${host}", "x", "*.*.x"},
		{"shop.*.com", "/a%2Fb", "Exact", "S", "-1", AnnotationAllowHTTP, "yes", "UPPER", "-bad-"},
		{"x", "//", "Prefix", "s", "0", AnnotationBackendTimeout, "1e9", "", ""},
		{"\x00", "/\x00", "Bogus", "\xff", "p\xff", AnnotationPrefix + "\xff", "\xff", "\xff", "\xff"},
		{"a.b", "/a/./b/", "Prefix", "a", "a-very-long-port-name", AnnotationTargetType, "instance", "t", "a.b"},
		{strings.Repeat("a.", 200), "/" + strings.Repeat("x", 2000), "Prefix", strings.Repeat("s", 70), "1", AnnotationGroup, strings.Repeat("g", 70), "", ""},
	}
	for i, s := range seeds {
		// A second annotation, from another seed, tries combinations of annotations.
		other := seeds[(i+1)%len(seeds)]
		f.Add(s.host, s.path, s.pathType, s.svc, s.port, s.annName, s.annValue, other.annName, other.annValue, s.secret, s.tlsHost)
	}
	f.Fuzz(func(t *testing.T, host, path, pathType, svc, port, annName, annValue, annName2, annValue2, secret, tlsHost string) {
		ing := fuzzIngress(host, path, pathType, svc, port, annName, annValue, secret, tlsHost)
		if annName2 != annName {
			ing.Annotations[annName2] = annValue2
		}
		l := offline()
		class, ok := ClassOf(ing, l)
		if !ok {
			t.Fatal("the default class must own the Ingress")
		}
		res := Translate(KeyOf(ing, class, l), []*networkingv1.Ingress{ing}, l, Config{})
		checkSpecAllowed(t, &res.Spec)
		checkGroupSurvives(t, ing, l)
		checkName(t, res.Name)
		for _, p := range res.Problems {
			if strings.ContainsAny(p.Message, "\x00\n\r") || !utf8.ValidString(p.Message) {
				t.Errorf("problem message carries raw control bytes or invalid UTF-8: %q", p.Message)
			}
		}
		_ = Route(&res.Spec, host, path) // must not panic on any request either
	})
}

// checkGroupSurvives puts the hostile Ingress into a group with a valid, older one: the older
// one must always be served, and the merged spec must stay within the allow-lists.
func checkGroupSurvives(t *testing.T, hostile *networkingv1.Ingress, l Lookup) {
	t.Helper()
	hostile = hostile.DeepCopy()
	hostile.Annotations[AnnotationGroup] = "fuzz"
	hostile.CreationTimestamp = metav1.Unix(2, 0)
	good := fuzzIngress("good.example.com", "/good", "Prefix", "good", "80", AnnotationPreSharedCerts, "good-cert", "good-tls", "good.example.com")
	good.Name, good.CreationTimestamp = "good", metav1.Unix(1, 0)
	good.Annotations[AnnotationGroup] = "fuzz"
	class, _ := ClassOf(good, l)
	key := KeyOf(good, class, l)
	res := Translate(key, []*networkingv1.Ingress{hostile, good}, l, Config{})
	if len(res.Members) == 0 || res.Members[0].Ingress.Name != "good" || !res.Members[0].Accepted {
		t.Fatalf("the valid, older member is not served next to a hostile one: %+v %v", res.Members, res.Problems)
	}
	checkSpecAllowed(t, &res.Spec)
}

func fuzzIngress(host, path, pathType, svc, port, annName, annValue, secret, tlsHost string) *networkingv1.Ingress {
	pt := networkingv1.PathType(pathType)
	backend := networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: svc}}
	if n, ok := atoi(port); ok {
		backend.Service.Port.Number = n
	} else {
		backend.Service.Port.Name = port
	}
	ing := &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Name: "fuzz", Namespace: "fuzz", Annotations: map[string]string{annName: annValue}},
		Spec: networkingv1.IngressSpec{
			DefaultBackend: &backend,
			Rules: []networkingv1.IngressRule{{
				Host: host,
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
					Paths: []networkingv1.HTTPIngressPath{{Path: path, PathType: &pt, Backend: backend}},
				}},
			}},
		},
	}
	if secret != "" || tlsHost != "" {
		ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{tlsHost}, SecretName: secret}}
	}
	return ing
}

func atoi(s string) (int32, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := int32(0)
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + c - '0'
	}
	return n, true
}

// checkSpecAllowed fails when any string of the spec lies outside its allow-list, checked
// both with the model's own patterns and with an oracle of its own that does not share them.
func checkSpecAllowed(t *testing.T, spec *v1alpha1.LoadBalancerSpec) {
	t.Helper()
	checkNothingHostile(t, spec)
	checkRulesAllowed(t, spec.Rules)
	checkBackendsAllowed(t, spec.Backends)
	checkTLSAllowed(t, spec.TLS)
	if spec.StaticAddress != "" && !cloudName.MatchString(spec.StaticAddress) {
		t.Errorf("static address %q reached the spec", spec.StaticAddress)
	}
}

func checkRulesAllowed(t *testing.T, rules []v1alpha1.HostRule) {
	t.Helper()
	for _, r := range rules {
		if r.Host != "" && validateHost(string(r.Host)) != "" {
			t.Errorf("host %q reached the spec", r.Host)
		}
		for _, p := range r.Paths {
			if validatePath(p.Path) != "" || !cleanPath.MatchString(p.Path) {
				t.Errorf("path %q reached the spec", p.Path)
			}
			if p.PathType != v1alpha1.PathTypeExact && p.PathType != v1alpha1.PathTypePrefix {
				t.Errorf("path type %q reached the spec", p.PathType)
			}
		}
	}
}

func checkBackendsAllowed(t *testing.T, backends []v1alpha1.Backend) {
	t.Helper()
	for _, b := range backends {
		if !dns1123Label.MatchString(b.Service.Name) || !dns1123Label.MatchString(b.Service.Namespace) {
			t.Errorf("service %q/%q reached the spec", b.Service.Namespace, b.Service.Name)
		}
		if b.Service.PortName != "" && !servicePortName.MatchString(b.Service.PortName) {
			t.Errorf("port name %q reached the spec", b.Service.PortName)
		}
		if hc := b.HealthCheck; hc != nil && hc.Path != "" && !cleanPath.MatchString(hc.Path) {
			t.Errorf("health-check path %q reached the spec", hc.Path)
		}
	}
}

func checkTLSAllowed(t *testing.T, certs []v1alpha1.TLSCertificate) {
	t.Helper()
	for _, c := range certs {
		for _, h := range c.Hosts {
			if validateHost(string(h)) != "" {
				t.Errorf("TLS host %q reached the spec", h)
			}
		}
		if c.PreShared != "" && !certificateName.MatchString(c.PreShared) {
			t.Errorf("certificate %q reached the spec", c.PreShared)
		}
		if c.SecretRef != nil && !hostname.MatchString(c.SecretRef.Name) {
			t.Errorf("secret %q reached the spec", c.SecretRef.Name)
		}
	}
}

func checkName(t *testing.T, name string) {
	t.Helper()
	if len(name) > maxNameLength || !dns1123Label.MatchString(name) {
		t.Errorf("LoadBalancer name %q is not a DNS label", name)
	}
}

// hostile are bytes and sequences that must never reach nginx configuration or a cloud API,
// whatever the allow-lists say.
var hostile = []string{"\"", "'", ";", "{", "}", "$", "\\", "`", " ", "\t", "\n", "\r", "\x00", "%", "#", "?", "<", ">", "|", "^", "//", "/./", "/../"}

// checkNothingHostile is an oracle independent of the model's patterns.
func checkNothingHostile(t *testing.T, spec *v1alpha1.LoadBalancerSpec) {
	t.Helper()
	check := func(what, s string) {
		for _, h := range hostile {
			if strings.Contains(s, h) {
				t.Errorf("%s %q contains %q", what, s, h)
			}
		}
		for _, r := range s {
			if r < 0x21 || r > 0x7e {
				t.Errorf("%s %q contains a byte outside printable ASCII", what, s)
			}
		}
		if strings.HasSuffix(s, "/..") || strings.HasSuffix(s, "/.") {
			t.Errorf("%s %q ends in a dot segment", what, s)
		}
	}
	for _, r := range spec.Rules {
		check("host", string(r.Host))
		for _, p := range r.Paths {
			check("path", p.Path)
		}
	}
	for _, b := range spec.Backends {
		check("service", b.Service.Name+b.Service.PortName)
		if hc := b.HealthCheck; hc != nil {
			check("health-check path", hc.Path)
			interval := hc.IntervalSeconds
			if interval == 0 {
				interval = DefaultHealthCheckIntervalSeconds
			}
			if hc.TimeoutSeconds > interval {
				t.Errorf("health check timeout %d exceeds its interval %d: the provider would refuse the load balancer", hc.TimeoutSeconds, interval)
			}
		}
	}
	for _, c := range spec.TLS {
		check("certificate", c.PreShared)
		for _, h := range c.Hosts {
			check("TLS host", string(h))
		}
	}
	check("static address", spec.StaticAddress)
}
