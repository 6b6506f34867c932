package model

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// problemText returns the message of the first problem of an Ingress with the reason.
func problemText(res *Result, ingress, reason string) string {
	for _, p := range res.Problems {
		if p.Ingress.Name == ingress && p.Reason == reason {
			return p.String()
		}
	}
	return ""
}

func TestBackendProtocolAnnotationSetsTheBackendsProtocol(t *testing.T) {
	for value, want := range map[string]string{"HTTPS": "HTTPS", "HTTP2": "HTTP2", "GRPC": "GRPC", "HTTP": ""} {
		ing := mustIngress(t, `
metadata: {name: a, annotations: {portico.dev/backend-protocol: `+value+`}}
spec:
  defaultBackend: {service: {name: web, port: {number: 443}}}
`)
		res := translateOne(t, ing, offline())
		if len(res.Spec.Backends) != 1 || res.Spec.Backends[0].Protocol != want {
			t.Errorf("%s: backends %+v, want protocol %q", value, res.Spec.Backends, want)
		}
	}
}

// A spec without the annotation is the one written before the field existed: the backend
// keeps its name (no settings hash) and the JSON carries no protocol.
func TestBackendWithoutProtocolKeepsItsNameAndJSON(t *testing.T) {
	plain := translateOne(t, mustIngress(t, `
metadata: {name: a}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
`), offline())
	if name := plain.Spec.Backends[0].Name; name != "default/web:80" {
		t.Errorf("backend name %q, want default/web:80", name)
	}
	timed := v1alpha1.Backend{Service: v1alpha1.ServiceRef{Namespace: "default", Name: "web", PortNumber: 80},
		TargetType: v1alpha1.TargetTypeIP, TimeoutSeconds: 60}
	// The hash of a backend with settings, as names were before the protocol existed.
	if before := backendName(timed); before != "default/web:80@"+legacyTimedHash {
		t.Errorf("a backend with a timeout is named %q; its name before protocols existed was ...@%s", before, legacyTimedHash)
	}
	before := backendName(timed)
	withHTTPS := timed
	withHTTPS.Protocol = v1alpha1.ProtocolHTTPS
	if backendName(withHTTPS) == before {
		t.Error("an HTTPS backend shares the name of an HTTP one; two Ingresses asking for both would share one backend")
	}
}

// legacyTimedHash is the settings hash of default/web:80 with a 60 s timeout, before
// backends had a protocol.
const legacyTimedHash = "86913d"

