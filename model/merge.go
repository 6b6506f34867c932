package model

import (
	"fmt"
	"sort"
	"strconv"

	"k8s.io/apimachinery/pkg/types"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// claim records which Ingress, and which field of it, won a route or setting.
type claim struct {
	owner   types.NamespacedName
	field   string
	value   string
	claimed bool
}

// describe names the claim for a message about another Ingress.
func (c claim) describe(other types.NamespacedName) string {
	if c.owner == other {
		return fmt.Sprintf("%s of this Ingress", c.field)
	}
	return fmt.Sprintf("%s of Ingress %s, the oldest", c.field, c.owner)
}

type routeKey struct {
	host, path, pathType string
}

// merger joins the drafts of a group, oldest first; the first claim on anything wins.
type merger struct {
	ps *problems

	provider, staticAddress, scheme, allowHTTP, sslRedirect, minTLSVersion claim
	inboundCIDRs, ipAddressType, subnets, sslPolicy                        claim
	paramsRef                                                              string

	routes         map[routeKey]claim
	defaultBackend claim
	backends       map[string]v1alpha1.Backend
	certs          map[string]*v1alpha1.TLSCertificate
	catchAll       map[string]bool // certificates listed without hosts serve every host
	tlsHosts       map[v1alpha1.Hostname]claim
	certOwners     map[string]map[string]bool
	members        []v1alpha1.IngressRef
}

func newMerger(ps *problems) *merger {
	return &merger{
		ps:         ps,
		routes:     map[routeKey]claim{},
		backends:   map[string]v1alpha1.Backend{},
		certs:      map[string]*v1alpha1.TLSCertificate{},
		catchAll:   map[string]bool{},
		tlsHosts:   map[v1alpha1.Hostname]claim{},
		certOwners: map[string]map[string]bool{},
	}
}

// add merges one accepted draft, unless it would push the load balancer past a limit of the
// LoadBalancer resource; then the Ingress is left out with an error and add returns false.
func (m *merger) add(d *draft, class Class, ref v1alpha1.IngressRef) bool {
	if msg := m.exceedsLimits(d); msg != "" {
		m.ps.add(d.id, SeverityError, "spec", ReasonTooLarge, "%s", msg)
		return false
	}
	s := d.settings
	if len(m.members) == 0 {
		m.claimInherited(d, class)
	}
	m.members = append(m.members, ref)
	m.setting(&m.provider, d, AnnotationProvider, s.provider)
	m.setting(&m.staticAddress, d, AnnotationStaticAddress, s.staticAddress)
	m.setting(&m.scheme, d, AnnotationScheme, s.scheme)
	m.setting(&m.allowHTTP, d, AnnotationAllowHTTP, boolText(s.allowHTTP))
	m.setting(&m.sslRedirect, d, AnnotationSSLRedirect, boolText(s.sslRedirect))
	m.setting(&m.minTLSVersion, d, AnnotationMinTLSVersion, s.minTLSVersion)
	m.setting(&m.inboundCIDRs, d, AnnotationInboundCIDRs, s.inboundCIDRs)
	m.setting(&m.ipAddressType, d, AnnotationIPAddressType, s.ipAddressType)
	m.setting(&m.subnets, d, AnnotationSubnets, s.subnets)
	m.setting(&m.sslPolicy, d, AnnotationSSLPolicy, s.sslPolicy)
	for _, r := range d.routes {
		m.addRoute(d, r)
	}
	m.addDefaultBackend(d)
	for _, t := range d.tls {
		m.addTLS(d, t)
	}
	return true
}

// claimInherited makes the oldest member's effective provider and scheme, chosen by its
// annotations or else by its class, the load balancer's. A newer member then cannot move the
// load balancer to another provider, or make an internal one public, without a warning.
func (m *merger) claimInherited(d *draft, class Class) {
	m.paramsRef = d.paramsRef
	if class.Params != nil {
		m.paramsRef = class.Params.Name
	}
	if d.settings.provider == "" {
		m.provider = claim{owner: d.id, field: "spec.ingressClassName", value: d.provider, claimed: true}
	}
	if d.settings.scheme == "" && class.Params != nil && class.Params.Spec.AWS != nil && class.Params.Spec.AWS.Scheme != "" {
		m.scheme = claim{owner: d.id, field: "spec.ingressClassName", value: class.Params.Spec.AWS.Scheme, claimed: true}
	}
}

// setting records a one-per-load-balancer setting; a later member that sets another value
// gets a warning that names the winner.
func (m *merger) setting(c *claim, d *draft, annotation, value string) {
	if value == "" {
		return
	}
	if !c.claimed {
		*c = claim{owner: d.id, field: annotationField(annotation), value: value, claimed: true}
		return
	}
	if c.value != value {
		m.ps.add(d.id, SeverityWarning, annotationField(annotation), ReasonSettingConflict,
			"%s conflicts with %s set by %s; the load balancer uses %s",
			quote(value), quote(c.value), c.describe(d.id), quote(c.value))
	}
}

func (m *merger) addRoute(d *draft, r route) {
	key := routeKey{host: r.host, path: r.path, pathType: r.pathType}
	if c, ok := m.routes[key]; ok {
		m.ps.add(d.id, SeverityWarning, r.field, ReasonRouteConflict,
			"%s path %s on host %s is already claimed by %s; this path is ignored",
			r.rawPathType, quote(r.rawPath), hostText(r.host), c.describe(d.id))
		return
	}
	m.routes[key] = claim{owner: d.id, field: r.field, value: r.backend, claimed: true}
	m.backends[r.backend] = d.backends[r.backend]
}

func (m *merger) addDefaultBackend(d *draft) {
	if d.defaultBackend == "" {
		return
	}
	if m.defaultBackend.claimed {
		if m.defaultBackend.value != d.defaultBackend {
			m.ps.add(d.id, SeverityWarning, "spec.defaultBackend", ReasonRouteConflict,
				"the default backend is already set by %s; this one is ignored", m.defaultBackend.describe(d.id))
		}
		return
	}
	m.defaultBackend = claim{owner: d.id, field: "spec.defaultBackend", value: d.defaultBackend, claimed: true}
	m.backends[d.defaultBackend] = d.backends[d.defaultBackend]
}

// addTLS adds a certificate. A host that another certificate already serves stays with it.
func (m *merger) addTLS(d *draft, t tlsEntry) {
	key := certKey(t.cert)
	if len(t.cert.Hosts) == 0 {
		m.catchAll[key] = true
	}
	var hosts []v1alpha1.Hostname
	for _, h := range t.cert.Hosts {
		if c, ok := m.tlsHosts[h]; ok && c.value != key {
			m.ps.add(d.id, SeverityWarning, t.field, ReasonSettingConflict,
				"host %s already uses the certificate of %s; this certificate is not served for it", h, c.describe(d.id))
			continue
		}
		m.tlsHosts[h] = claim{owner: d.id, field: t.field, value: key, claimed: true}
		hosts = append(hosts, h)
	}
	if len(t.cert.Hosts) > 0 && len(hosts) == 0 {
		return
	}
	cert, ok := m.certs[key]
	if !ok {
		c := t.cert
		c.Hosts = nil
		cert = &c
		m.certs[key] = cert
	}
	cert.Hosts = append(cert.Hosts, hosts...)
	if m.certOwners[key] == nil {
		m.certOwners[key] = map[string]bool{}
	}
	m.certOwners[key][d.id.String()] = true
}

func certKey(c v1alpha1.TLSCertificate) string {
	if c.SecretRef != nil {
		return "secret:" + c.SecretRef.Namespace + "/" + c.SecretRef.Name
	}
	if c.Discovered {
		// One entry for every discovered host: the provider finds each host's certificate.
		return "discovered"
	}
	return "preshared:" + c.PreShared
}

func boolText(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

// spec builds the LoadBalancerSpec from what the merger collected, every list sorted.
func (m *merger) spec() v1alpha1.LoadBalancerSpec {
	if len(m.members) == 0 {
		return v1alpha1.LoadBalancerSpec{} // no load balancer
	}
	spec := v1alpha1.LoadBalancerSpec{
		Provider:       m.provider.value,
		ParametersRef:  m.paramsRef,
		StaticAddress:  m.staticAddress.value,
		Scheme:         v1alpha1.SchemeInternetFacing,
		DefaultBackend: m.defaultBackend.value,
		Members:        m.members,
	}
	if m.scheme.claimed {
		spec.Scheme = m.scheme.value
	}
	spec.IPAddressType = m.ipAddressType.value
	for _, s := range splitClaim(m.subnets.value) {
		spec.Subnets = append(spec.Subnets, v1alpha1.SubnetID(s))
	}
	spec.TLS = m.sortedCerts()
	spec.Rules = m.sortedRules()
	spec.Backends = m.sortedBackends()
	spec.Frontends = m.frontends(len(spec.TLS) > 0)
	spec.Claims = m.claims()
	sort.Slice(spec.Members, func(i, j int) bool {
		a, b := spec.Members[i], spec.Members[j]
		return a.Namespace < b.Namespace || a.Namespace == b.Namespace && a.Name < b.Name
	})
	return spec
}

// frontends turns allow-http, ssl-redirect and min-tls-version into listeners, and warns the member that set
// them when the result cannot serve what it asked for.
func (m *merger) frontends(https bool) v1alpha1.Frontends {
	f := v1alpha1.Frontends{HTTP: m.allowHTTP.value != "false", HTTPS: https}
	if m.sslRedirect.value == "true" {
		if https {
			f.SSLRedirect = true
		} else {
			m.ps.add(m.sslRedirect.owner, SeverityWarning, m.sslRedirect.field, ReasonNoListener,
				"ssl-redirect needs HTTPS, but the load balancer has no TLS certificate; plain HTTP is served instead")
		}
	}
	if m.minTLSVersion.claimed {
		if https {
			f.MinTLSVersion = m.minTLSVersion.value
		} else {
			m.ps.add(m.minTLSVersion.owner, SeverityWarning, m.minTLSVersion.field, ReasonNoListener,
				"min-tls-version applies to HTTPS, but the load balancer has no TLS certificate; it is ignored")
		}
	}
	if m.sslPolicy.claimed {
		if https {
			f.SSLPolicy = m.sslPolicy.value
		} else {
			m.ps.add(m.sslPolicy.owner, SeverityWarning, m.sslPolicy.field, ReasonNoListener,
				"ssl-policy applies to HTTPS, but the load balancer has no TLS certificate; it is ignored")
		}
	}
	for _, c := range splitClaim(m.inboundCIDRs.value) {
		f.InboundCIDRs = append(f.InboundCIDRs, v1alpha1.CIDR(c))
	}
	if !f.HTTP && !f.HTTPS && len(m.members) > 0 {
		m.ps.add(m.allowHTTP.owner, SeverityWarning, m.allowHTTP.field, ReasonNoListener,
			"allow-http is false and the load balancer has no TLS certificate, so it has no listener and serves nothing")
	}
	return f
}

// claims records who set each load-balancer-wide setting, so that a member that turns
// invalid keeps what it set (see frozenDraft).
func (m *merger) claims() []v1alpha1.SettingClaim {
	var out []v1alpha1.SettingClaim
	for _, s := range []struct {
		setting string
		c       claim
	}{
		{v1alpha1.SettingAllowHTTP, m.allowHTTP},
		{v1alpha1.SettingDefaultBackend, m.defaultBackend},
		{v1alpha1.SettingInboundCIDRs, m.inboundCIDRs},
		{v1alpha1.SettingIPAddressType, m.ipAddressType},
		{v1alpha1.SettingMinTLSVersion, m.minTLSVersion},
		{v1alpha1.SettingProvider, m.provider},
		{v1alpha1.SettingScheme, m.scheme},
		{v1alpha1.SettingSSLPolicy, m.sslPolicy},
		{v1alpha1.SettingSSLRedirect, m.sslRedirect},
		{v1alpha1.SettingStaticAddress, m.staticAddress},
		{v1alpha1.SettingSubnets, m.subnets},
	} {
		if s.c.claimed {
			out = append(out, v1alpha1.SettingClaim{Setting: s.setting, Value: s.c.value, Ingress: s.c.owner.String()})
		}
	}
	return out
}

func (m *merger) sortedCerts() []v1alpha1.TLSCertificate {
	keys := sortedKeys(m.certs)
	out := make([]v1alpha1.TLSCertificate, 0, len(keys))
	for _, k := range keys {
		c := *m.certs[k]
		sort.Slice(c.Hosts, func(i, j int) bool { return c.Hosts[i] < c.Hosts[j] })
		c.Ingresses = sortedKeys(m.certOwners[k])
		if m.catchAll[k] {
			c.Hosts = nil // listed once without hosts: it serves every host
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// sortedRules groups the routes by host: named hosts in order, then wildcards, then the
// rule for every host; within a host, paths in the order the router tries them.
func (m *merger) sortedRules() []v1alpha1.HostRule {
	byHost := map[string][]v1alpha1.PathRule{}
	for key, c := range m.routes {
		byHost[key.host] = append(byHost[key.host], v1alpha1.PathRule{
			Path: key.path, PathType: key.pathType, Backend: c.value, Ingress: c.owner.String(),
		})
	}
	hosts := sortedKeys(byHost)
	sort.SliceStable(hosts, func(i, j int) bool { return hostOrder(hosts[i]) < hostOrder(hosts[j]) })
	out := make([]v1alpha1.HostRule, 0, len(hosts))
	for _, h := range hosts {
		paths := byHost[h]
		sort.Slice(paths, func(i, j int) bool { return pathBefore(paths[i], paths[j]) })
		out = append(out, v1alpha1.HostRule{Host: v1alpha1.Hostname(h), Paths: paths})
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func hostOrder(h string) int {
	switch {
	case h == "":
		return 2
	case h[0] == '*':
		return 1
	}
	return 0
}

// pathBefore orders paths by routing priority: longer first, Exact before Prefix.
func pathBefore(a, b v1alpha1.PathRule) bool {
	if len(a.Path) != len(b.Path) {
		return len(a.Path) > len(b.Path)
	}
	if a.PathType != b.PathType {
		return a.PathType == v1alpha1.PathTypeExact
	}
	return a.Path < b.Path
}

func (m *merger) sortedBackends() []v1alpha1.Backend {
	out := make([]v1alpha1.Backend, 0, len(m.backends))
	for _, name := range sortedKeys(m.backends) {
		out = append(out, m.backends[name])
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
