package model

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
)

const plainIngress = `
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
`

func TestNetworkAnnotationsSetTheLoadBalancersNetworkSide(t *testing.T) {
	ing := mustIngress(t, `
metadata: {name: a, annotations: {
  portico.dev/inbound-cidrs: "10.0.0.0/8, 2001:db8::/32",
  portico.dev/ip-address-type: dualstack,
  portico.dev/subnets: "subnet-0a1b2c3d,subnet-0f1e2d3c4b5a6978",
  portico.dev/ssl-policy: ELBSecurityPolicy-TLS13-1-2-2021-06}}`+strings.Replace(tlsIngress, "PATH", "/", 1))
	res := translateGroup(t, offline(), ing)
	if len(res.Problems) != 0 {
		t.Fatalf("problems: %v", res.Problems)
	}
	s := res.Spec
	if got := s.Frontends.InboundCIDRs; len(got) != 2 || got[0] != "10.0.0.0/8" || got[1] != "2001:db8::/32" {
		t.Errorf("inbound CIDRs %v", got)
	}
	if s.IPAddressType != v1alpha1.IPAddressTypeDualstack || len(s.Subnets) != 2 || s.Subnets[1] != "subnet-0f1e2d3c4b5a6978" {
		t.Errorf("ip address type %q, subnets %v", s.IPAddressType, s.Subnets)
	}
	if s.Frontends.SSLPolicy != "ELBSecurityPolicy-TLS13-1-2-2021-06" {
		t.Errorf("ssl policy %q", s.Frontends.SSLPolicy)
	}
}

func TestInvalidNetworkAnnotationsAreProblemsNamingTheAnnotation(t *testing.T) {
	for name, c := range map[string]struct{ annotation, value, says string }{
		"host bits":    {AnnotationInboundCIDRs, "10.0.0.1/8", "write 10.0.0.0/8"},
		"not a range":  {AnnotationInboundCIDRs, "10.0.0.0", "CIDR notation"},
		"empty item":   {AnnotationInboundCIDRs, "10.0.0.0/8,", "empty item"},
		"too many":     {AnnotationInboundCIDRs, strings.Repeat("10.0.0.0/8,", 20) + "10.0.0.0/8", "at most 20"},
		"subnet":       {AnnotationSubnets, "subnet-xyz", "not a subnet ID"},
		"address type": {AnnotationIPAddressType, "ipv6", "not a known value"},
		"policy":       {AnnotationSSLPolicy, "policy;rm -rf", "not a TLS policy name"},
	} {
		ing := mustIngress(t, `
metadata: {name: a}`+plainIngress)
		ing.Annotations = map[string]string{c.annotation: c.value}
		res := translateGroup(t, offline(), ing)
		msg := problemText(res, "a", ReasonInvalidAnnotation)
		if !strings.Contains(msg, c.annotation) || !strings.Contains(msg, c.says) {
			t.Errorf("%s: want an InvalidAnnotation problem naming %s that says %q; got %q", name, c.annotation, c.says, msg)
		}
	}
}

// The oldest member's inbound ranges win; a newer member's are a conflict, and a member
// that turns invalid keeps the ranges it set, so a typo never opens the load balancer.
func TestInboundCIDRsAreClaimedAndSurviveAnInvalidEdit(t *testing.T) {
	old := createdOn(mustIngress(t, `
metadata: {name: old, annotations: {portico.dev/group: g, portico.dev/inbound-cidrs: "10.0.0.0/8"}}`+strings.Replace(tlsIngress, "PATH", "/a", 1)), 1)
	young := createdOn(mustIngress(t, `
metadata: {name: young, annotations: {portico.dev/group: g, portico.dev/inbound-cidrs: "0.0.0.0/0"}}`+strings.Replace(tlsIngress, "PATH", "/b", 1)), 2)
	res := translateGroup(t, offline(), young, old)
	if got := res.Spec.Frontends.InboundCIDRs; len(got) != 1 || got[0] != "10.0.0.0/8" {
		t.Errorf("inbound CIDRs %v, want the oldest member's 10.0.0.0/8", got)
	}
	if !hasProblem(res, "young", ReasonSettingConflict, AnnotationInboundCIDRs) {
		t.Errorf("the newer member gets no SettingConflict warning: %v", res.Problems)
	}

	web := mustIngress(t, frozenWeb)
	web.Annotations[AnnotationInboundCIDRs] = "192.168.0.0/16"
	before := TranslateGroup(frontGroup(t, web), offline(), Config{})
	typo := web.DeepCopy()
	typo.Generation = 2
	typo.Annotations[AnnotationAllowHTTP] = "flase"
	delete(typo.Annotations, AnnotationInboundCIDRs)
	g := frontGroup(t, typo)
	g.Previous = &before.Spec
	after := TranslateGroup(g, offline(), Config{})
	if got := after.Spec.Frontends.InboundCIDRs; len(got) != 1 || got[0] != "192.168.0.0/16" {
		t.Errorf("after an invalid edit the inbound CIDRs are %v; want 192.168.0.0/16 kept", got)
	}
}

// On AWS a spec.tls entry without secretName asks for the certificates ACM holds for its
// hosts, as the AWS Load Balancer Controller's discovery does; elsewhere it stays a warning.
func TestTLSWithoutSecretIsDiscoveredOnAWSOnly(t *testing.T) {
	const noSecret = `
spec:
  tls: [{hosts: [shop.example.com]}]
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`
	aws := translateGroup(t, offline(), mustIngress(t, `
metadata: {name: a, annotations: {portico.dev/provider: aws}}`+noSecret))
	if len(aws.Spec.TLS) != 1 || !aws.Spec.TLS[0].Discovered || len(aws.Spec.TLS[0].Hosts) != 1 || !aws.Spec.Frontends.HTTPS {
		t.Errorf("on AWS the entry gives TLS %+v, frontends %+v; want one discovered certificate for shop.example.com on HTTPS", aws.Spec.TLS, aws.Spec.Frontends)
	}
	fake := translateGroup(t, offline(), mustIngress(t, `
metadata: {name: a, annotations: {portico.dev/provider: fake}}`+noSecret))
	if len(fake.Spec.TLS) != 0 || problemText(fake, "a", ReasonInvalidTLS) == "" {
		t.Errorf("on fake the entry gives TLS %+v and problems %v; want it dropped with an InvalidTLS warning", fake.Spec.TLS, fake.Problems)
	}
	hostless := translateGroup(t, offline(), mustIngress(t, `
metadata: {name: a, annotations: {portico.dev/provider: aws}}`+strings.Replace(noSecret, "hosts: [shop.example.com]", "hosts: []", 1)))
	if msg := problemText(hostless, "a", ReasonInvalidTLS); !strings.Contains(msg, "no hosts") {
		t.Errorf("an entry without secretName or hosts gives %q; want a warning that asks for hosts", msg)
	}
}
