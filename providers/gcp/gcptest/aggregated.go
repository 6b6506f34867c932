package gcptest

import (
	"net/http"
	"path"
	"sort"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// The aggregated list of NEGs reads every zone in one paged call, which is
// how a provider lists zonal resources without a call per zone.
func init() {
	addRoute(http.MethodGet, "aggregated/networkEndpointGroups", networkEndpointGroups, "list", false, aggregatedNEGs)
}

// aggregatedNEGs pages over the NEGs of every zone, ordered by zone then
// name, and groups each page by scope ("zones/Z") as the API does.
func aggregatedNEGs(s *Server, c *call) (proto.Message, error) {
	p := s.project(c.project)
	keep, err := parseFilter(c.query.Get("filter"))
	if err != nil {
		return nil, err
	}
	var items []proto.Message
	for _, m := range p.inZone(networkEndpointGroups, "") {
		if keep(m) {
			items = append(items, presented(networkEndpointGroups, p, m))
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return zoneOf(items[i]) < zoneOf(items[j]) })
	page, next, err := paginate(items, c.query.Get("maxResults"), c.query.Get("pageToken"))
	if err != nil {
		return nil, err
	}
	out := &computepb.NetworkEndpointGroupAggregatedList{
		Kind:     proto.String("compute#networkEndpointGroupAggregatedList"),
		Id:       proto.String("projects/" + c.project + "/aggregated/networkEndpointGroups"),
		SelfLink: proto.String(googleBase + "projects/" + c.project + "/aggregated/networkEndpointGroups"),
		Items:    map[string]*computepb.NetworkEndpointGroupsScopedList{},
	}
	for _, m := range page {
		scope := "zones/" + zoneOf(m)
		if out.Items[scope] == nil {
			out.Items[scope] = &computepb.NetworkEndpointGroupsScopedList{}
		}
		out.Items[scope].NetworkEndpointGroups = append(out.Items[scope].NetworkEndpointGroups, m.(*computepb.NetworkEndpointGroup))
	}
	if next != "" {
		out.NextPageToken = proto.String(next)
	}
	return out, nil
}

func zoneOf(m proto.Message) string { return path.Base(getString(m, "zone")) }
