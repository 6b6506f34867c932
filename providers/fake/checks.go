package fake

import (
	"context"
	"fmt"
	"slices"

	"github.com/portico-dev/portico/providers"
)

// Reasons of the checks a desired state must pass before anything is written.
const (
	// ReasonNameConflict: a desired name is taken by a resource portico does not own. A
	// person fixes it in the cloud, so it is a conflict, retried with slow backoff.
	ReasonNameConflict = "NameConflict"
	// ReasonStaticAddressOwnedByPortico: spec.staticAddress names an address portico made
	// for a load balancer; a user may name only an address they reserved.
	ReasonStaticAddressOwnedByPortico = "StaticAddressOwnedByPortico"
	// ReasonStaticAddressInUse: another load balancer listens on the static address, and no
	// IngressClassParams grants it.
	ReasonStaticAddressInUse = "StaticAddressInUse"
	// ReasonCertificateOwnedByPortico: spec.tls[].preShared names a certificate portico
	// uploaded from a TLS Secret.
	ReasonCertificateOwnedByPortico = "CertificateOwnedByPortico"
	// ReasonCertificateInUse: another load balancer serves the pre-shared certificate, and
	// no IngressClassParams grants it.
	ReasonCertificateInUse = "CertificateInUse"
)

// check refuses a desired state that the cloud cannot take, or must not, before anything
// changes: a static address that is not reserved, or that portico made, or that another load
// balancer uses without a grant; a name taken by a resource portico does not own. A
// pre-shared certificate that is missing, portico's, or another's without a grant blocks
// only HTTPS, so HTTP keeps serving.
func (p *Provider) check(ctx context.Context, d *desired, st *state) error {
	if d.static {
		if err := p.checkAddress(ctx, d, st); err != nil {
			return err
		}
	}
	for _, k := range d.keys() {
		if r, ok := st.others[k]; ok {
			d.stale = append(d.stale, k.Kind)
			// Worded as the engine words the insert that would fail, so that the
			// condition reads the same whichever of the two finds the clash.
			return providers.Conflict(ReasonNameConflict, nil, "%s %s: %s", providers.OpCreate, k, nameConflict(k, d.lb, r.Description))
		}
	}
	for _, name := range d.preShared {
		if err := p.checkCertificate(ctx, d, st, name); err != nil {
			d.blockHTTPS(err)
			return nil
		}
	}
	return nil
}

func (p *Provider) checkAddress(ctx context.Context, d *desired, st *state) error {
	name := d.address.Name
	addr, ok := st.others[d.address]
	if !ok {
		return providers.NotFound("StaticAddressNotFound", nil,
			"spec.staticAddress names address %s, which is not reserved in the cloud; reserve it or remove the field", name)
	}
	if o, ok := providers.OwnerFromDescription(addr.Description); ok {
		return providers.Invalid(ReasonStaticAddressOwnedByPortico, nil,
			"spec.staticAddress names address %s, which portico created for load balancer %s; reserve an address of your own and name it", name, o.LoadBalancer)
	}
	if slices.Contains(d.granted.Addresses, name) {
		return nil
	}
	user, err := p.otherUser(ctx, d, KindForwardingRule, func(s Spec) bool { return s.(ForwardingRuleSpec).Address == name })
	if err != nil || user == "" {
		return err
	}
	return providers.Invalid(ReasonStaticAddressInUse, nil,
		"spec.staticAddress names address %s, which %s uses; reserve another address, or have the IngressClassParams grant it to this namespace", name, user)
}

func (p *Provider) checkCertificate(ctx context.Context, d *desired, st *state, name string) error {
	k := Key{KindSslCertificate, name}
	cert, ok := st.others[k]
	if !ok {
		if st.has(k) {
			return nil
		}
		return providers.NotFound("PreSharedCertificateNotFound", nil,
			"spec.tls names the pre-shared certificate %s, which does not exist in the cloud", name)
	}
	if o, ok := providers.OwnerFromDescription(cert.Description); ok {
		return providers.Invalid(ReasonCertificateOwnedByPortico, nil,
			"spec.tls names the pre-shared certificate %s, which portico uploaded for load balancer %s; upload a certificate of your own, or use a TLS Secret", name, o.LoadBalancer)
	}
	if slices.Contains(d.granted.Certificates, name) {
		return nil
	}
	user, err := p.otherUser(ctx, d, KindTargetHTTPSProxy, func(s Spec) bool { return slices.Contains(s.(TargetHTTPSProxySpec).SslCertificates, name) })
	if err != nil || user == "" {
		return err
	}
	return providers.Invalid(ReasonCertificateInUse, nil,
		"spec.tls names the pre-shared certificate %s, which %s serves; upload another certificate, or have the IngressClassParams grant it to this namespace", name, user)
}

// otherUser returns who, other than this load balancer, has a resource of kind that uses
// what uses says ("" for nobody): "load balancer X" for portico's, else the resource.
func (p *Provider) otherUser(ctx context.Context, d *desired, kind string, uses func(Spec) bool) (string, error) {
	rs, err := p.snap.All(ctx, d.loc, kind)
	if err != nil {
		return "", fmt.Errorf("read load balancer %s: %w", d.lb, err)
	}
	me := providers.Owner{ClusterID: p.cluster, LoadBalancer: d.lb}
	for _, r := range rs {
		if !uses(r.Spec) {
			continue
		}
		o, ok := providers.OwnerFromDescription(r.Description)
		switch {
		case ok && o.Base() == me:
			continue
		case ok:
			return "load balancer " + o.LoadBalancer, nil
		default:
			return fmt.Sprintf("%s %s", r.Kind, r.Name), nil
		}
	}
	return "", nil
}

// blockHTTPS leaves the HTTPS proxy, and so port 443, as it is, for err.
func (d *desired) blockHTTPS(err error) {
	for _, k := range d.keys() {
		if k.Kind == KindTargetHTTPSProxy {
			delete(d.specs, k)
			d.blocked[k] = err
		}
	}
}

// nameConflict says that a name portico needs is taken by a resource it does not own.
func nameConflict(k Key, lb, description string) string {
	return fmt.Sprintf("%s exists but is not owned by load balancer %s (description %q); delete or rename it", k, lb, description)
}
