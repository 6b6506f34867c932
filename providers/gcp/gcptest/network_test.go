package gcptest

import (
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// A network endpoint group that names no network is in the project's network "default",
// as Google documents; one that names a network and subnetwork keeps them, as full URLs.
func TestNEGNetworkDefaultsToDefault(t *testing.T) {
	e := newEnv(t, Options{})
	e.done(e.c.NEGs.Insert(e.ctx, &computepb.InsertNetworkEndpointGroupRequest{Project: proj, Zone: zone, NetworkEndpointGroupResource: neg("plain")}))
	named := neg("named")
	named.Network = proto.String("projects/" + proj + "/global/networks/shop")
	named.Subnetwork = proto.String("projects/" + proj + "/regions/us-central1/subnetworks/pods")
	e.done(e.c.NEGs.Insert(e.ctx, &computepb.InsertNetworkEndpointGroupRequest{Project: proj, Zone: zone, NetworkEndpointGroupResource: named}))
	for name, want := range map[string]string{"plain": link("networks", "default"), "named": link("networks", "shop")} {
		g, err := e.c.NEGs.Get(e.ctx, &computepb.GetNetworkEndpointGroupRequest{Project: proj, Zone: zone, NetworkEndpointGroup: name})
		if err != nil || g.GetNetwork() != want {
			t.Errorf("%s: network %q (%v), want %s", name, g.GetNetwork(), err, want)
		}
	}
	g, _ := e.c.NEGs.Get(e.ctx, &computepb.GetNetworkEndpointGroupRequest{Project: proj, Zone: zone, NetworkEndpointGroup: "named"})
	if g.GetSubnetwork() != googleBase+"projects/"+proj+"/regions/us-central1/subnetworks/pods" {
		t.Errorf("subnetwork %q", g.GetSubnetwork())
	}
}
