package model

import (
	"slices"
	"strconv"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Hold asks the translation to keep serving an Ingress as its load balancer last accepted it,
// whatever it says now: its IngressClass is missing (a Helm upgrade re-creates it), or it is
// moving to another load balancer that is not Programmed yet.
type Hold struct {
	Ingress *networkingv1.Ingress
	// State is v1alpha1.MemberFrozen or v1alpha1.MemberMoving.
	State string
	// Field, Reason and Message say why, for the LoadBalancer's status.members and the
	// Ingress's Events.
	Field   string
	Reason  string
	Message string
}

// previousMember returns the member of the previous spec that is this Ingress (same UID).
func previousMember(prev *v1alpha1.LoadBalancerSpec, ing *networkingv1.Ingress) (v1alpha1.IngressRef, bool) {
	if prev == nil {
		return v1alpha1.IngressRef{}, false
	}
	for _, m := range prev.Members {
		// A spec written before members recorded their UID (an upgrade) matches by name, so
		// that the first invalid edit after the upgrade freezes the Ingress too.
		if m.Namespace == ing.Namespace && m.Name == ing.Name && (m.UID == string(ing.UID) || m.UID == "") {
			return m, true
		}
	}
	return v1alpha1.IngressRef{}, false
}

// frozenDraft rebuilds what a member contributed to the previous spec: the path rules and
// certificates it owns, and the settings it claimed. Merged in its place among the members,
// it gives the load balancer back exactly what it served.
func frozenDraft(ing *networkingv1.Ingress, prev *v1alpha1.LoadBalancerSpec) *draft {
	id := types.NamespacedName{Namespace: ing.Namespace, Name: ing.Name}
	d := &draft{id: id, ing: ing, backends: map[string]v1alpha1.Backend{}, provider: prev.Provider, paramsRef: prev.ParametersRef}
	owner := id.String()
	for _, rule := range prev.Rules {
		for i, p := range rule.Paths {
			if p.Ingress != owner {
				continue
			}
			d.routes = append(d.routes, route{
				host: string(rule.Host), path: p.Path, rawPath: p.Path, pathType: p.PathType, rawPathType: p.PathType,
				backend: p.Backend, field: "spec.rules (as last accepted, path " + strconv.Itoa(i) + ")",
			})
			d.keepBackend(prev, p.Backend)
		}
	}
	for _, c := range claimsOf(prev) {
		if c.Ingress == owner || c.Ingress == "" {
			d.applyClaim(prev, c)
		}
	}
	legacy := len(prev.Claims) == 0
	for _, t := range prev.TLS {
		if slices.Contains(t.Ingresses, owner) || legacy && len(t.Ingresses) == 0 {
			cert := *t.DeepCopy()
			cert.Ingresses = nil
			d.tls = append(d.tls, tlsEntry{cert: cert, field: "spec.tls (as last accepted)"})
		}
	}
	return d
}

// claimsOf returns the spec's claims. A spec written before claims were recorded (an
// upgrade) has none: its load-balancer-wide settings are then claimed by nobody in
// particular, and every frozen member keeps them, so an upgrade never changes an address.
func claimsOf(prev *v1alpha1.LoadBalancerSpec) []v1alpha1.SettingClaim {
	if len(prev.Claims) > 0 {
		return prev.Claims
	}
	var out []v1alpha1.SettingClaim
	add := func(setting, value string) {
		if value != "" {
			out = append(out, v1alpha1.SettingClaim{Setting: setting, Value: value})
		}
	}
	add(v1alpha1.SettingProvider, prev.Provider)
	add(v1alpha1.SettingStaticAddress, prev.StaticAddress)
	add(v1alpha1.SettingScheme, prev.Scheme)
	add(v1alpha1.SettingAllowHTTP, strconv.FormatBool(prev.Frontends.HTTP))
	add(v1alpha1.SettingSSLRedirect, strconv.FormatBool(prev.Frontends.SSLRedirect))
	add(v1alpha1.SettingMinTLSVersion, prev.Frontends.MinTLSVersion)
	add(v1alpha1.SettingDefaultBackend, prev.DefaultBackend)
	return out
}

func (d *draft) keepBackend(prev *v1alpha1.LoadBalancerSpec, name string) {
	for _, b := range prev.Backends {
		if b.Name == name {
			d.backends[name] = b
			return
		}
	}
}

// applyClaim gives the frozen draft back a setting it had claimed.
func (d *draft) applyClaim(prev *v1alpha1.LoadBalancerSpec, c v1alpha1.SettingClaim) {
	switch c.Setting {
	case v1alpha1.SettingProvider:
		d.provider = c.Value
	case v1alpha1.SettingStaticAddress:
		d.settings.staticAddress = c.Value
	case v1alpha1.SettingScheme:
		d.settings.scheme = c.Value
	case v1alpha1.SettingAllowHTTP:
		d.settings.allowHTTP = parseBoolPtr(c.Value)
	case v1alpha1.SettingSSLRedirect:
		d.settings.sslRedirect = parseBoolPtr(c.Value)
	case v1alpha1.SettingMinTLSVersion:
		d.settings.minTLSVersion = c.Value
	case v1alpha1.SettingInboundCIDRs:
		d.settings.inboundCIDRs = c.Value
	case v1alpha1.SettingIPAddressType:
		d.settings.ipAddressType = c.Value
	case v1alpha1.SettingSubnets:
		d.settings.subnets = c.Value
	case v1alpha1.SettingSSLPolicy:
		d.settings.sslPolicy = c.Value
	case v1alpha1.SettingDefaultBackend:
		d.defaultBackend = c.Value
		d.keepBackend(prev, c.Value)
	}
}

func parseBoolPtr(s string) *bool {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return nil
	}
	return &b
}
