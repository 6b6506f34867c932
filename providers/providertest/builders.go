package providertest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// lbBuilder builds a Desired load balancer for the tables of the suite.
type lbBuilder struct {
	d providers.Desired
}

// loadBalancer starts a load balancer with no frontend, backend or rule.
func loadBalancer(name string) *lbBuilder {
	return &lbBuilder{d: providers.Desired{
		Ref:          providers.Ref{Name: name},
		Targets:      map[string][]providers.Target{},
		Certificates: map[string]providers.Certificate{},
	}}
}

// http adds the plain HTTP frontend.
func (b *lbBuilder) http() *lbBuilder {
	b.d.Spec.Frontends.HTTP = true
	return b
}

// https adds the HTTPS frontend, serving cert from the TLS Secret secret ("namespace/name")
// for the hosts.
func (b *lbBuilder) https(secret string, cert providers.Certificate, hosts ...v1alpha1.Hostname) *lbBuilder {
	ns, name, _ := strings.Cut(secret, "/")
	b.d.Spec.Frontends.HTTPS = true
	b.d.Spec.TLS = append(b.d.Spec.TLS, v1alpha1.TLSCertificate{
		SecretRef: &v1alpha1.ObjectRef{Namespace: ns, Name: name}, Hosts: hosts,
	})
	b.d.Certificates[secret] = cert
	return b
}

// sslRedirect answers plain HTTP with a redirect to HTTPS.
func (b *lbBuilder) sslRedirect() *lbBuilder {
	b.d.Spec.Frontends.SSLRedirect = true
	return b
}

// minTLS sets the oldest TLS version the HTTPS listener accepts.
func (b *lbBuilder) minTLS(version string) *lbBuilder {
	b.d.Spec.Frontends.MinTLSVersion = version
	return b
}

// backend adds a backend of that target type, for the Service of the same name.
func (b *lbBuilder) backend(name, targetType string) *lbBuilder {
	b.d.Spec.Backends = append(b.d.Spec.Backends, v1alpha1.Backend{
		Name:       name,
		Service:    v1alpha1.ServiceRef{Namespace: "contract", Name: name, PortNumber: 80},
		TargetType: targetType,
	})
	return b
}

// targets sets a backend's targets instead of the ones the suite makes up.
func (b *lbBuilder) targets(backend string, ts ...providers.Target) *lbBuilder {
	b.d.Targets[backend] = ts
	return b
}

// host adds the path rules of a host; "" is the rule without host.
func (b *lbBuilder) host(host v1alpha1.Hostname, paths ...v1alpha1.PathRule) *lbBuilder {
	b.d.Spec.Rules = append(b.d.Spec.Rules, v1alpha1.HostRule{Host: host, Paths: paths})
	return b
}

// defaultBackend sends the requests no rule matches to a backend.
func (b *lbBuilder) defaultBackend(name string) *lbBuilder {
	b.d.Spec.DefaultBackend = name
	return b
}

// prefix is a Prefix path rule.
func prefix(path, backend string) v1alpha1.PathRule {
	return v1alpha1.PathRule{Path: path, PathType: v1alpha1.PathTypePrefix, Backend: backend}
}

// exact is an Exact path rule.
func exact(path, backend string) v1alpha1.PathRule {
	return v1alpha1.PathRule{Path: path, PathType: v1alpha1.PathTypeExact, Backend: backend}
}

// build returns the Desired for provider p: its name, the location of the harness's
// parameters, and targets for every backend that has none.
func (s *suite) build(p providers.Provider, b *lbBuilder) *providers.Desired {
	d := b.d
	d.Spec.Provider = p.Name()
	d.Params = s.h.Params
	d.Ref.Location = p.Location(s.h.Params)
	d.Targets = map[string][]providers.Target{}
	for i, be := range d.Spec.Backends {
		switch {
		case b.d.Targets[be.Name] != nil:
			d.Targets[be.Name] = slices.Clone(b.d.Targets[be.Name])
		case s.h.Targets != nil:
			d.Targets[be.Name] = s.h.Targets(d.Ref.Name, be)
		default:
			d.Targets[be.Name] = madeUpTargets(i, be.TargetType)
		}
	}
	return &d
}

// madeUpTargets returns two targets in two zones: pods, or nodes on a NodePort.
func madeUpTargets(i int, targetType string) []providers.Target {
	if targetType == v1alpha1.TargetTypeInstance {
		port := int32(30080 + i)
		return []providers.Target{
			{IP: "10.128.0.1", Port: port, Zone: "zone-a", Node: "node-a"},
			{IP: "10.128.0.2", Port: port, Zone: "zone-b", Node: "node-b"},
		}
	}
	return []providers.Target{
		{IP: fmt.Sprintf("10.1.%d.1", i), Port: 8080, Zone: "zone-a"},
		{IP: fmt.Sprintf("10.1.%d.2", i), Port: 8080, Zone: "zone-b"},
	}
}
