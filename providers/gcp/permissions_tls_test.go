package gcp_test

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/providers/gcp"
)

// sslPolicyScenario covers what the contract suite does not: a minimum TLS version set on a
// load balancer whose HTTPS proxy exists (the policy is attached with setSslPolicy), then
// unset (detached, then deleted), with exactly gcp.RolePermissions granted.
func sslPolicyScenario(t *testing.T, log *permissionLog) {
	ctx := context.Background()
	cloud, srv := newContractCloud(t, gcp.RolePermissions())
	p := gcp.New(gcp.Options{ClusterID: "cluster-a", Project: contractProject, Clients: cloud.(*contractCloud).clients, SnapshotTTL: -1})
	lb := driftLB(t, "tls")
	for _, version := range []string{"", "1.2", ""} {
		lb.Spec.Frontends.MinTLSVersion = version
		if _, err := p.Ensure(ctx, lb); err != nil {
			t.Fatalf("min TLS %q: %v", version, err)
		}
	}
	used := map[string]bool{}
	for _, c := range srv.Calls() {
		if c.Status < 300 {
			used[c.Permission] = true
		}
	}
	for _, want := range []string{"compute.sslPolicies.create", "compute.targetHttpsProxies.setSslPolicy", "compute.sslPolicies.delete"} {
		if !used[want] {
			t.Errorf("the provider never used %s; it used %v", want, keys(used))
		}
	}
	if d := srv.DeniedPermissions(); len(d) > 0 {
		t.Errorf("gcp.RolePermissions misses %v", d)
	}
	log.use(used)
}
