package gcp

import (
	"cmp"
	"slices"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// certSpec is a certificate to upload. Its key is read only when the certificate is
// created, so that a pass that finds it in the cloud never touches key material.
type certSpec struct {
	Cert *computepb.SslCertificate
	Key  providers.KeyLoader
}

// addHTTPSProxy adds the certificates and the HTTPS proxy. When a certificate cannot be
// built, the proxy is blocked: what serves keeps serving until the Secret is fixed.
func (b *builder) addHTTPSProxy(routes plan.Key) plan.Key {
	name := b.name(KindTargetHTTPSProxy)
	proxy := plan.Key{Kind: KindTargetHTTPSProxy, Name: name}
	certs, err := b.addCertificates()
	if err != nil {
		b.g.Blocked[proxy] = err
		return proxy
	}
	p := &computepb.TargetHttpsProxy{
		Name: proto.String(name), Description: proto.String(b.description), UrlMap: proto.String(b.global(KindURLMap, routes.Name)),
	}
	refs := []plan.Key{routes}
	if policy, ok := b.addSslPolicy(p); ok {
		refs = append(refs, policy)
	}
	for _, c := range certs {
		p.SslCertificates = append(p.SslCertificates, b.global(KindSslCertificate, c))
		refs = append(refs, plan.Key{Kind: KindSslCertificate, Name: c})
	}
	return b.add(KindTargetHTTPSProxy, name, "HTTPS proxy of "+routes.Name, p, refs...)
}

// addCertificates adds one certificate per distinct TLS Secret, named after its content
// hash so that a rotation is a new certificate, and returns the names the proxy serves:
// those and the pre-shared ones, in the spec's order, except that one listed for every host
// comes first: Google serves the first certificate to a client whose SNI name no
// certificate matches, and Kubernetes says that is the one whose spec.tls entry names no host.
func (b *builder) addCertificates() ([]string, error) {
	var names []string
	for _, t := range catchAllFirst(b.want.Spec.TLS) {
		var name string
		switch {
		case t.PreShared != "":
			name = t.PreShared
		case t.SecretRef != nil:
			var err error
			if name, err = b.addCertificate(t.SecretRef.Namespace + "/" + t.SecretRef.Name); err != nil {
				return nil, err
			}
		default:
			continue
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, providers.Invalid("NoCertificate", nil, "HTTPS needs at least one certificate in spec.tls")
	}
	return names, nil
}

// addCertificate adds the certificate of one TLS Secret and returns its name.
func (b *builder) addCertificate(ref string) (string, error) {
	c, ok := b.want.Certificates[ref]
	if !ok {
		return "", providers.NotFound("TLSSecretNotFound", nil, "the TLS Secret %s was not resolved; HTTPS is not updated until it is", ref)
	}
	hash := c.Hash
	if hash == "" && c.Key != nil {
		key, err := c.Key(b.ctx)
		if err != nil {
			return "", providers.Retryable("TLSSecretUnreadable", err, "reading the key of TLS Secret %s", ref)
		}
		hash = providers.CertificateHash(c.CertPEM, key)
	}
	name := b.name(KindSslCertificate, hash)
	if !slices.ContainsFunc(b.g.Resources, func(r plan.Resource) bool { return r.Key == plan.Key{Kind: KindSslCertificate, Name: name} }) {
		b.add(KindSslCertificate, name, "certificate of "+ref, certSpec{Key: c.Key, Cert: &computepb.SslCertificate{
			Name: proto.String(name), Description: proto.String(b.description), Certificate: proto.String(string(c.CertPEM)),
		}})
	}
	return name, nil
}

// catchAllFirst orders the certificates for every host (no hosts listed) before the others,
// keeping the spec's order within each.
func catchAllFirst(tls []v1alpha1.TLSCertificate) []v1alpha1.TLSCertificate {
	out := slices.Clone(tls)
	slices.SortStableFunc(out, func(a, b v1alpha1.TLSCertificate) int {
		return cmp.Compare(min(len(a.Hosts), 1), min(len(b.Hosts), 1))
	})
	return out
}
