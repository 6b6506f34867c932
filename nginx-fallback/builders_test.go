package nginxfallback

import (
	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// lbBuilder builds a LoadBalancer for tests: lb("a").host("x.test").prefix("/", "web").
type lbBuilder struct {
	lb   LoadBalancer
	rule int // index of the current host rule
}

func lb(name string) *lbBuilder {
	return &lbBuilder{lb: LoadBalancer{
		Name:         name,
		Spec:         v1alpha1.LoadBalancerSpec{Provider: v1alpha1.ProviderNginx, Frontends: v1alpha1.Frontends{HTTP: true}},
		Targets:      map[string][]providers.Target{},
		Certificates: map[string]providers.Certificate{},
	}, rule: -1}
}

// host starts the rules of a host ("" for the rules without host).
func (b *lbBuilder) host(h string) *lbBuilder {
	b.lb.Spec.Rules = append(b.lb.Spec.Rules, v1alpha1.HostRule{Host: v1alpha1.Hostname(h)})
	b.rule = len(b.lb.Spec.Rules) - 1
	return b
}

func (b *lbBuilder) path(pathType, path, backend string) *lbBuilder {
	if b.rule < 0 {
		b.host("")
	}
	r := &b.lb.Spec.Rules[b.rule]
	r.Paths = append(r.Paths, v1alpha1.PathRule{Path: path, PathType: pathType, Backend: backend})
	b.backend(backend)
	return b
}

func (b *lbBuilder) prefix(path, backend string) *lbBuilder {
	return b.path(v1alpha1.PathTypePrefix, path, backend)
}

func (b *lbBuilder) exact(path, backend string) *lbBuilder {
	return b.path(v1alpha1.PathTypeExact, path, backend)
}

// backend declares a backend (once) in spec.backends.
func (b *lbBuilder) backend(name string) *lbBuilder {
	if findBackend(&b.lb.Spec, name) == nil {
		b.lb.Spec.Backends = append(b.lb.Spec.Backends, v1alpha1.Backend{
			Name: name, TargetType: v1alpha1.TargetTypeIP,
			Service: v1alpha1.ServiceRef{Namespace: "default", Name: "svc", PortNumber: 80},
		})
	}
	return b
}

func (b *lbBuilder) defaultBackend(name string) *lbBuilder {
	b.lb.Spec.DefaultBackend = name
	return b.backend(name)
}

func (b *lbBuilder) timeout(backend string, seconds int32) *lbBuilder {
	b.backend(backend)
	findBackend(&b.lb.Spec, backend).TimeoutSeconds = seconds
	return b
}

func (b *lbBuilder) target(backend, ip string, port int32) *lbBuilder {
	b.lb.Targets[backend] = append(b.lb.Targets[backend], providers.Target{IP: ip, Port: port})
	return b
}

// tls adds a certificate from Secret ns/name for hosts (none: every host), with content.
func (b *lbBuilder) tls(ref string, cert providers.Certificate, hosts ...string) *lbBuilder {
	b.lb.Spec.Frontends.HTTPS = true
	ns, name := splitRef(ref)
	t := v1alpha1.TLSCertificate{SecretRef: &v1alpha1.ObjectRef{Namespace: ns, Name: name}}
	for _, h := range hosts {
		t.Hosts = append(t.Hosts, v1alpha1.Hostname(h))
	}
	b.lb.Spec.TLS = append(b.lb.Spec.TLS, t)
	b.lb.Certificates[ref] = cert
	return b
}

func (b *lbBuilder) sslRedirect() *lbBuilder {
	b.lb.Spec.Frontends.SSLRedirect = true
	return b
}

func (b *lbBuilder) noHTTP() *lbBuilder {
	b.lb.Spec.Frontends.HTTP = false
	return b
}

func (b *lbBuilder) build() LoadBalancer { return b.lb }

func splitRef(ref string) (string, string) {
	for i := range ref {
		if ref[i] == '/' {
			return ref[:i], ref[i+1:]
		}
	}
	return "", ref
}

// input builds an Input of LoadBalancers; each host goes to the first LoadBalancer that
// lists it, and the catch-all to the first that has rules without host or a default backend
// unless catchAll says otherwise.
func input(lbs ...*lbBuilder) Input {
	in := Input{
		Settings:   Settings{HTTPPort: 8080, HTTPSPort: 8443, WorkerProcesses: 1},
		HostOwners: map[v1alpha1.Hostname]string{},
	}
	for _, b := range lbs {
		in.LoadBalancers = append(in.LoadBalancers, b.build())
		for _, r := range b.lb.Spec.Rules {
			if _, taken := in.HostOwners[r.Host]; r.Host != "" && !taken {
				in.HostOwners[r.Host] = b.lb.Name
			}
			if r.Host == "" && in.CatchAll == "" {
				in.CatchAll = b.lb.Name
			}
		}
		if b.lb.Spec.DefaultBackend != "" && in.CatchAll == "" {
			in.CatchAll = b.lb.Name
		}
	}
	return in
}

// testCert is a certificate whose content hash is name, for renders that need no file.
func testCert(name string) providers.Certificate {
	return providers.Certificate{CertPEM: []byte("cert " + name), Key: providers.StaticKey([]byte("key " + name)), Hash: name}
}
