package aws

import (
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/providers"
)

func TestSubnetsAreOnePerZoneLeavingOutOtherClusters(t *testing.T) {
	all := []netItem{
		{ID: "subnet-b2", Zone: "us-west-2b", Tags: map[string]string{tagRoleELB: "1"}},
		{ID: "subnet-b1", Zone: "us-west-2b", Tags: map[string]string{tagRoleELB: "1"}},
		{ID: "subnet-a0", Zone: "us-west-2a", Tags: map[string]string{tagRoleELB: "1", tagClusterPrefix + "other": "shared"}},
		{ID: "subnet-a9", Zone: "us-west-2a", Tags: map[string]string{tagRoleELB: "1", tagClusterPrefix + "mine": "shared"}},
		{ID: "subnet-c1", Zone: "us-west-2c", Tags: map[string]string{tagRoleELB: "1", tagClusterPrefix + "other": "owned"}},
	}
	got, err := pickSubnets(all, "mine", testVPC, tagRoleELB)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"subnet-a9", "subnet-b1"}; !slices.Equal(got, want) {
		t.Errorf("subnets %v, want %v: one per zone, this cluster's first, never another cluster's", got, want)
	}
}

func TestFewerThanTwoZonesIsAnErrorAUserCanActOn(t *testing.T) {
	_, err := pickSubnets([]netItem{{ID: "subnet-a", Zone: "us-west-2a"}, {ID: "subnet-b", Zone: "us-west-2a"}}, "", testVPC, tagRoleInternalELB)
	if !providers.IsInvalid(err) || !strings.Contains(err.Error(), tagRoleInternalELB) || !strings.Contains(err.Error(), "spec.aws.subnets") {
		t.Errorf("error %v; want an invalid error naming the tag and spec.aws.subnets", err)
	}
}

func TestSubnetErrorBlocksOnlyTheLoadBalancer(t *testing.T) {
	c := testConfig()
	c.subnets, c.subnetErr = nil, providers.Invalid("SubnetsNotFound", nil, "no subnets")
	g := mustGraph(t, c, shop(t).d)
	k := one(t, g, KindLoadBalancer).Key
	if len(g.Blocked) != 1 || g.Blocked[k] == nil {
		t.Errorf("blocked %v, want the load balancer alone (its referrers follow in the plan)", g.Blocked)
	}
}

func TestWithoutAClusterNameClusterTagsExcludeNoSubnet(t *testing.T) {
	all := []netItem{
		{ID: "subnet-a", Zone: "us-west-2a", Tags: map[string]string{tagClusterPrefix + "prod": "shared"}},
		{ID: "subnet-b", Zone: "us-west-2b", Tags: map[string]string{tagClusterPrefix + "prod": "owned"}},
	}
	got, err := pickSubnets(all, "", testVPC, tagRoleELB)
	if err != nil || !slices.Equal(got, []string{"subnet-a", "subnet-b"}) {
		t.Errorf("subnets %v, %v; want both: without --aws-cluster-name no tag says a subnet is another cluster's", got, err)
	}
}
