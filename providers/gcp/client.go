package gcp

import (
	"context"
	"errors"
	"fmt"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"
	"github.com/googleapis/gax-go/v2"
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
	// poll are the call options of operation polls: the retries of the clients' reads.
	poll []gax.CallOption
}

var _ plan.Client = (*client)(nil)

// Insert creates a resource. A network endpoint group is created empty, then its endpoints
// are attached in batches, as Google wants; an instance group's members are added so too.
func (c *client) Insert(ctx context.Context, want plan.Resource) error {
	err := c.insert(ctx, want)
	var adopted *plan.Resource
	if errors.Is(err, retry.ErrAlreadyExists) {
		adopted, err = c.adopt(ctx, want, err)
	}
	if err == nil {
		switch s := want.Spec.(type) {
		case negSpec:
			err = c.attach(ctx, s.Zone, want.Name, s.Endpoints)
		case igSpec:
			err = c.fillInstanceGroup(ctx, s, adopted)
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
		return call(c.api.Addresses.Insert(ctx, &computepb.InsertGlobalAddressRequest{RequestId: requestID(), Project: p, AddressResource: s}))
	case *computepb.HealthCheck:
		return call(c.api.HealthChecks.Insert(ctx, &computepb.InsertHealthCheckRequest{RequestId: requestID(), Project: p, HealthCheckResource: s}))
	case igSpec:
		return c.insertInstanceGroup(ctx, what, s)
	case *computepb.Firewall:
		return c.insertFirewall(ctx, what, s)
	case negSpec:
		return call(c.api.NEGs.Insert(ctx, &computepb.InsertNetworkEndpointGroupRequest{RequestId: requestID(), Project: p, Zone: s.Zone, NetworkEndpointGroupResource: s.Group}))
	case *computepb.BackendService:
		return call(c.api.BackendServices.Insert(ctx, &computepb.InsertBackendServiceRequest{RequestId: requestID(), Project: p, BackendServiceResource: s}))
	case *computepb.UrlMap:
		return call(c.api.URLMaps.Insert(ctx, &computepb.InsertUrlMapRequest{RequestId: requestID(), Project: p, UrlMapResource: s}))
	case certSpec:
		return c.insertCertificate(ctx, what, s)
	case *computepb.SslPolicy:
		return call(c.api.SSLPolicies.Insert(ctx, &computepb.InsertSslPolicyRequest{RequestId: requestID(), Project: p, SslPolicyResource: s}))
	case *computepb.TargetHttpProxy:
		return call(c.api.TargetHTTPProxies.Insert(ctx, &computepb.InsertTargetHttpProxyRequest{RequestId: requestID(), Project: p, TargetHttpProxyResource: s}))
	case *computepb.TargetHttpsProxy:
		return call(c.api.TargetHTTPSProxies.Insert(ctx, &computepb.InsertTargetHttpsProxyRequest{RequestId: requestID(), Project: p, TargetHttpsProxyResource: s}))
	case *computepb.ForwardingRule:
		return call(c.api.ForwardingRules.Insert(ctx, &computepb.InsertGlobalForwardingRuleRequest{RequestId: requestID(), Project: p, ForwardingRuleResource: s}))
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
	op, err := c.api.SSLCertificates.Insert(ctx, &computepb.InsertSslCertificateRequest{RequestId: requestID(), Project: c.project, SslCertificateResource: cert})
	return c.done(ctx, "sslCertificates.insert", what, op, err)
}

// adopt reads a resource whose name Google says is taken but the snapshot did not show:
// one this load balancer made (a crash, or an answer lost) is adopted, and the next pass
// corrects it if it differs; anyone else's is a conflict.
func (c *client) adopt(ctx context.Context, want plan.Resource, insertErr error) (*plan.Resource, error) {
	have, ok, err := c.reads.get(ctx, c.location, want.Kind, want.Name, true)
	if err != nil || !ok {
		return nil, insertErr
	}
	if have.Fields["description"] != want.Fields["description"] {
		return nil, providers.Conflict(retry.ReasonNameTaken, insertErr, "%s is taken by a resource portico does not own for this load balancer", want.Key)
	}
	return &have, nil
}

// done waits for an operation of an API method ("urlMaps.insert"), classifies what failed
// and tells the observer.
func (c *client) done(ctx context.Context, method, what string, op *compute.Operation, err error) error {
	if err == nil {
		err = wait(ctx, c.backoff, c.limiter, op, c.poll...)
	}
	err = classify(what, err)
	c.observer.ObserveCall(ProviderName, method, err)
	return err
}
