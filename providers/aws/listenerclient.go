package aws

import (
	"context"
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/retry"
)

// createListener creates a listener with its default certificate (AWS answers a create of
// one that exists with the same settings with that one), then adds its other certificates.
func (c *client) createListener(ctx context.Context, want plan.Resource, s listenerSpec) error {
	lbARN, err := c.arnOf(ctx, KindLoadBalancer, s.LoadBalancer)
	if err != nil {
		return err
	}
	def, err := s.Default.sdkActions(c.tgARN(ctx))
	if err != nil {
		return err
	}
	certs, err := c.certARNs(ctx, s.Certificates)
	if err != nil {
		return err
	}
	in := &elbv2.CreateListenerInput{LoadBalancerArn: aws.String(lbARN), Port: aws.Int32(s.Port), Protocol: s.Protocol,
		DefaultActions: def, Tags: elbTags(s.Tags)}
	if s.Protocol == elbtypes.ProtocolEnumHttps {
		in.SslPolicy = aws.String(s.SSLPolicy)
		if len(certs) > 0 {
			in.Certificates = []elbtypes.Certificate{{CertificateArn: aws.String(certs[0])}}
		}
	}
	var out *elbv2.CreateListenerOutput
	err = c.c.write(ctx, "elbv2.CreateListener", "create "+want.String(), func() (err error) {
		out, err = c.cs.ELBV2.CreateListener(ctx, in)
		return err
	})
	if errors.Is(err, retry.ErrAlreadyExists) {
		// A listener on the port, with other settings, that the last read did not show:
		// this load balancer's own, just made. The next pass reads and corrects it.
		c.reads.details.forget(lbARN)
		return providers.Retryable("NotVisibleYet", err, "%s: a listener on port %d exists that AWS did not list yet", want.Key, s.Port)
	}
	if err != nil {
		return err
	}
	if len(out.Listeners) == 0 {
		return notVisible(KindListener, want.Name)
	}
	l := out.Listeners[0]
	arn := aws.ToString(l.ListenerArn)
	c.reads.details.update(lbARN, arn, func(*listenerDetail) *listenerDetail {
		return &listenerDetail{Listener: l, Certs: slices.Clone(certs[:min(1, len(certs))])}
	})
	if len(certs) > 1 {
		return c.addCertificates(ctx, want, lbARN, arn, certs[1:])
	}
	return nil
}

