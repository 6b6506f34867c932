package gcp

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"cloud.google.com/go/compute/apiv1/computepb"
	"github.com/googleapis/gax-go/v2"
	"google.golang.org/api/iterator"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/snapshot"
)

// reads are the provider's shared reads: one list call per location and kind (an
// aggregated list for the zonal endpoint groups), filtered to this cluster's names and
// grouped by owner, so that one load balancer reads its own resources without a call.
type reads struct {
	conn  *connector
	namer providers.Namer
	cache *snapshot.Cache[plan.Resource]
	// observer is told about every list call.
	observer providers.CallObserver
	// limiter paces every page of every list.
	limiter Limiter
	// retry are the call options of every list call. The SDK's REST list methods ignore a
	// client's CallOptions (only its other methods read them), so they are passed here.
	retry []gax.CallOption
	// eps are the endpoints of each group, which Google reads one group at a time.
	eps endpointCache
}

func newReads(conn *connector, namer providers.Namer, observer providers.CallObserver, limiter Limiter, ttl time.Duration, clock snapshot.Clock) *reads {
	r := &reads{conn: conn, namer: namer, observer: observer, limiter: limiter, eps: endpointCache{byGroup: map[string]cachedEndpoints{}}}
	r.cache = snapshot.New(snapshot.Options[plan.Resource]{
		List:  r.list,
		Name:  func(res plan.Resource) string { return res.Name },
		Group: func(res plan.Resource) string { return ownerGroup(res) },
		TTL:   ttl, Clock: clock,
	})
	return r
}

// ownerGroup is the snapshot group of a resource: "cluster/load balancer" of its owner.
func ownerGroup(res plan.Resource) string {
	desc := stringField(res.Fields["description"])
	if o, ok := providers.OwnerFromDescription(desc); ok {
		return groupOf(o)
	}
	if cluster, ok := providers.ClusterFromDescription(desc); ok {
		return groupOf(providers.Owner{ClusterID: cluster}) // shared by the cluster's load balancers
	}
	return ""
}

func groupOf(o providers.Owner) string { return o.ClusterID + "/" + o.LoadBalancer }

// owned returns what a load balancer owns in a location, every kind read from the snapshot;
// trust (nil for none) may spare reading a group's endpoints (see endpointCache).
func (r *reads) owned(ctx context.Context, location string, o providers.Owner, trust *trusted) ([]plan.Resource, error) {
	var out []plan.Resource
	for _, kind := range Kinds {
		rs, err := r.cache.Group(ctx, location, kind, groupOf(o))
		if err == nil && kind == KindNetworkEndpointGroup {
			rs, err = r.withEndpoints(ctx, location, rs, trust)
		}
		if err != nil {
			return nil, fmt.Errorf("read load balancer %s: %w", o.LoadBalancer, err)
		}
		out = append(out, rs...)
	}
	return withOwnedAddressRefs(out), nil
}

// get returns one resource; fresh lists its kind again first.
func (r *reads) get(ctx context.Context, location, kind, name string, fresh bool) (plan.Resource, bool, error) {
	if fresh {
		if err := r.cache.Refresh(ctx, location, kind); err != nil {
			return plan.Resource{}, false, err
		}
	}
	return r.cache.Get(ctx, location, kind, name)
}

