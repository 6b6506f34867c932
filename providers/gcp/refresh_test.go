package gcp

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
)

// cachedProvider is a provider over the test cloud whose snapshot serves for an hour, as
// between two refreshes in a controller.
func cachedProvider(tc *testCloud) *Provider {
	return New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api, SnapshotTTL: time.Hour})
}

func withTarget(name, ip string) *providers.Desired {
	return loadBalancer(name).http().backend("web").defaultBackend("web").
		targets("web", providers.Target{IP: ip, Port: 8080, Zone: "zone-a"}).d
}

// A create reads back what it wrote, one get per write, instead of listing every load
// balancer's resources again: its reads do not grow with the load balancers already there.
func TestCreateReadsDoNotGrowWithLoadBalancers(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{OperationPolls: 1})
	p := cachedProvider(tc)
	ctx := context.Background()
	readsOf := func(i int) (reads, lists int) {
		tc.srv.ResetCalls()
		if _, err := p.Ensure(ctx, withTarget(fmt.Sprintf("lb-%d", i), fmt.Sprintf("10.0.0.%d", i+1))); err != nil {
			t.Fatal(err)
		}
		for _, c := range tc.srv.Calls() {
			if strings.HasSuffix(c.Permission, ".list") {
				lists++
			}
		}
		return tc.srv.Reads(), lists
	}
	readsOf(0) // the first create lists every kind
	second, _ := readsOf(1)
	for i := 2; i < 8; i++ {
		readsOf(i)
	}
	if last, lists := readsOf(8); last != second || lists != 0 {
		t.Errorf("creating the 9th load balancer read %d times (%d lists), the 2nd %d times; want as many, and no list", last, lists, second)
	}
}

// A group's endpoints, which Google reads one group at a time, are read again only when
// the group may have changed: a resync reads none, and a detach made outside portico (the
// group's size changes) is seen and repaired.
func TestEndpointsAreReadWhenTheGroupChanged(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	p := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api, SnapshotTTL: -1})
	ctx := context.Background()
	d := withTarget("eps", "10.0.0.7")
	if _, err := p.Ensure(ctx, d); err != nil {
		t.Fatal(err)
	}
	tc.srv.ResetCalls()
	if _, err := p.Ensure(ctx, d); err != nil {
		t.Fatal(err)
	}
	if n := endpointReads(tc.srv); n != 0 {
		t.Errorf("a resync read endpoints %d times, want 0", n)
	}
	neg := testConfig().namer.Name(kinds[KindNetworkEndpointGroup].abbrev, "eps", "web", "zone-a")
	op, err := tc.client.api.NEGs.DetachNetworkEndpoints(ctx, &computepb.DetachNetworkEndpointsNetworkEndpointGroupRequest{
		Project: testProject, Zone: "zone-a", NetworkEndpointGroup: neg,
		NetworkEndpointGroupsDetachEndpointsRequestResource: &computepb.NetworkEndpointGroupsDetachEndpointsRequest{
			NetworkEndpoints: []*computepb.NetworkEndpoint{{IpAddress: proto.String("10.0.0.7"), Port: proto.Int32(8080)}}}})
	mustWait(t, op, err)
	if _, err := p.Ensure(ctx, d); err != nil {
		t.Fatal(err)
	}
	if got := tc.srv.Endpoints("zone-a", neg); !reflect.DeepEqual(got, []string{"10.0.0.7:8080"}) {
		t.Errorf("after a detach outside portico the group holds %v, want it repaired", got)
	}
}

func endpointReads(srv *gcptest.Server) int {
	n := 0
	for _, c := range srv.Calls() {
		if strings.HasSuffix(c.Path, "/listNetworkEndpoints") {
			n++
		}
	}
	return n
}
