package gcptest

import (
	"net/http"
	"slices"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

func sslPolicy(name, profile, version string) *computepb.SslPolicy {
	return &computepb.SslPolicy{Name: proto.String(name), Profile: proto.String(profile), MinTlsVersion: proto.String(version)}
}

// An SSL policy is created, attached to a proxy with setSslPolicy, refused deletion while
// attached, patched only with its current fingerprint, detached and deleted.
func TestSslPolicyLifecycle(t *testing.T) {
	e := newEnv(t, Options{})
	e.createGraph()
	c := e.c
	e.done(c.SSLPolicies.Insert(e.ctx, &computepb.InsertSslPolicyRequest{Project: proj, SslPolicyResource: sslPolicy("lb-ssl", "MODERN", "TLS_1_2")}))
	e.done(c.TargetHTTPSProxies.SetSslPolicy(e.ctx, &computepb.SetSslPolicyTargetHttpsProxyRequest{Project: proj, TargetHttpsProxy: "lb-https",
		SslPolicyReferenceResource: &computepb.SslPolicyReference{SslPolicy: proto.String(global("sslPolicies", "lb-ssl"))}}))
	proxy, err := c.TargetHTTPSProxies.Get(e.ctx, &computepb.GetTargetHttpsProxyRequest{Project: proj, TargetHttpsProxy: "lb-https"})
	if err != nil || proxy.GetSslPolicy() != link("sslPolicies", "lb-ssl") {
		t.Fatalf("proxy's sslPolicy %q (%v), want %s", proxy.GetSslPolicy(), err, link("sslPolicies", "lb-ssl"))
	}
	_, err = c.SSLPolicies.Delete(e.ctx, &computepb.DeleteSslPolicyRequest{Project: proj, SslPolicy: "lb-ssl"})
	wantAPIError(t, err, http.StatusBadRequest, "resourceInUseByAnotherResource")

	got, err := c.SSLPolicies.Get(e.ctx, &computepb.GetSslPolicyRequest{Project: proj, SslPolicy: "lb-ssl"})
	if err != nil || got.GetFingerprint() == "" {
		t.Fatalf("get: %v, fingerprint %q", err, got.GetFingerprint())
	}
	patch := func(fingerprint string) error {
		p := sslPolicy("lb-ssl", "RESTRICTED", "TLS_1_3")
		if fingerprint != "" {
			p.Fingerprint = proto.String(fingerprint)
		}
		op, err := c.SSLPolicies.Patch(e.ctx, &computepb.PatchSslPolicyRequest{Project: proj, SslPolicy: "lb-ssl", SslPolicyResource: p})
		if err == nil {
			err = op.Wait(e.ctx)
		}
		return err
	}
	wantAPIError(t, patch(""), http.StatusPreconditionFailed, "conditionNotMet")
	wantAPIError(t, patch("c3RhbGU="), http.StatusPreconditionFailed, "conditionNotMet")
	if err := patch(got.GetFingerprint()); err != nil {
		t.Fatalf("patch with the current fingerprint: %v", err)
	}
	if got, _ = c.SSLPolicies.Get(e.ctx, &computepb.GetSslPolicyRequest{Project: proj, SslPolicy: "lb-ssl"}); got.GetMinTlsVersion() != "TLS_1_3" {
		t.Errorf("after the patch the policy says %s", got.GetMinTlsVersion())
	}

	e.done(c.TargetHTTPSProxies.SetSslPolicy(e.ctx, &computepb.SetSslPolicyTargetHttpsProxyRequest{Project: proj, TargetHttpsProxy: "lb-https",
		SslPolicyReferenceResource: &computepb.SslPolicyReference{}}))
	e.done(c.SSLPolicies.Delete(e.ctx, &computepb.DeleteSslPolicyRequest{Project: proj, SslPolicy: "lb-ssl"}))
	if !slices.Contains(e.srv.UsedPermissions(), "compute.targetHttpsProxies.setSslPolicy") || !slices.Contains(e.srv.UsedPermissions(), "compute.sslPolicies.update") {
		t.Errorf("permissions used %v lack setSslPolicy or sslPolicies.update (patch)", e.srv.UsedPermissions())
	}
}

// Google's rules on the policy itself: TLS 1.3 needs RESTRICTED; CUSTOM needs features.
func TestSslPolicyValidation(t *testing.T) {
	e := newEnv(t, Options{})
	for _, p := range []*computepb.SslPolicy{
		sslPolicy("tls13-modern", "MODERN", "TLS_1_3"),
		sslPolicy("bad-version", "MODERN", "TLS_2_0"),
		sslPolicy("custom-empty", "CUSTOM", "TLS_1_2"),
	} {
		_, err := e.c.SSLPolicies.Insert(e.ctx, &computepb.InsertSslPolicyRequest{Project: proj, SslPolicyResource: p})
		wantAPIError(t, err, http.StatusBadRequest, "")
	}
	e.done(e.c.SSLPolicies.Insert(e.ctx, &computepb.InsertSslPolicyRequest{Project: proj, SslPolicyResource: &computepb.SslPolicy{Name: proto.String("defaults")}}))
	got, err := e.c.SSLPolicies.Get(e.ctx, &computepb.GetSslPolicyRequest{Project: proj, SslPolicy: "defaults"})
	if err != nil || got.GetProfile() != "COMPATIBLE" || got.GetMinTlsVersion() != "TLS_1_0" {
		t.Errorf("an unset policy reads %s/%s (%v), want Google's defaults COMPATIBLE/TLS_1_0", got.GetProfile(), got.GetMinTlsVersion(), err)
	}
}
