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
		if m.Namespace == ing.Namespace && m.Name == ing.Name && m.UID != "" && m.UID == string(ing.UID) {
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
	for _, c := range prev.Claims {
		if c.Ingress == owner {
			d.applyClaim(prev, c)
		}
	}
	for _, t := range prev.TLS {
		if slices.Contains(t.Ingresses, owner) {
			cert := *t.DeepCopy()
			cert.Ingresses = nil
			d.tls = append(d.tls, tlsEntry{cert: cert, field: "spec.tls (as last accepted)"})
		}
	}
	return d
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