// certARNs resolves a listener's certificates, the default one first.
func (c *client) certARNs(ctx context.Context, refs []certRef) ([]string, error) {
	out := make([]string, 0, len(refs))
	for _, ref := range refs {
		a, err := c.certARN(ctx, ref)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (c *client) addCertificates(ctx context.Context, r plan.Resource, lbARN, arn string, certs []string) error {
	err := c.c.write(ctx, "elbv2.AddListenerCertificates", "add certificates to "+r.String(), func() error {
		_, err := c.cs.ELBV2.AddListenerCertificates(ctx, &elbv2.AddListenerCertificatesInput{ListenerArn: aws.String(arn), Certificates: sdkCerts(certs)})
		return err
	})
	if err != nil {
		return err
	}
	c.reads.details.update(lbARN, arn, func(d *listenerDetail) *listenerDetail {
		if d != nil {
			for _, a := range certs {
				if !slices.Contains(d.Certs, a) {
					d.Certs = append(d.Certs, a)
				}
			}
		}
		return d
	})
	return nil
}

func (c *client) removeCertificates(ctx context.Context, r plan.Resource, lbARN, arn string, certs []string) error {
	err := c.c.write(ctx, "elbv2.RemoveListenerCertificates", "remove certificates from "+r.String(), func() error {
		_, err := c.cs.ELBV2.RemoveListenerCertificates(ctx, &elbv2.RemoveListenerCertificatesInput{ListenerArn: aws.String(arn), Certificates: sdkCerts(certs)})
		return err
	})
	if err != nil {
		return err
	}
	c.reads.details.update(lbARN, arn, func(d *listenerDetail) *listenerDetail {
		if d != nil {
			d.Certs = slices.DeleteFunc(d.Certs, func(a string) bool { return slices.Contains(certs, a) })
		}
		return d
	})
	return nil
}

func sdkCerts(arns []string) []elbtypes.Certificate {
	out := make([]elbtypes.Certificate, 0, len(arns))
	for _, a := range arns {
		out = append(out, elbtypes.Certificate{CertificateArn: aws.String(a)})
	}
	return out
}

// patchListener changes a listener in place: its protocol, SSL policy, default certificate
// and default action with one ModifyListener, then adds its new certificates before it
// removes the old ones, so that a rotated certificate is served before the old one goes.
func (c *client) patchListener(ctx context.Context, have, want plan.Resource, fields []string) error {
	hs, ws := have.Spec.(listenerSpec), want.Spec.(listenerSpec)
	lbARN, err := c.arnOf(ctx, KindLoadBalancer, ws.LoadBalancer)
	if err != nil {
		return err
	}
	certs, err := c.certARNs(ctx, ws.Certificates)
	if err != nil {
		return err
	}
	var haveCerts []string
	for _, ref := range hs.Certificates {
		haveCerts = append(haveCerts, ref.ARN)
	}
	return c.swapCertificates(ctx, want, lbARN, hs.ARN, ws, haveCerts, certs, fields)
}

// swapCertificates adds the listener's new certificates, changes its default certificate
// and the rest with ModifyListener, then removes the certificates no longer wanted. The
// default certificate is not among the others AWS lists: ModifyListener drops the old one,
// which is added back if it stays as another.
func (c *client) swapCertificates(ctx context.Context, r plan.Resource, lbARN, arn string, s listenerSpec, have, want []string, fields []string) error {
	var haveDefault, wantDefault string
	var haveRest, wantRest []string
	if len(have) > 0 {
		haveDefault, haveRest = have[0], have[1:]
	}
	if len(want) > 0 {
		wantDefault, wantRest = want[0], want[1:]
	}
	if add := without(wantRest, have); len(add) > 0 {
		if err := c.addCertificates(ctx, r, lbARN, arn, add); err != nil {
			return err
		}
	}
	newDefault := wantDefault != haveDefault
	if newDefault || slices.ContainsFunc(fields, func(f string) bool { return f != fieldCerts }) {
		if err := c.modifyListener(ctx, r, lbARN, arn, s, want); err != nil {
			return err
		}
	}
	if newDefault && haveDefault != "" && slices.Contains(wantRest, haveDefault) {
		if err := c.addCertificates(ctx, r, lbARN, arn, []string{haveDefault}); err != nil {
			return err
		}
	}
	if stale := without(haveRest, want); len(stale) > 0 {
		return c.removeCertificates(ctx, r, lbARN, arn, stale)
	}
	return nil
}

func (c *client) modifyListener(ctx context.Context, r plan.Resource, lbARN, arn string, s listenerSpec, certs []string) error {
	def, err := s.Default.sdkActions(c.tgARN(ctx))
	if err != nil {
		return err
	}
	in := &elbv2.ModifyListenerInput{ListenerArn: aws.String(arn), Port: aws.Int32(s.Port), Protocol: s.Protocol, DefaultActions: def}
	if s.Protocol == elbtypes.ProtocolEnumHttps {
		in.SslPolicy = aws.String(s.SSLPolicy)
		if len(certs) > 0 {
			in.Certificates = []elbtypes.Certificate{{CertificateArn: aws.String(certs[0])}}
		}
	}
	var out *elbv2.ModifyListenerOutput
	err = c.c.write(ctx, "elbv2.ModifyListener", "update "+r.String(), func() (err error) {
		out, err = c.cs.ELBV2.ModifyListener(ctx, in)
		return err
	})
	if err != nil {
		return err
	}
	c.reads.details.update(lbARN, arn, func(d *listenerDetail) *listenerDetail {
		if d == nil || len(out.Listeners) == 0 {
			return d
		}
		d.Listener = out.Listeners[0]
		if len(certs) > 0 && (len(d.Certs) == 0 || d.Certs[0] != certs[0]) {
			rest := []string{}
			if len(d.Certs) > 1 {
				rest = slices.DeleteFunc(slices.Clone(d.Certs[1:]), func(a string) bool { return a == certs[0] })
			}
			d.Certs = append([]string{certs[0]}, rest...)
		}
		return d
	})
	return nil
}

// without returns the strings of a not in b.
func without(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}
