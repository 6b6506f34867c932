package gcp

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
)

// restartFixture ensures k load balancers with one provider, each Desired then carrying
// the resources it observed (as the LoadBalancer's status does), and returns a new
// provider over the same cloud: the controller after a restart.
func restartFixture(t *testing.T, k int, port func(i int) int32) (*testCloud, *Provider, []*providers.Desired) {
	t.Helper()
	tc := newTestCloud(t, gcptest.Options{})
	ctx := context.Background()
	first := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api, SnapshotTTL: -1})
	want := make([]*providers.Desired, k)
	for i := range want {
		want[i] = loadBalancer(fmt.Sprintf("lb-%d", i)).http().backend("web").defaultBackend("web").
			targets("web", providers.Target{IP: fmt.Sprintf("10.0.0.%d", i+1), Port: port(i), Zone: "zone-a"}).d
		if _, err := first.Ensure(ctx, want[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range want { // the status of each, as the last pass before the restart wrote it
		obs, err := first.Ensure(ctx, want[i])
		if err != nil {
			t.Fatal(err)
		}
		want[i].Known = obs.Resources
		if fp := negOf(want[i]).Fingerprint; !strings.HasPrefix(fp, "1:") {
			t.Fatalf("%s: the group's fingerprint is %q, want its size 1 and a hash", want[i].Ref.Name, fp)
		}
	}
	restarted := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api, SnapshotTTL: -1})
	tc.srv.ResetCalls()
	return tc, restarted, want
}

// negOf is the recorded entry of a load balancer's group.
func negOf(d *providers.Desired) v1alpha1.CloudResource {
	i := slices.IndexFunc(d.Known, func(r v1alpha1.CloudResource) bool { return r.Kind == KindNetworkEndpointGroup })
	if i < 0 {
		return v1alpha1.CloudResource{}
	}
	return d.Known[i]
}

func endpointReadsOf(srv *gcptest.Server) map[string]int {
	out := map[string]int{}
	for _, c := range srv.Calls() {
		if strings.HasSuffix(c.Path, "/listNetworkEndpoints") {
			parts := strings.Split(c.Path, "/")
			out[parts[len(parts)-2]]++
		}
	}
	return out
}

func samePort(int) int32 { return 8080 }

// After a restart, a pass whose Desired carries the status the last pass observed trusts
// each group's recorded fingerprint while its size holds: it reads no group's endpoints and
// writes nothing, the firewall included, however many load balancers there are.
func TestRestartReadsNoEndpointsOfGroupsAsLeft(t *testing.T) {
	const k = 6
	tc, p, want := restartFixture(t, k, func(i int) int32 { return 8080 + int32(i) })
	ctx := context.Background()
	for _, d := range want {
		obs, err := p.Ensure(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if got := negOf(&providers.Desired{Known: obs.Resources}).Fingerprint; got != negOf(d).Fingerprint {
			t.Errorf("%s: the fingerprint changed from %q to %q", d.Ref.Name, negOf(d).Fingerprint, got)
		}
	}
	if w, eps := tc.srv.Writes(), endpointReadsOf(tc.srv); w != 0 || len(eps) != 0 {
		t.Errorf("after a restart, %d load balancers made %d writes and read endpoints %v; want none", k, w, eps)
	}
}

// A pod replaced while the controller was down (the desired endpoints differ from the
// recorded ones) has its group read and repaired; the other groups are not read.
func TestRestartReadsAGroupWhoseTargetsChanged(t *testing.T) {
	tc, p, want := restartFixture(t, 3, samePort)
	ctx := context.Background()
	want[1].Targets["web"] = []providers.Target{{IP: "10.0.9.9", Port: 8080, Zone: "zone-a"}}
	for _, d := range want {
		if _, err := p.Ensure(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	changed := negOf(want[1]).Name
	eps := endpointReadsOf(tc.srv)
	if eps[changed] == 0 || len(eps) != 1 {
		t.Errorf("endpoint reads after a restart: %v; want only %s's", eps, changed)
	}
	if got := tc.srv.Endpoints("zone-a", changed); !reflect.DeepEqual(got, []string{"10.0.9.9:8080"}) {
		t.Errorf("the changed group holds %v, want the new pod", got)
	}
}

// A recorded fingerprint whose size is not the group's is not trusted: the group is read
// (and, as it is in sync, not written).
func TestRestartReadsAGroupOfAnotherSize(t *testing.T) {
	tc, p, want := restartFixture(t, 3, samePort)
	ctx := context.Background()
	i := slices.IndexFunc(want[2].Known, func(r v1alpha1.CloudResource) bool { return r.Kind == KindNetworkEndpointGroup })
	fp := want[2].Known[i].Fingerprint
	want[2].Known[i].Fingerprint = "2" + fp[strings.Index(fp, ":"):]
	for _, d := range want {
		if _, err := p.Ensure(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if eps := endpointReadsOf(tc.srv); !reflect.DeepEqual(eps, map[string]int{want[2].Known[i].Name: 1}) || tc.srv.Writes() != 0 {
		t.Errorf("endpoint reads %v and %d writes; want one read of %s and no write", eps, tc.srv.Writes(), want[2].Known[i].Name)
	}
}

// After a restart, a pass that would drop a firewall port while other load balancers'
// groups are not known reads them first: it never removes a port another one uses.
func TestRestartKeepsThePortsOfGroupsNotKnown(t *testing.T) {
	tc, p, want := restartFixture(t, 3, func(i int) int32 { return []int32{7070, 8080, 8080}[i] })
	ctx := context.Background()
	// lb-1 moves from 8080 to 9090, and lb-0 (7070) is not passed yet; lb-2 still uses 8080.
	want[1].Targets["web"] = []providers.Target{{IP: "10.0.0.2", Port: 9090, Zone: "zone-a"}}
	if _, err := p.Ensure(ctx, want[1]); err != nil {
		t.Fatal(err)
	}
	fw, err := tc.client.api.Firewalls.Get(ctx, &computepb.GetFirewallRequest{Project: testProject,
		Firewall: testConfig().namer.Name(kinds[KindFirewall].abbrev, "", DefaultNetwork)})
	if err != nil {
		t.Fatal(err)
	}
	if got := fw.GetAllowed()[0].GetPorts(); !reflect.DeepEqual(got, []string{"7070", "8080", "9090"}) {
		t.Errorf("the firewall allows %v, want 7070, 8080 and 9090", got)
	}
	// Once every group is known, a port no one uses goes: lb-2 moves to 9090 too.
	want[2].Targets["web"] = []providers.Target{{IP: "10.0.0.3", Port: 9090, Zone: "zone-a"}}
	for _, d := range want {
		if _, err := p.Ensure(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	fw, err = tc.client.api.Firewalls.Get(ctx, &computepb.GetFirewallRequest{Project: testProject, Firewall: fw.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if got := fw.GetAllowed()[0].GetPorts(); !reflect.DeepEqual(got, []string{"7070", "9090"}) {
		t.Errorf("the firewall allows %v, want 7070 and 9090", got)
	}
}
