package gcp

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
)

// proxyPolicy returns the HTTPS proxy's SSL policy as gcptest holds them; nil when the
// proxy has none.
func proxyPolicy(t *testing.T, tc *testCloud, lb string) *computepb.SslPolicy {
	t.Helper()
	namer := testConfig().namer
	m, ok := tc.srv.Resource("projects/" + testProject + "/global/targetHttpsProxies/" + namer.Name("sp", lb))
	if !ok {
		t.Fatalf("no HTTPS proxy in %v", tc.srv.Inventory())
	}
	ref := m.(*computepb.TargetHttpsProxy).GetSslPolicy()
	if ref == "" {
		return nil
	}
	p, ok := tc.srv.Resource(ref)
	if !ok {
		t.Fatalf("the proxy refers to %s, which does not exist", ref)
	}
	return p.(*computepb.SslPolicy)
}

// A minimum TLS version is an SSL policy on the HTTPS proxy: made before the proxy uses it,
// patched in place when the version changes (RESTRICTED for 1.3, as Google requires),
// detached and then deleted when the version is unset.
func TestMinTLSVersionIsAnSslPolicyOnTheHTTPSProxy(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{OperationPolls: 1})
	d := full(t, "tls")
	d.Spec.Frontends.MinTLSVersion = "1.2"
	got := tc.pass(t, d)
	if i, j := slices.Index(got, "Create SslPolicy"), slices.Index(got, "Create TargetHTTPSProxy"); i < 0 || j < i {
		t.Errorf("the create made %v; want the SSL policy created before the proxy", got)
	}
	if p := proxyPolicy(t, tc, "tls"); p == nil || p.GetMinTlsVersion() != "TLS_1_2" || p.GetProfile() != "MODERN" {
		t.Fatalf("the proxy's policy is %v, want MODERN with TLS_1_2", p)
	}
	if p := tc.plan(t, d); len(p.Steps) != 0 {
		t.Errorf("a second pass plans %v", p.Actions())
	}

	d.Spec.Frontends.MinTLSVersion = "1.3"
	if got := tc.pass(t, d); !slices.Equal(got, []string{"Update SslPolicy"}) {
		t.Errorf("1.2 to 1.3 made %v, want the policy updated in place", got)
	}
	if p := proxyPolicy(t, tc, "tls"); p.GetMinTlsVersion() != "TLS_1_3" || p.GetProfile() != "RESTRICTED" {
		t.Errorf("after 1.3 the policy is %s/%s, want RESTRICTED/TLS_1_3", p.GetProfile(), p.GetMinTlsVersion())
	}

	d.Spec.Frontends.MinTLSVersion = ""
	if got := tc.pass(t, d); !slices.Equal(got, []string{"Update TargetHTTPSProxy", "Delete SslPolicy"}) {
		t.Errorf("unsetting the version made %v, want the proxy detached, then the policy deleted", got)
	}
	if p := proxyPolicy(t, tc, "tls"); p != nil {
		t.Errorf("the proxy still has the policy %s", p.GetName())
	}
	if p := tc.plan(t, d); len(p.Steps) != 0 {
		t.Errorf("after the changes a pass plans %v", p.Actions())
	}
}

// Deleting the load balancer deletes its policy after the proxy that uses it: gcptest
// refuses to delete a policy in use, so a wrong order fails the delete.
func TestDeleteRemovesTheSslPolicyAfterTheProxy(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	d := full(t, "gone")
	d.Spec.Frontends.MinTLSVersion = "1.1"
	tc.pass(t, d)
	p := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api, Zone: "zone-a"})
	if err := p.Delete(t.Context(), d.Ref); err != nil {
		t.Fatalf("delete: %v", err)
	}
	for _, r := range tc.srv.Inventory() {
		if strings.Contains(r, "/sslPolicies/") || strings.Contains(r, "/targetHttpsProxies/") {
			t.Errorf("%s is left after the delete", r)
		}
	}
}

// Every version the annotation allows is one Google's SslPolicy takes (the SDK's enum is
// generated from the compute discovery document), so 1.3 is offered only because it is.
func TestEveryAllowedTLSVersionIsOneGoogleTakes(t *testing.T) {
	for _, v := range v1alpha1.TLSVersions {
		b := &builder{cfg: testConfig(), want: full(t, "v")}
		b.want.Spec.Frontends.MinTLSVersion = v
		p, _ := b.sslPolicy()
		if _, ok := computepb.SslPolicy_MinTlsVersion_value[p.GetMinTlsVersion()]; !ok {
			t.Errorf("min TLS %s gives %s, which is not in the SDK's SslPolicy enum", v, p.GetMinTlsVersion())
		}
	}
}

// A policy someone changed since the snapshot read it is patched all the same: Google
// refuses the stale fingerprint (412), the provider reads the policy again and retries.
func TestSslPolicyPatchedOverAStaleFingerprint(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	d := full(t, "stale")
	d.Spec.Frontends.MinTLSVersion = "1.2"
	tc.pass(t, d)
	tc.plan(t, d) // reads the fingerprints
	policy := proxyPolicy(t, tc, "stale")
	policy.MinTlsVersion = proto.String("TLS_1_1") // a hand in the console
	op, err := tc.client.api.SSLPolicies.Patch(t.Context(), &computepb.PatchSslPolicyRequest{Project: testProject, SslPolicy: policy.GetName(), SslPolicyResource: policy})
	mustWait(t, op, err)

	d.Spec.Frontends.MinTLSVersion = "1.3"
	tc.srv.ResetCalls()
	if got := tc.pass(t, d); !slices.Equal(got, []string{"Update SslPolicy"}) {
		t.Errorf("the pass made %v, want the policy updated", got)
	}
	if p := proxyPolicy(t, tc, "stale"); p.GetMinTlsVersion() != "TLS_1_3" {
		t.Errorf("the policy takes %s after the pass, want TLS_1_3", p.GetMinTlsVersion())
	}
	stale := 0
	for _, c := range tc.srv.Calls() {
		if c.Status == http.StatusPreconditionFailed {
			stale++
		}
	}
	if stale != 1 {
		t.Errorf("%d answers 412, want the one stale fingerprint", stale)
	}
}