func TestInvalidBackendProtocolIsAProblemNamingTheAnnotation(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: a, annotations: {portico.dev/backend-protocol: h2c}}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
`)
	res := translateGroup(t, offline(), ing)
	msg := problemText(res, "a", ReasonInvalidAnnotation)
	if !strings.Contains(msg, AnnotationBackendProtocol) || !strings.Contains(msg, `"h2c"`) || !strings.Contains(msg, "HTTPS") {
		t.Errorf("want an InvalidAnnotation problem naming %s, the value and the allowed ones; got %q", AnnotationBackendProtocol, msg)
	}
}

const tlsIngress = `
spec:
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules:
  - host: shop.example.com
    http: {paths: [{path: PATH, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`

func TestMinTLSVersionIsClaimedByTheOldestMember(t *testing.T) {
	old := createdOn(mustIngress(t, `
metadata: {name: old, annotations: {portico.dev/group: g, portico.dev/min-tls-version: "1.2"}}`+strings.Replace(tlsIngress, "PATH", "/a", 1)), 1)
	young := createdOn(mustIngress(t, `
metadata: {name: young, annotations: {portico.dev/group: g, portico.dev/min-tls-version: "1.0"}}`+strings.Replace(tlsIngress, "PATH", "/b", 1)), 2)
	res := translateGroup(t, offline(), young, old)
	if res.Spec.Frontends.MinTLSVersion != "1.2" {
		t.Errorf("frontends %+v, want minTLSVersion 1.2 of the oldest member", res.Spec.Frontends)
	}
	if !hasProblem(res, "young", ReasonSettingConflict, AnnotationMinTLSVersion) {
		t.Errorf("the newer member gets no SettingConflict warning: %v", res.Problems)
	}
	found := false
	for _, c := range res.Spec.Claims {
		if c.Setting == v1alpha1.SettingMinTLSVersion {
			found = c.Value == "1.2" && c.Ingress == "default/old"
		}
	}
	if !found {
		t.Errorf("spec.claims %+v do not record min TLS 1.2 by default/old", res.Spec.Claims)
	}
}

func TestInvalidMinTLSVersionIsAProblemNamingTheAnnotation(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: a, annotations: {portico.dev/min-tls-version: "1.4"}}`+strings.Replace(tlsIngress, "PATH", "/", 1))
	res := translateGroup(t, offline(), ing)
	msg := problemText(res, "a", ReasonInvalidAnnotation)
	if !strings.Contains(msg, AnnotationMinTLSVersion) || !strings.Contains(msg, `"1.4"`) || !strings.Contains(msg, "1.3") {
		t.Errorf("want an InvalidAnnotation problem naming %s and the allowed versions; got %q", AnnotationMinTLSVersion, msg)
	}
}

func TestMinTLSVersionWithoutCertificateIsIgnoredWithAWarning(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: a, annotations: {portico.dev/min-tls-version: "1.2"}}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
`)
	res := translateGroup(t, offline(), ing)
	if res.Spec.Frontends.MinTLSVersion != "" || !hasProblem(res, "a", ReasonNoListener, AnnotationMinTLSVersion) {
		t.Errorf("frontends %+v, problems %v: want the version ignored with a NoListener warning", res.Spec.Frontends, res.Problems)
	}
}

// A member that turns invalid keeps the version it set, as it keeps its other claims.
func TestFrozenMemberKeepsItsMinTLSVersion(t *testing.T) {
	web := mustIngress(t, frozenWeb)
	web.Annotations[AnnotationMinTLSVersion] = "1.2"
	before := TranslateGroup(frontGroup(t, web), offline(), Config{})
	typo := web.DeepCopy()
	typo.Generation = 2
	typo.Annotations[AnnotationAllowHTTP] = "flase"
	delete(typo.Annotations, AnnotationMinTLSVersion)
	g := frontGroup(t, typo)
	g.Previous = &before.Spec
	after := TranslateGroup(g, offline(), Config{})
	if before.Spec.Frontends.MinTLSVersion != "1.2" || after.Spec.Frontends.MinTLSVersion != "1.2" {
		t.Errorf("min TLS version before %q, after an invalid edit %q; want 1.2 kept", before.Spec.Frontends.MinTLSVersion, after.Spec.Frontends.MinTLSVersion)
	}
}

// The CRD's enums of spec.backends[].protocol and spec.frontends.minTLSVersion are the
// annotations' allowed values, so that what the model accepts the API server stores.
func TestProtocolAndTLSEnumsMatchTheCRD(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "config", "crd", "bases", "portico.dev_loadbalancers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.Unmarshal(data, crd); err != nil {
		t.Fatal(err)
	}
	spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
	enum := func(p apiextensionsv1.JSONSchemaProps) []string {
		var out []string
		for _, v := range p.Enum {
			var s string
			_ = json.Unmarshal(v.Raw, &s)
			out = append(out, s)
		}
		return out
	}
	if got := enum(spec.Properties["backends"].Items.Schema.Properties["protocol"]); !slices.Equal(got, v1alpha1.BackendProtocols) {
		t.Errorf("CRD protocol enum %v, annotation values %v", got, v1alpha1.BackendProtocols)
	}
	if got := enum(spec.Properties["frontends"].Properties["minTLSVersion"]); !slices.Equal(got, v1alpha1.TLSVersions) {
		t.Errorf("CRD minTLSVersion enum %v, annotation values %v", got, v1alpha1.TLSVersions)
	}
}

// portico explain says which TLS versions an HTTPS request must use, and why.
func TestExplainNamesTheMinimumTLSVersion(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: a, annotations: {portico.dev/min-tls-version: "1.3"}}`+strings.Replace(tlsIngress, "PATH", "/", 1))
	res := translateOne(t, ing, offline())
	u, _ := ParseRequestURL("https://shop.example.com/")
	ex := Explain([]*Result{res}, []*networkingv1.Ingress{ing}, u, "")
	if !slices.ContainsFunc(ex.Reasons, func(r string) bool {
		return strings.Contains(r, "TLS 1.3 or later") && strings.Contains(r, AnnotationMinTLSVersion)
	}) {
		t.Errorf("explain gives %v; want the TLS 1.3 minimum and its annotation", ex.Reasons)
	}
}
