package gcp

import (
	"context"
	"errors"
	"fmt"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/retry"
)

// client is the plan engine's way to Google for the load balancers of one location: one
// resource per call, each operation waited on, each error classified. Every write lands in
// the shared snapshot (or invalidates it), so the next pass sees it without a list.
type client struct {
	api      *Clients
	project  string
	location string
	backoff  retry.Backoff
	reads    *reads
	observer providers.CallObserver
	limiter  Limiter
}

var _ plan.Client = (*client)(nil)

// Insert creates a resource. A network endpoint group is created empty, then its endpoints
// are attached in batches, as Google wants.
func (c *client) Insert(ctx context.Context, want plan.Resource) error {
	err := c.insert(ctx, want)
	if errors.Is(err, retry.ErrAlreadyExists) {
		err = c.adopt(ctx, want, err)
	}
	if err == nil {
		if n, ok := want.Spec.(negSpec); ok {
			err = c.attach(ctx, n.Zone, want.Name, n.Endpoints)
		}
	}
	c.reads.wrote(ctx, c.location, want, err)
	return err
}

func (c *client) insert(ctx context.Context, want plan.Resource) error {
	p := c.project
	what := "insert " + want.String()
	if err := paceWrite(ctx, c.limiter, what); err != nil {
		return err
	}
	call := func(op *compute.Operation, err error) error {
		return c.done(ctx, kinds[want.Kind].collection+".insert", what, op, err)
	}
	switch s := want.Spec.(type) {
	case *computepb.Address:
		return call(c.api.Addresses.Insert(ctx, &computepb.InsertGlobalAddressRequest{Project: p, AddressResource: s}))
	case *computepb.HealthCheck:
		return call(c.api.HealthChecks.Insert(ctx, &computepb.InsertHealthCheckRequest{Project: p, HealthCheckResource: s}))
	case negSpec:
		return call(c.api.NEGs.Insert(ctx, &computepb.InsertNetworkEndpointGroupRequest{Project: p, Zone: s.Zone, NetworkEndpointGroupResource: s.Group}))
	case *computepb.BackendService:
		return call(c.api.BackendServices.Insert(ctx, &computepb.InsertBackendServiceRequest{Project: p, BackendServiceResource: s}))
	case *computepb.UrlMap:
		return call(c.api.URLMaps.Insert(ctx, &computepb.InsertUrlMapRequest{Project: p, UrlMapResource: s}))
	case certSpec:
		return c.insertCertificate(ctx, what, s)
	case *computepb.TargetHttpProxy:
		return call(c.api.TargetHTTPProxies.Insert(ctx, &computepb.InsertTargetHttpProxyRequest{Project: p, TargetHttpProxyResource: s}))
	case *computepb.TargetHttpsProxy:
		return call(c.api.TargetHTTPSProxies.Insert(ctx, &computepb.InsertTargetHttpsProxyRequest{Project: p, TargetHttpsProxyResource: s}))
	case *computepb.ForwardingRule:
		return call(c.api.ForwardingRules.Insert(ctx, &computepb.InsertGlobalForwardingRuleRequest{Project: p, ForwardingRuleResource: s}))
	}
	return fmt.Errorf("insert %s: no call for %T", want.Key, want.Spec)
}

// insertCertificate reads the key only now, for a certificate Google does not have.
func (c *client) insertCertificate(ctx context.Context, what string, s certSpec) error {
	if s.Key == nil {
		return providers.Invalid("TLSKeyMissing", nil, "%s: the TLS Secret has no key", what)
	}
	key, err := s.Key(ctx)
	if err != nil {
		return providers.Retryable("TLSSecretUnreadable", err, "%s: reading the key", what)
	}
	cert := proto.Clone(s.Cert).(*computepb.SslCertificate)
	cert.PrivateKey = proto.String(string(key))
	op, err := c.api.SSLCertificates.Insert(ctx, &computepb.InsertSslCertificateRequest{Project: c.project, SslCertificateResource: cert})
	return c.done(ctx, "sslCertificates.insert", what, op, err)
}

// adopt reads a resource whose name Google says is taken but the snapshot did not show:
// one this load balancer made (a crash, or an answer lost) is adopted, and the next pass
// corrects it if it differs; anyone else's is a conflict.
func (c *client) adopt(ctx context.Context, want plan.Resource, insertErr error) error {
	have, ok, err := c.reads.get(ctx, c.location, want.Kind, want.Name, true)
	if err != nil || !ok {
		return insertErr
	}
	if have.Fields["description"] != want.Fields["description"] {
		return providers.Conflict(retry.ReasonNameTaken, insertErr, "%s is taken by a resource portico does not own for this load balancer", want.Key)
	}
	return nil
}

// done waits for an operation of an API method ("urlMaps.insert"), classifies what failed
// and tells the observer.
func (c *client) done(ctx context.Context, method, what string, op *compute.Operation, err error) error {
	if err == nil {
		err = wait(ctx, c.backoff, c.limiter, op)
	}
	err = classify(what, err)
	c.observer.ObserveCall(ProviderName, method, err)
	return err
}
