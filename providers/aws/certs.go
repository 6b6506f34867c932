package aws

import (
	"context"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// TagResource names, on a resource AWS gives no name (a certificate imported into ACM, a
// security group rule), the resource of the plan it is.
const TagResource = "portico.dev/resource"

// tagHash records, on a certificate portico imported, the hash of the TLS Secret's content
// it holds, which ACM cannot show (it shows no key).
const tagHash = "portico.dev/hash"

// addCertificates returns the HTTPS listener's certificates in spec order (the first is
// the default one), adding a resource for each TLS Secret to import into ACM. A preShared
// entry is an ACM (or IAM) ARN used as it is, which must be of the load balancer's region.
// err says what is wrong with any of them; the listener is then left as it is.
func (b *builder) addCertificates() ([]certRef, []plan.Key, error) {
	var refs []certRef
	var keys []plan.Key
	var errs []string
	for i, tls := range b.want.Spec.TLS {
		if tls.PreShared != "" {
			if err := b.checkPreShared(tls.PreShared); err != nil {
				errs = append(errs, fmt.Sprintf("spec.tls[%d].preShared: %v", i, err))
				continue
			}
			refs = append(refs, certRef{ARN: tls.PreShared})
			continue
		}
		if tls.Discovered {
			refs = b.addDiscovered(refs, tls.Hosts)
			continue
		}
		if tls.SecretRef == nil {
			continue
		}
		secret := tls.SecretRef.Namespace + "/" + tls.SecretRef.Name
		c, ok := b.want.Certificates[secret]
		if !ok || c.Hash == "" {
			errs = append(errs, fmt.Sprintf("spec.tls[%d]: the TLS Secret %s is not available", i, secret))
			continue
		}
		name := b.name(KindCertificate, c.Hash[:min(16, len(c.Hash))])
		k := plan.Key{Kind: KindCertificate, Name: name}
		if !containsKey(keys, k) {
			spec := certSpec{Secret: secret, Hash: c.Hash, CertPEM: c.CertPEM, Key: c.Key, Tags: b.tags(map[string]string{TagResource: name, tagHash: c.Hash})}
			b.add(KindCertificate, name, "certificate of the TLS Secret "+secret+" imported into ACM", spec)
			keys = append(keys, k)
		}
		refs = append(refs, certRef{Resource: name})
	}
	if b.cfg.discoverErr != nil {
		errs = append(errs, b.cfg.discoverErr.Error())
	}
	switch {
	case len(errs) > 0:
		return refs, keys, providers.Invalid("CertificateInvalid", nil, "%s", strings.Join(errs, "; "))
	case len(refs) == 0:
		return nil, keys, providers.Invalid("CertificateMissing", nil, "the HTTPS frontend has no certificate: list one in spec.tls")
	}
	return refs, keys, nil
}

// addDiscovered adds the certificates found for the hosts, each once.
func (b *builder) addDiscovered(refs []certRef, hosts []v1alpha1.Hostname) []certRef {
	for _, h := range hosts {
		a, ok := b.cfg.discovered[string(h)]
		if ok && !slices.Contains(refs, certRef{ARN: a}) {
			refs = append(refs, certRef{ARN: a})
		}
	}
	return refs
}

// checkPreShared accepts an ACM certificate ARN of the load balancer's region, or an IAM
// server certificate ARN (IAM is global).
func (b *builder) checkPreShared(s string) error {
	a, err := arn.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not an ARN: name an ACM certificate by its ARN", s)
	}
	switch {
	case a.Service == "acm" && strings.HasPrefix(a.Resource, "certificate/"):
		if a.Region != b.cfg.region {
			return fmt.Errorf("the ACM certificate %s is in region %s, not the load balancer's region %s", s, a.Region, b.cfg.region)
		}
		return nil
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "server-certificate/"):
		return nil
	}
	return fmt.Errorf("%q is neither an ACM certificate nor an IAM server certificate ARN", s)
}

func containsKey(keys []plan.Key, k plan.Key) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

// splitChain splits a PEM chain into the leaf certificate and the rest, as ACM takes them.
func splitChain(chain []byte) (leaf, rest []byte) {
	block, remainder := pem.Decode(chain)
	if block == nil {
		return chain, nil
	}
	leaf = pem.EncodeToMemory(block)
	for {
		var b *pem.Block
		b, remainder = pem.Decode(remainder)
		if b == nil {
			return leaf, rest
		}
		rest = append(rest, pem.EncodeToMemory(b)...)
	}
}

// refuseOthersCertificates blocks a listener that names, as a pre-shared certificate, one
// portico imported for another load balancer: a user may name a certificate the user
// made, or one the class grants, never another load balancer's Secret.
func (p *Provider) refuseOthersCertificates(ctx context.Context, region string, want *providers.Desired, g plan.Graph) error {
	var named []string
	for _, r := range g.Resources {
		if s, ok := r.Spec.(listenerSpec); ok {
			for _, c := range s.Certificates {
				if c.Resource == "" && !slices.Contains(want.Granted.Certificates, c.ARN) {
					named = append(named, c.ARN)
				}
			}
		}
	}
	if len(named) == 0 {
		return nil
	}
	certs, err := p.reads.cache.All(ctx, region, KindCertificate)
	if err != nil {
		return fmt.Errorf("read certificates: %w", err)
	}
	for _, c := range certs {
		o, ok := ownerOf(c)
		arn := c.Spec.(certSpec).ARN
		if !ok || o.LoadBalancer == want.Ref.Name || !slices.Contains(named, arn) {
			continue
		}
		for _, r := range g.Resources {
			if s, ok := r.Spec.(listenerSpec); ok && slices.ContainsFunc(s.Certificates, func(ref certRef) bool { return ref.ARN == arn }) {
				g.Blocked[r.Key] = providers.Invalid("CertificateNotGranted", nil,
					"spec.tls names %s, which portico imported for the load balancer %s: name a certificate of your own, or one the IngressClassParams grants", arn, o.LoadBalancer)
			}
		}
	}
	return nil
}
