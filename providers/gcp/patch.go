package gcp

import (
	"context"
	"errors"
	"fmt"
	"slices"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/retry"
)

// Patch changes the named fields of a resource: a health check, backend service or URL map
// is replaced whole (update), so that a field portico drops is dropped; proxies and
// forwarding rules change through their set calls. Where Google keeps a fingerprint, the one
// read is sent; when Google answers 412 (someone wrote in between), the resource is read
// again and the write retried once with the new fingerprint.
func (c *client) Patch(ctx context.Context, have, want plan.Resource, fields []string) error {
	err := c.patch(ctx, have, want, fields)
	if errors.Is(err, retry.ErrStale) {
		if fresh, ok, rerr := c.reads.get(ctx, c.location, want.Kind, want.Name, true); rerr == nil && ok {
			err = c.patch(ctx, fresh, want, fields)
		}
	}
	c.reads.wrote(ctx, c.location, want, err)
	return err
}

func (c *client) patch(ctx context.Context, have, want plan.Resource, fields []string) error {
	p, name, what := c.project, want.Name, "update "+want.String()
	call := func(method string) func(*compute.Operation, error) error {
		return func(op *compute.Operation, err error) error {
			return c.done(ctx, kinds[want.Kind].collection+"."+method, what, op, err)
		}
	}
	switch want.Spec.(type) {
	case negSpec, igSpec, *computepb.TargetHttpsProxy: // one call or more each, each paced
	default:
		if err := paceWrite(ctx, c.limiter, what); err != nil {
			return err
		}
	}
	switch s := want.Spec.(type) {
	case *computepb.HealthCheck:
		return call("update")(c.api.HealthChecks.Update(ctx, &computepb.UpdateHealthCheckRequest{RequestId: requestID(), Project: p, HealthCheck: name, HealthCheckResource: s}))
	case negSpec:
		return c.moveEndpoints(ctx, have.Spec.(negSpec), s)
	case igSpec:
		return c.moveInstances(ctx, have.Spec.(igSpec), s, fields)
	case *computepb.Firewall:
		return c.patchFirewall(ctx, what, s)
	case *computepb.BackendService:
		s = proto.Clone(s).(*computepb.BackendService)
		s.Fingerprint = have.Spec.(*computepb.BackendService).Fingerprint
		return call("update")(c.api.BackendServices.Update(ctx, &computepb.UpdateBackendServiceRequest{RequestId: requestID(), Project: p, BackendService: name, BackendServiceResource: s}))
	case *computepb.SslPolicy:
		return c.patchSslPolicy(ctx, have, s)
	case *computepb.UrlMap:
		s = proto.Clone(s).(*computepb.UrlMap)
		s.Fingerprint = have.Spec.(*computepb.UrlMap).Fingerprint
		return call("update")(c.api.URLMaps.Update(ctx, &computepb.UpdateUrlMapRequest{RequestId: requestID(), Project: p, UrlMap: name, UrlMapResource: s}))
	case *computepb.TargetHttpProxy:
		return call("setUrlMap")(c.api.TargetHTTPProxies.SetUrlMap(ctx, &computepb.SetUrlMapTargetHttpProxyRequest{RequestId: requestID(), Project: p, TargetHttpProxy: name,
			UrlMapReferenceResource: &computepb.UrlMapReference{UrlMap: s.UrlMap}}))
	case *computepb.TargetHttpsProxy:
		return c.patchHTTPSProxy(ctx, s, fields)
	case *computepb.ForwardingRule:
		return call("setTarget")(c.api.ForwardingRules.SetTarget(ctx, &computepb.SetTargetGlobalForwardingRuleRequest{RequestId: requestID(), Project: p, ForwardingRule: name,
			TargetReferenceResource: &computepb.TargetReference{Target: s.Target}}))
	}
	return fmt.Errorf("update %s: fields %v cannot change in place", want.Key, fields)
}

