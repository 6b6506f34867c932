package gcptest

import (
	"context"
	"errors"
	"fmt"

	compute "cloud.google.com/go/compute/apiv1"
	"google.golang.org/api/option"
)

// Clients are the SDK's REST clients the GCP provider uses, pointed at a Server.
type Clients struct {
	Addresses          *compute.GlobalAddressesClient
	HealthChecks       *compute.HealthChecksClient
	BackendServices    *compute.BackendServicesClient
	URLMaps            *compute.UrlMapsClient
	TargetHTTPProxies  *compute.TargetHttpProxiesClient
	TargetHTTPSProxies *compute.TargetHttpsProxiesClient
	SSLCertificates    *compute.SslCertificatesClient
	SSLPolicies        *compute.SslPoliciesClient
	ForwardingRules    *compute.GlobalForwardingRulesClient
	NEGs               *compute.NetworkEndpointGroupsClient
	Firewalls          *compute.FirewallsClient
	InstanceGroups     *compute.InstanceGroupsClient
	Instances          *compute.InstancesClient
	GlobalOperations   *compute.GlobalOperationsClient
	ZoneOperations     *compute.ZoneOperationsClient

	closers []func() error
}

// ClientOptions are the options that point an SDK client at the server,
// without credentials.
func (s *Server) ClientOptions() []option.ClientOption {
	return []option.ClientOption{
		option.WithEndpoint(s.URL()),
		option.WithoutAuthentication(),
		option.WithHTTPClient(s.HTTPClient()),
	}
}

// Clients builds every client; extra options (such as gax call options) follow the server's.
func (s *Server) Clients(ctx context.Context, extra ...option.ClientOption) (*Clients, error) {
	opts := append(s.ClientOptions(), extra...)
	c := &Clients{}
	var errs []error
	add := func(name string, closer func() error, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("create %s client: %w", name, err))
			return
		}
		c.closers = append(c.closers, closer)
	}
	var err error
	c.Addresses, err = compute.NewGlobalAddressesRESTClient(ctx, opts...)
	add("global addresses", closerOf(c.Addresses), err)
	c.HealthChecks, err = compute.NewHealthChecksRESTClient(ctx, opts...)
	add("health checks", closerOf(c.HealthChecks), err)
	c.BackendServices, err = compute.NewBackendServicesRESTClient(ctx, opts...)
	add("backend services", closerOf(c.BackendServices), err)
	c.URLMaps, err = compute.NewUrlMapsRESTClient(ctx, opts...)
	add("url maps", closerOf(c.URLMaps), err)
	c.TargetHTTPProxies, err = compute.NewTargetHttpProxiesRESTClient(ctx, opts...)
	add("target http proxies", closerOf(c.TargetHTTPProxies), err)
	c.TargetHTTPSProxies, err = compute.NewTargetHttpsProxiesRESTClient(ctx, opts...)
	add("target https proxies", closerOf(c.TargetHTTPSProxies), err)
	c.SSLCertificates, err = compute.NewSslCertificatesRESTClient(ctx, opts...)
	add("ssl certificates", closerOf(c.SSLCertificates), err)
	c.SSLPolicies, err = compute.NewSslPoliciesRESTClient(ctx, opts...)
	add("ssl policies", closerOf(c.SSLPolicies), err)
	c.ForwardingRules, err = compute.NewGlobalForwardingRulesRESTClient(ctx, opts...)
	add("global forwarding rules", closerOf(c.ForwardingRules), err)
	c.NEGs, err = compute.NewNetworkEndpointGroupsRESTClient(ctx, opts...)
	add("network endpoint groups", closerOf(c.NEGs), err)
	c.Firewalls, err = compute.NewFirewallsRESTClient(ctx, opts...)
	add("firewalls", closerOf(c.Firewalls), err)
	c.InstanceGroups, err = compute.NewInstanceGroupsRESTClient(ctx, opts...)
	add("instance groups", closerOf(c.InstanceGroups), err)
	c.Instances, err = compute.NewInstancesRESTClient(ctx, opts...)
	add("instances", closerOf(c.Instances), err)
	c.GlobalOperations, err = compute.NewGlobalOperationsRESTClient(ctx, opts...)
	add("global operations", closerOf(c.GlobalOperations), err)
	c.ZoneOperations, err = compute.NewZoneOperationsRESTClient(ctx, opts...)
	add("zone operations", closerOf(c.ZoneOperations), err)
	if err := errors.Join(errs...); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

type closer interface{ Close() error }

// closerOf defers the Close of a client that may be nil (its constructor failed).
func closerOf[T closer](c T) func() error { return func() error { return c.Close() } }

// Close closes every client.
func (c *Clients) Close() error {
	var errs []error
	for _, f := range c.closers {
		errs = append(errs, f())
	}
	return errors.Join(errs...)
}
