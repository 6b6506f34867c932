package gcp

import (
	"context"
	"fmt"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/ratelimit"
)

// wrote keeps the snapshot true after a write. A write that succeeded is read back with
// one get (its new fingerprint, the values Google fills in) and put in the snapshot: listing
// the whole kind again instead would cost every load balancer's write a read of every load
// balancer's resources, and a thousand load balancers created at once would spend their
// time listing. A write whose outcome is unknown lists the kind at the next read; one
// Google refused as invalid changed nothing.
func (r *reads) wrote(ctx context.Context, location string, want plan.Resource, err error) {
	r.eps.forget(want)
	if err != nil {
		if !providers.IsInvalid(err) {
			r.cache.Invalidate(location, want.Kind)
		}
		return
	}
	if want.Kind == KindInstanceGroup {
		// A group is read with its members, a call per group: the cluster has one group per
		// zone, so listing them all again costs no more than reading this one back.
		r.cache.Invalidate(location, want.Kind)
		return
	}
	got, gerr := r.getOne(ctx, location, want)
	if gerr != nil {
		r.cache.Invalidate(location, want.Kind)
		return
	}
	r.cache.Put(location, want.Kind, got)
}

// getOne reads one resource as the snapshot holds it (a group without its endpoints).
func (r *reads) getOne(ctx context.Context, location string, want plan.Resource) (plan.Resource, error) {
	api, err := r.conn.get(ctx)
	if err != nil {
		return plan.Resource{}, err
	}
	if err := r.limiter.Wait(ctx, ratelimit.Read); err != nil {
		return plan.Resource{}, err
	}
	m, err := r.getMessage(ctx, api, projectOf(location), want)
	err = classify("get "+want.String(), err)
	r.observer.ObserveCall(ProviderName, kinds[want.Kind].collection+".get", err)
	if err != nil {
		return plan.Resource{}, err
	}
	if g, ok := m.(*computepb.NetworkEndpointGroup); ok {
		return observed(want.Kind, want.Name, negSpec{Group: g, Zone: want.Spec.(negSpec).Zone}), nil
	}
	return observed(want.Kind, want.Name, m), nil
}

func (r *reads) getMessage(ctx context.Context, api *Clients, p string, want plan.Resource) (proto.Message, error) {
	n := want.Name
	switch want.Kind {
	case KindAddress:
		return api.Addresses.Get(ctx, &computepb.GetGlobalAddressRequest{Project: p, Address: n})
	case KindHealthCheck:
		return api.HealthChecks.Get(ctx, &computepb.GetHealthCheckRequest{Project: p, HealthCheck: n})
	case KindNetworkEndpointGroup:
		return api.NEGs.Get(ctx, &computepb.GetNetworkEndpointGroupRequest{Project: p, Zone: want.Spec.(negSpec).Zone, NetworkEndpointGroup: n})
	case KindBackendService:
		return api.BackendServices.Get(ctx, &computepb.GetBackendServiceRequest{Project: p, BackendService: n})
	case KindURLMap:
		return api.URLMaps.Get(ctx, &computepb.GetUrlMapRequest{Project: p, UrlMap: n})
	case KindFirewall:
		return api.Firewalls.Get(ctx, &computepb.GetFirewallRequest{Project: p, Firewall: n})
	case KindSslPolicy:
		return api.SSLPolicies.Get(ctx, &computepb.GetSslPolicyRequest{Project: p, SslPolicy: n})
	case KindSslCertificate:
		return api.SSLCertificates.Get(ctx, &computepb.GetSslCertificateRequest{Project: p, SslCertificate: n})
	case KindTargetHTTPProxy:
		return api.TargetHTTPProxies.Get(ctx, &computepb.GetTargetHttpProxyRequest{Project: p, TargetHttpProxy: n})
	case KindTargetHTTPSProxy:
		return api.TargetHTTPSProxies.Get(ctx, &computepb.GetTargetHttpsProxyRequest{Project: p, TargetHttpsProxy: n})
	case KindForwardingRule:
		return api.ForwardingRules.Get(ctx, &computepb.GetGlobalForwardingRuleRequest{Project: p, ForwardingRule: n})
	}
	return nil, fmt.Errorf("get %s: unknown kind", want.Key)
}

// deleted drops a deleted resource from the snapshot.
func (r *reads) deleted(location string, have plan.Resource, err error) {
	r.eps.forget(have)
	if err == nil || providers.IsNotFound(err) {
		r.cache.Remove(location, have.Kind, have.Name)
		return
	}
	if !providers.IsInvalid(err) {
		r.cache.Invalidate(location, have.Kind)
	}
}
