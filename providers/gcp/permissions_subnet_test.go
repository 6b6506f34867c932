package gcp_test

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/providers/gcp"
)

// subnetworkScenario covers what the contract suite does not: a provider configured with a
// subnetwork names it on each network endpoint group, which Google lets only a caller that
// may use the subnetwork do (compute.subnetworks.use), with exactly gcp.RolePermissions.
func subnetworkScenario(t *testing.T, log *permissionLog) {
	cloud, srv := newContractCloud(t, gcp.RolePermissions())
	p := gcp.New(gcp.Options{ClusterID: "cluster-a", Project: contractProject, Subnetwork: "pods",
		Clients: cloud.(*contractCloud).clients, SnapshotTTL: -1})
	if _, err := p.Ensure(context.Background(), driftLB(t, "subnet")); err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, c := range srv.Calls() {
		if c.Status < 300 {
			used[c.Permission] = true
		}
	}
	for _, p := range srv.UsedPermissions() {
		used[p] = true // the reference permissions, which no call is named after
	}
	if !used["compute.subnetworks.use"] {
		t.Errorf("the provider never used compute.subnetworks.use; it used %v", keys(used))
	}
	if d := srv.DeniedPermissions(); len(d) > 0 {
		t.Errorf("gcp.RolePermissions misses %v", d)
	}
	log.use(used)
}