// patchHTTPSProxy swaps the SSL policy, the certificates and the URL map, each with its own
// set call: a rotated certificate is served before the old one is deleted.
func (c *client) patchHTTPSProxy(ctx context.Context, s *computepb.TargetHttpsProxy, fields []string) error {
	p, name, what := c.project, s.GetName(), "update TargetHTTPSProxy/"+s.GetName()
	if slices.Contains(fields, "sslPolicy") {
		if err := c.setSslPolicy(ctx, s); err != nil {
			return err
		}
	}
	if slices.Contains(fields, "sslCertificates") {
		if err := paceWrite(ctx, c.limiter, what); err != nil {
			return err
		}
		op, err := c.api.TargetHTTPSProxies.SetSslCertificates(ctx, &computepb.SetSslCertificatesTargetHttpsProxyRequest{RequestId: requestID(), Project: p, TargetHttpsProxy: name,
			TargetHttpsProxiesSetSslCertificatesRequestResource: &computepb.TargetHttpsProxiesSetSslCertificatesRequest{SslCertificates: s.SslCertificates}})
		if err := c.done(ctx, "targetHttpsProxies.setSslCertificates", what, op, err); err != nil {
			return err
		}
	}
	if !slices.Contains(fields, "urlMap") {
		return nil
	}
	if err := paceWrite(ctx, c.limiter, what); err != nil {
		return err
	}
	op, err := c.api.TargetHTTPSProxies.SetUrlMap(ctx, &computepb.SetUrlMapTargetHttpsProxyRequest{RequestId: requestID(), Project: p, TargetHttpsProxy: name,
		UrlMapReferenceResource: &computepb.UrlMapReference{UrlMap: s.UrlMap}})
	return c.done(ctx, "targetHttpsProxies.setUrlMap", what, op, err)
}

// Delete deletes a resource; one already gone counts as deleted.
func (c *client) Delete(ctx context.Context, have plan.Resource) error {
	err := c.delete(ctx, have)
	if have.Kind == KindInstanceGroup && errors.Is(err, retry.ErrInUse) {
		// A backend service the snapshot did not show yet (another load balancer's, made
		// since the last list) uses the group: it is still used, so it stays. The next pass
		// lists both again and sees who uses it.
		c.reads.cache.Invalidate(c.location, KindBackendService)
		c.reads.cache.Invalidate(c.location, KindInstanceGroup)
		return nil
	}
	c.reads.deleted(c.location, have, err)
	return err
}

func (c *client) delete(ctx context.Context, have plan.Resource) error {
	p, name := c.project, have.Name
	what := "delete " + have.String()
	if err := paceWrite(ctx, c.limiter, what); err != nil {
		return err
	}
	var op *compute.Operation
	var err error
	switch have.Kind {
	case KindAddress:
		op, err = c.api.Addresses.Delete(ctx, &computepb.DeleteGlobalAddressRequest{RequestId: requestID(), Project: p, Address: name})
	case KindHealthCheck:
		op, err = c.api.HealthChecks.Delete(ctx, &computepb.DeleteHealthCheckRequest{RequestId: requestID(), Project: p, HealthCheck: name})
	case KindFirewall:
		op, err = c.api.Firewalls.Delete(ctx, &computepb.DeleteFirewallRequest{RequestId: requestID(), Project: p, Firewall: name})
	case KindInstanceGroup:
		op, err = c.api.InstanceGroups.Delete(ctx, &computepb.DeleteInstanceGroupRequest{RequestId: requestID(), Project: p, Zone: have.Fields[fieldZone], InstanceGroup: name})
	case KindNetworkEndpointGroup:
		op, err = c.api.NEGs.Delete(ctx, &computepb.DeleteNetworkEndpointGroupRequest{RequestId: requestID(), Project: p, Zone: have.Fields[fieldZone], NetworkEndpointGroup: name})
	case KindBackendService:
		op, err = c.api.BackendServices.Delete(ctx, &computepb.DeleteBackendServiceRequest{RequestId: requestID(), Project: p, BackendService: name})
	case KindURLMap:
		op, err = c.api.URLMaps.Delete(ctx, &computepb.DeleteUrlMapRequest{RequestId: requestID(), Project: p, UrlMap: name})
	case KindSslPolicy:
		op, err = c.api.SSLPolicies.Delete(ctx, &computepb.DeleteSslPolicyRequest{RequestId: requestID(), Project: p, SslPolicy: name})
	case KindSslCertificate:
		op, err = c.api.SSLCertificates.Delete(ctx, &computepb.DeleteSslCertificateRequest{RequestId: requestID(), Project: p, SslCertificate: name})
	case KindTargetHTTPProxy:
		op, err = c.api.TargetHTTPProxies.Delete(ctx, &computepb.DeleteTargetHttpProxyRequest{RequestId: requestID(), Project: p, TargetHttpProxy: name})
	case KindTargetHTTPSProxy:
		op, err = c.api.TargetHTTPSProxies.Delete(ctx, &computepb.DeleteTargetHttpsProxyRequest{RequestId: requestID(), Project: p, TargetHttpsProxy: name})
	case KindForwardingRule:
		op, err = c.api.ForwardingRules.Delete(ctx, &computepb.DeleteGlobalForwardingRuleRequest{RequestId: requestID(), Project: p, ForwardingRule: name})
	default:
		return fmt.Errorf("delete %s: unknown kind", have.Key)
	}
	return c.done(ctx, kinds[have.Kind].collection+".delete", what, op, err)
}
