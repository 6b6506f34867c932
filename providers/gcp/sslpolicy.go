package gcp

import (
	"context"
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers/plan"
)

// sslPolicy is the SSL policy a load balancer's minimum TLS version asks for: MODERN, the
// profile Google recommends for clients of the last years, or RESTRICTED for TLS 1.3, the
// only profile Google allows with it. ok is false when the spec asks for none: the proxy
// then has no policy, which is Google's default (TLS 1.0, COMPATIBLE).
func (b *builder) sslPolicy() (*computepb.SslPolicy, bool) {
	v := b.want.Spec.Frontends.MinTLSVersion
	if v == "" {
		return nil, false
	}
	profile := "MODERN"
	if v == "1.3" {
		profile = "RESTRICTED"
	}
	return &computepb.SslPolicy{
		Name: proto.String(b.name(KindSslPolicy)), Description: proto.String(b.description),
		Profile: proto.String(profile), MinTlsVersion: proto.String("TLS_" + strings.ReplaceAll(v, ".", "_")),
	}, true
}

// addSslPolicy adds the SSL policy of the HTTPS proxy, if the spec asks for one, and points
// the proxy at it; the reference makes the plan create it before the proxy uses it and
// delete it after the proxy lets it go.
func (b *builder) addSslPolicy(proxy *computepb.TargetHttpsProxy) (plan.Key, bool) {
	p, ok := b.sslPolicy()
	if !ok {
		return plan.Key{}, false
	}
	proxy.SslPolicy = proto.String(b.global(KindSslPolicy, p.GetName()))
	return b.add(KindSslPolicy, p.GetName(), "minimum "+p.GetMinTlsVersion()+", profile "+p.GetProfile(), p), true
}

// patchSslPolicy changes a policy's version and profile in place, with the fingerprint read.
func (c *client) patchSslPolicy(ctx context.Context, have plan.Resource, s *computepb.SslPolicy) error {
	s = proto.Clone(s).(*computepb.SslPolicy)
	s.Fingerprint = have.Spec.(*computepb.SslPolicy).Fingerprint
	op, err := c.api.SSLPolicies.Patch(ctx, &computepb.PatchSslPolicyRequest{RequestId: requestID(), Project: c.project, SslPolicy: s.GetName(), SslPolicyResource: s})
	return c.done(ctx, "sslPolicies.patch", "update "+KindSslPolicy+"/"+s.GetName(), op, err)
}

// setSslPolicy attaches the proxy's policy, or detaches the one it had when it wants none.
func (c *client) setSslPolicy(ctx context.Context, s *computepb.TargetHttpsProxy) error {
	what := "update " + KindTargetHTTPSProxy + "/" + s.GetName()
	if err := paceWrite(ctx, c.limiter, what); err != nil {
		return err
	}
	op, err := c.api.TargetHTTPSProxies.SetSslPolicy(ctx, &computepb.SetSslPolicyTargetHttpsProxyRequest{RequestId: requestID(), Project: c.project, TargetHttpsProxy: s.GetName(),
		SslPolicyReferenceResource: &computepb.SslPolicyReference{SslPolicy: s.SslPolicy}})
	return c.done(ctx, "targetHttpsProxies.setSslPolicy", what, op, err)
}