// list reads every resource of a kind with this cluster's names in a location's project.
func (r *reads) list(ctx context.Context, location, kind string) ([]plan.Resource, error) {
	project := projectOf(location)
	api, err := r.conn.get(ctx)
	if err != nil {
		return nil, err
	}
	filter := proto.String("name eq " + r.namer.Prefix(kinds[kind].abbrev) + ".*")
	var ms []proto.Message
	switch kind {
	case KindAddress:
		ms, err = drain(r.paced(ctx), api.Addresses.List(ctx, &computepb.ListGlobalAddressesRequest{Project: project, Filter: filter}, r.retry...))
	case KindHealthCheck:
		ms, err = drain(r.paced(ctx), api.HealthChecks.List(ctx, &computepb.ListHealthChecksRequest{Project: project, Filter: filter}, r.retry...))
	case KindNetworkEndpointGroup:
		return r.listNEGs(ctx, api, project, filter)
	case KindInstanceGroup:
		return r.listInstanceGroups(ctx, api, project, filter)
	case KindFirewall:
		ms, err = drain(r.paced(ctx), api.Firewalls.List(ctx, &computepb.ListFirewallsRequest{Project: project, Filter: filter}, r.retry...))
	case KindBackendService:
		ms, err = drain(r.paced(ctx), api.BackendServices.List(ctx, &computepb.ListBackendServicesRequest{Project: project, Filter: filter}, r.retry...))
	case KindURLMap:
		ms, err = drain(r.paced(ctx), api.URLMaps.List(ctx, &computepb.ListUrlMapsRequest{Project: project, Filter: filter}, r.retry...))
	case KindSslCertificate:
		ms, err = drain(r.paced(ctx), api.SSLCertificates.List(ctx, &computepb.ListSslCertificatesRequest{Project: project, Filter: filter}, r.retry...))
	case KindSslPolicy:
		ms, err = drain(r.paced(ctx), api.SSLPolicies.List(ctx, &computepb.ListSslPoliciesRequest{Project: project, Filter: filter}, r.retry...))
	case KindTargetHTTPProxy:
		ms, err = drain(r.paced(ctx), api.TargetHTTPProxies.List(ctx, &computepb.ListTargetHttpProxiesRequest{Project: project, Filter: filter}, r.retry...))
	case KindTargetHTTPSProxy:
		ms, err = drain(r.paced(ctx), api.TargetHTTPSProxies.List(ctx, &computepb.ListTargetHttpsProxiesRequest{Project: project, Filter: filter}, r.retry...))
	case KindForwardingRule:
		ms, err = drain(r.paced(ctx), api.ForwardingRules.List(ctx, &computepb.ListGlobalForwardingRulesRequest{Project: project, Filter: filter}, r.retry...))
	default:
		return nil, fmt.Errorf("list %s: unknown kind", kind)
	}
	if err != nil {
		err = classify("list "+kind, err)
	}
	r.observer.ObserveCall(ProviderName, kinds[kind].collection+".list", err)
	if err != nil {
		return nil, err
	}
	out := make([]plan.Resource, 0, len(ms))
	for _, m := range ms {
		out = append(out, observed(kind, nameOf(m), m))
	}
	return out, nil
}

// listNEGs reads every zone's groups in one aggregated list. Their endpoints, which Google
// reads only one group at a time, are read when a load balancer reads its own groups.
func (r *reads) listNEGs(ctx context.Context, api *Clients, project string, filter *string) ([]plan.Resource, error) {
	it := paged(r.paced(ctx), api.NEGs.AggregatedList(ctx, &computepb.AggregatedListNetworkEndpointGroupsRequest{Project: project, Filter: filter}, r.retry...))
	var out []plan.Resource
	observed := false
	for {
		pair, err := it.Next()
		if errors.Is(err, iterator.Done) {
			if !observed { // an empty list is a call too
				r.observer.ObserveCall(ProviderName, "networkEndpointGroups.aggregatedList", nil)
			}
			return out, nil
		}
		observed = true
		r.observer.ObserveCall(ProviderName, "networkEndpointGroups.aggregatedList", classify("list network endpoint groups", err))
		if err != nil {
			return nil, classify("list network endpoint groups", err)
		}
		for _, g := range pair.Value.GetNetworkEndpointGroups() {
			out = append(out, observedGroup(g))
		}
	}
}

// observedGroup is a group as the aggregated list reports it, its endpoints not read.
func observedGroup(g *computepb.NetworkEndpointGroup) plan.Resource {
	return observed(KindNetworkEndpointGroup, g.GetName(), negSpec{Group: g, Zone: path.Base(g.GetZone())})
}

// observed is a resource as Google reports it; Spec keeps the message, for its fingerprint.
func observed(kind, name string, spec any) plan.Resource {
	return plan.Resource{Key: plan.Key{Kind: kind, Name: name}, Fields: fieldsOf(kind, spec), Immutable: kinds[kind].immutable, Spec: spec}
}

// drain reads every page of a list, each page paced.
func drain[T proto.Message](wait func() error, it pager[T]) ([]proto.Message, error) {
	var out []proto.Message
	it = paged(wait, it)
	for {
		m, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
}

func nameOf(m proto.Message) string {
	if n, ok := m.(interface{ GetName() string }); ok {
		return n.GetName()
	}
	return ""
}

// projectOf is the project of a location, "project" or "project/region".
func projectOf(location string) string {
	p, _, _ := strings.Cut(location, "/")
	return p
}
