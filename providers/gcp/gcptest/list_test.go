package gcptest

import (
	"errors"
	"fmt"
	"net/http"
	"path"
	"reflect"
	"sort"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/api/iterator"
	"google.golang.org/protobuf/proto"
)

func (e *env) healthCheckNames(req *computepb.ListHealthChecksRequest) ([]string, error) {
	var names []string
	it := e.c.HealthChecks.List(e.ctx, req)
	for {
		hc, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return names, nil
		}
		if err != nil {
			return nil, err
		}
		names = append(names, hc.GetName())
	}
}

func TestListPagesAndFilters(t *testing.T) {
	e := newEnv(t, Options{})
	for i := range 7 {
		name := fmt.Sprintf("hc-%d", i)
		if i%2 == 1 {
			name = fmt.Sprintf("other-%d", i)
		}
		e.done(e.c.HealthChecks.Insert(e.ctx, &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck(name, "/")}))
	}
	e.srv.ResetCalls()
	names, err := e.healthCheckNames(&computepb.ListHealthChecksRequest{Project: proj, MaxResults: proto.Uint32(3)})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"hc-0", "hc-2", "hc-4", "hc-6", "other-1", "other-3", "other-5"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("paged list = %v, want %v", names, want)
	}
	if reads := e.srv.Reads(); reads != 3 {
		t.Fatalf("7 items in pages of 3 took %d calls, want 3", reads)
	}
	filters := map[string][]string{
		`name eq hc-.*`:                      {"hc-0", "hc-2", "hc-4", "hc-6"},
		`name ne hc-.*`:                      {"other-1", "other-3", "other-5"},
		`name = "other-3"`:                   {"other-3"},
		`name != "other-3"`:                  {"hc-0", "hc-2", "hc-4", "hc-6", "other-1", "other-5"},
		`name eq hc`:                         nil,
		`(name eq hc-.*) (name ne hc-[02])`:  {"hc-4", "hc-6"},
		`name eq .*-[0-3] AND type = "HTTP"`: {"hc-0", "hc-2", "other-1", "other-3"},
	}
	for f, want := range filters {
		got, err := e.healthCheckNames(&computepb.ListHealthChecksRequest{Project: proj, Filter: proto.String(f)})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("filter %s = %v %v, want %v", f, got, err, want)
		}
	}
	_, err = e.healthCheckNames(&computepb.ListHealthChecksRequest{Project: proj, Filter: proto.String("name ~ x")})
	wantAPIError(t, err, http.StatusBadRequest, "invalid")
	_, err = e.healthCheckNames(&computepb.ListHealthChecksRequest{Project: proj, PageToken: proto.String("garbage")})
	wantAPIError(t, err, http.StatusBadRequest, "invalid")
}

func TestListNetworkEndpointsPages(t *testing.T) {
	e := newEnv(t, Options{})
	e.done(e.c.NEGs.Insert(e.ctx, &computepb.InsertNetworkEndpointGroupRequest{Project: proj, Zone: zone, NetworkEndpointGroupResource: neg("n")}))
	var eps []*computepb.NetworkEndpoint
	for i := range 5 {
		eps = append(eps, &computepb.NetworkEndpoint{IpAddress: proto.String(fmt.Sprintf("10.0.0.%d", i+1))})
	}
	e.done(e.c.NEGs.AttachNetworkEndpoints(e.ctx, &computepb.AttachNetworkEndpointsNetworkEndpointGroupRequest{Project: proj, Zone: zone,
		NetworkEndpointGroup: "n", NetworkEndpointGroupsAttachEndpointsRequestResource: &computepb.NetworkEndpointGroupsAttachEndpointsRequest{NetworkEndpoints: eps}}))
	e.done(e.c.NEGs.DetachNetworkEndpoints(e.ctx, &computepb.DetachNetworkEndpointsNetworkEndpointGroupRequest{Project: proj, Zone: zone,
		NetworkEndpointGroup: "n", NetworkEndpointGroupsDetachEndpointsRequestResource: &computepb.NetworkEndpointGroupsDetachEndpointsRequest{
			NetworkEndpoints: []*computepb.NetworkEndpoint{{IpAddress: proto.String("10.0.0.2"), Port: proto.Int32(8080)}}}}))
	it := e.c.NEGs.ListNetworkEndpoints(e.ctx, &computepb.ListNetworkEndpointsNetworkEndpointGroupsRequest{Project: proj, Zone: zone,
		NetworkEndpointGroup: "n", MaxResults: proto.Uint32(2)})
	var got []string
	for {
		ep, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, endpointID(ep.GetNetworkEndpoint()))
	}
	if want := []string{"10.0.0.1:8080", "10.0.0.3:8080", "10.0.0.4:8080", "10.0.0.5:8080"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("endpoints = %v, want %v", got, want)
	}
	n, err := e.c.NEGs.Get(e.ctx, &computepb.GetNetworkEndpointGroupRequest{Project: proj, Zone: zone, NetworkEndpointGroup: "n"})
	if err != nil || n.GetSize() != 4 || n.GetZone() != googleBase+"projects/p/zones/"+zone {
		t.Fatalf("NEG = %v %v, want size 4 and its zone URL", n, err)
	}
}

func TestAggregatedNEGsAcrossZones(t *testing.T) {
	e := newEnv(t, Options{})
	for _, z := range []string{"us-central1-b", zone, "europe-west1-b"} {
		for _, n := range []string{"neg-b", "neg-a"} {
			e.done(e.c.NEGs.Insert(e.ctx, &computepb.InsertNetworkEndpointGroupRequest{Project: proj, Zone: z, NetworkEndpointGroupResource: neg(n)}))
		}
	}
	e.srv.ResetCalls()
	it := e.c.NEGs.AggregatedList(e.ctx, &computepb.AggregatedListNetworkEndpointGroupsRequest{Project: proj,
		MaxResults: proto.Uint32(4), Filter: proto.String("name eq neg-.*")})
	var got []string
	for {
		pair, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range pair.Value.GetNetworkEndpointGroups() {
			got = append(got, pair.Key+"/"+n.GetName())
		}
	}
	sort.Strings(got)
	want := []string{"zones/europe-west1-b/neg-a", "zones/europe-west1-b/neg-b", "zones/us-central1-a/neg-a",
		"zones/us-central1-a/neg-b", "zones/us-central1-b/neg-a", "zones/us-central1-b/neg-b"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("aggregated = %v, want %v", got, want)
	}
	if e.srv.Reads() != 2 {
		t.Fatalf("6 NEGs in pages of 4 took %d reads, want 2", e.srv.Reads())
	}
	zonal := e.c.NEGs.List(e.ctx, &computepb.ListNetworkEndpointGroupsRequest{Project: proj, Zone: zone})
	var names []string
	for {
		n, err := zonal.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, path.Base(n.GetZone())+"/"+n.GetName())
	}
	if want := []string{zone + "/neg-a", zone + "/neg-b"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("zonal list = %v, want %v", names, want)
	}
}
