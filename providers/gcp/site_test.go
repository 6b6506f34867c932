package gcp

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
)

// negsOf returns the network endpoint groups gcptest holds, by zone.
func negsOf(t *testing.T, tc *testCloud) map[string]*computepb.NetworkEndpointGroup {
	t.Helper()
	out := map[string]*computepb.NetworkEndpointGroup{}
	for _, path := range tc.srv.Inventory() {
		if strings.Contains(path, "/networkEndpointGroups/") {
			m, _ := tc.srv.Resource(path)
			g := m.(*computepb.NetworkEndpointGroup)
			out[g.GetZone()[strings.LastIndex(g.GetZone(), "/")+1:]] = g
		}
	}
	return out
}

// siteLB is a load balancer with one target of unknown zone, in a class with spec.gcp.
func siteLB(name string, g *v1alpha1.GCPParams) *providers.Desired {
	d := loadBalancer(name).http().backend("web").defaultBackend("web").
		targets("web", providers.Target{IP: "10.0.0.3", Port: 8080}).d
	d.Params = &v1alpha1.IngressClassParamsSpec{Provider: v1alpha1.ProviderGCP, GCP: g}
	return d
}

// The class's network and subnetwork are named on each endpoint group (the subnetwork in
// the region of the group's zone), and a target of unknown zone goes to the first of its
// zones; a second pass plans nothing.
func TestClassNetworkSubnetworkAndZonesReachTheEndpointGroups(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	p := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api})
	d := siteLB("site", &v1alpha1.GCPParams{Network: "shop-vpc", Subnetwork: "shop-pods", Zones: []v1alpha1.Zone{"europe-west1-c", "europe-west1-b"}})
	if _, err := p.Ensure(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	negs := negsOf(t, tc)
	g, ok := negs["europe-west1-c"]
	if !ok || len(negs) != 1 {
		t.Fatalf("groups in zones %v, want one in europe-west1-c, the class's first zone", slices.Collect(maps.Keys(negs)))
	}
	if got := relative(g.GetNetwork()); got != "projects/"+testProject+"/global/networks/shop-vpc" {
		t.Errorf("the group's network is %q, want shop-vpc", got)
	}
	if got := relative(g.GetSubnetwork()); got != "projects/"+testProject+"/regions/europe-west1/subnetworks/shop-pods" {
		t.Errorf("the group's subnetwork is %q, want shop-pods in europe-west1", got)
	}
	if pl, err := p.Plan(t.Context(), d); err != nil || !pl.Empty() {
		t.Errorf("a second pass plans %v (%v)", pl, err)
	}

	// Another network is another group, swapped in before the old one goes, behind a
	// firewall rule of its own that lets Google's checkers reach the pods there.
	d.Params.GCP.Network = "other-vpc"
	obs, err := p.Ensure(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range obs.Changes {
		got = append(got, c.Op+" "+c.Kind)
	}
	if want := []string{"Create Firewall", "Create NetworkEndpointGroup", "Update BackendService", "Delete NetworkEndpointGroup"}; !slices.Equal(got, want) {
		t.Errorf("a new network made %v, want %v", got, want)
	}
	if g := negsOf(t, tc)["europe-west1-c"]; !strings.HasSuffix(g.GetNetwork(), "/networks/other-vpc") {
		t.Errorf("after the change the group is in %s", g.GetNetwork())
	}
}

// Without spec.gcp the groups are in the network "default", as Google assumes, so groups
// made before networks were named match; the flags' zones place targets of unknown zone.
func TestDefaultsComeFromTheFlags(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	p := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api, Zones: []string{"asia-east1-b"}})
	d := siteLB("flags", nil)
	if _, err := p.Ensure(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	g, ok := negsOf(t, tc)["asia-east1-b"]
	if !ok || !strings.HasSuffix(g.GetNetwork(), "/global/networks/default") || g.GetSubnetwork() != "" {
		t.Fatalf("groups %v; want one in asia-east1-b, network default, no subnetwork", negsOf(t, tc))
	}
	if name := testConfig().namer.Name("neg", "flags", "web", "asia-east1-b"); g.GetName() != name {
		t.Errorf("a group of the default network is named %s, want %s as before networks were named", g.GetName(), name)
	}
	if pl, err := p.Plan(t.Context(), d); err != nil || !pl.Empty() {
		t.Errorf("a second pass plans %v (%v)", pl, err)
	}
}

func TestDefaultsAreValidatedAsTheCRDValidatesSpecGCP(t *testing.T) {
	for _, bad := range []Defaults{{Zones: []string{"europe-west1"}}, {Network: "Shop_VPC"}, {Subnetwork: "-x"}, {Project: "p"}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v passed validation", bad)
		}
	}
	good := Defaults{Project: "shop-project", Network: "shop-vpc", Subnetwork: "pods", Zones: []string{"europe-west1-b", "us-central1-a"}}
	if err := good.Validate(); err != nil {
		t.Errorf("%+v: %v", good, err)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "config", "crd", "bases", "portico.dev_ingressclassparams.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.Unmarshal(data, crd); err != nil {
		t.Fatal(err)
	}
	g := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["gcp"]
	if got := g.Properties["zones"].Items.Schema.Pattern; got != zoneRE.String() {
		t.Errorf("spec.gcp.zones[] pattern %s, the flag's %s", got, zoneRE)
	}
	if got := g.Properties["project"].Pattern; got != projectRE.String() {
		t.Errorf("spec.gcp.project pattern %s, the flag's %s", got, projectRE)
	}
	for _, f := range []string{"network", "subnetwork"} {
		if p := g.Properties[f]; p.Pattern != `^[a-z]([-a-z0-9]*[a-z0-9])?$` || p.MaxLength == nil || *p.MaxLength != 63 {
			t.Errorf("spec.gcp.%s is not a GCE name in the CRD: %s", f, p.Pattern)
		}
	}
}
