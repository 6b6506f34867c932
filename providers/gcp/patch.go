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
	case negSpec, *computepb.TargetHttpsProxy: // one call or more each, each paced
	default:
		if err := paceWrite(ctx, c.limiter, what); err != nil {
			return err
		}
	}
	switch s := want.Spec.(type) {
	case *computepb.HealthCheck:
		return call("update")(c.api.HealthChecks.Update(ctx, &computepb.UpdateHealthCheckRequest{Project: p, HealthCheck: name, HealthCheckResource: s}))
	case negSpec:
		return c.moveEndpoints(ctx, have.Spec.(negSpec), s)
	case *computepb.BackendService:
		s = proto.Clone(s).(*computepb.BackendService)
		s.Fingerprint = have.Spec.(*computepb.BackendService).Fingerprint
		return call("update")(c.api.BackendServices.Update(ctx, &computepb.UpdateBackendServiceRequest{Project: p, BackendService: name, BackendServiceResource: s}))
	case *computepb.UrlMap:
		s = proto.Clone(s).(*computepb.UrlMap)
		s.Fingerprint = have.Spec.(*computepb.UrlMap).Fingerprint
		return call("update")(c.api.URLMaps.Update(ctx, &computepb.UpdateUrlMapRequest{Project: p, UrlMap: name, UrlMapResource: s}))
	case *computepb.TargetHttpProxy:
		return call("setUrlMap")(c.api.TargetHTTPProxies.SetUrlMap(ctx, &computepb.SetUrlMapTargetHttpProxyRequest{Project: p, TargetHttpProxy: name,
			UrlMapReferenceResource: &computepb.UrlMapReference{UrlMap: s.UrlMap}}))
	case *computepb.TargetHttpsProxy:
		return c.patchHTTPSProxy(ctx, s, fields)
	case *computepb.ForwardingRule:
		return call("setTarget")(c.api.ForwardingRules.SetTarget(ctx, &computepb.SetTargetGlobalForwardingRuleRequest{Project: p, ForwardingRule: name,
			TargetReferenceResource: &computepb.TargetReference{Target: s.Target}}))
	}
	return fmt.Errorf("update %s: fields %v cannot change in place", want.Key, fields)
}

// patchHTTPSProxy swaps the URL map and the certificates, each with its own set call: a
// rotated certificate is served before the old one is deleted.
func (c *client) patchHTTPSProxy(ctx context.Context, s *computepb.TargetHttpsProxy, fields []string) error {
	p, name, what := c.project, s.GetName(), "update TargetHTTPSProxy/"+s.GetName()
	if slices.Contains(fields, "sslCertificates") {
		if err := paceWrite(ctx, c.limiter, what); err != nil {
			return err
		}
		op, err := c.api.TargetHTTPSProxies.SetSslCertificates(ctx, &computepb.SetSslCertificatesTargetHttpsProxyRequest{Project: p, TargetHttpsProxy: name,
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
	op, err := c.api.TargetHTTPSProxies.SetUrlMap(ctx, &computepb.SetUrlMapTargetHttpsProxyRequest{Project: p, TargetHttpsProxy: name,
		UrlMapReferenceResource: &computepb.UrlMapReference{UrlMap: s.UrlMap}})
	return c.done(ctx, "targetHttpsProxies.setUrlMap", what, op, err)
}

// Delete deletes a resource; one already gone counts as deleted.
func (c *client) Delete(ctx context.Context, have plan.Resource) error {
	err := c.delete(ctx, have)
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
		op, err = c.api.Addresses.Delete(ctx, &computepb.DeleteGlobalAddressRequest{Project: p, Address: name})
	case KindHealthCheck:
		op, err = c.api.HealthChecks.Delete(ctx, &computepb.DeleteHealthCheckRequest{Project: p, HealthCheck: name})
	case KindNetworkEndpointGroup:
		op, err = c.api.NEGs.Delete(ctx, &computepb.DeleteNetworkEndpointGroupRequest{Project: p, Zone: have.Fields[fieldZone], NetworkEndpointGroup: name})
	case KindBackendService:
		op, err = c.api.BackendServices.Delete(ctx, &computepb.DeleteBackendServiceRequest{Project: p, BackendService: name})
	case KindURLMap:
		op, err = c.api.URLMaps.Delete(ctx, &computepb.DeleteUrlMapRequest{Project: p, UrlMap: name})
	case KindSslCertificate:
		op, err = c.api.SSLCertificates.Delete(ctx, &computepb.DeleteSslCertificateRequest{Project: p, SslCertificate: name})
	case KindTargetHTTPProxy:
		op, err = c.api.TargetHTTPProxies.Delete(ctx, &computepb.DeleteTargetHttpProxyRequest{Project: p, TargetHttpProxy: name})
	case KindTargetHTTPSProxy:
		op, err = c.api.TargetHTTPSProxies.Delete(ctx, &computepb.DeleteTargetHttpsProxyRequest{Project: p, TargetHttpsProxy: name})
	case KindForwardingRule:
		op, err = c.api.ForwardingRules.Delete(ctx, &computepb.DeleteGlobalForwardingRuleRequest{Project: p, ForwardingRule: name})
	default:
		return fmt.Errorf("delete %s: unknown kind", have.Key)
	}
	return c.done(ctx, kinds[have.Kind].collection+".delete", what, op, err)
}
