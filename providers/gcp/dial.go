package gcp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	compute "cloud.google.com/go/compute/apiv1"
	"google.golang.org/api/option"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/ratelimit"
	"github.com/portico-dev/portico/providers/retry"
)

// connector builds the clients on first use and keeps them once built, so that a provider
// starts without credentials and their absence is an error on each load balancer, retried,
// never a reason to stop the controller or to move a load balancer to another provider.
type connector struct {
	mu      sync.Mutex
	clients *Clients
	dial    func(ctx context.Context) (*Clients, error)
}

func (c *connector) get(ctx context.Context) (*Clients, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.clients != nil {
		return c.clients, nil
	}
	if c.dial == nil {
		return nil, providers.Invalid("ProviderMisconfigured", nil, "the gcp provider has no compute clients")
	}
	cs, err := c.dial(ctx)
	if err != nil {
		return nil, providers.Retryable("CredentialsUnavailable", err, "connecting to the compute API with Application Default Credentials")
	}
	c.clients = cs
	return cs, nil
}

// Dial builds the compute clients with Application Default Credentials (Workload Identity,
// or GOOGLE_APPLICATION_CREDENTIALS), over REST, each call retried on Google's 429 and 5xx
// under retry.DefaultCallPolicy.
func Dial(ctx context.Context, opts ...option.ClientOption) (*Clients, error) {
	c := &Clients{}
	var errs []error
	keep := func(name string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("create %s client: %w", name, err))
		}
	}
	var err error
	c.Addresses, err = compute.NewGlobalAddressesRESTClient(ctx, opts...)
	keep("global addresses", err)
	c.HealthChecks, err = compute.NewHealthChecksRESTClient(ctx, opts...)
	keep("health checks", err)
	c.BackendServices, err = compute.NewBackendServicesRESTClient(ctx, opts...)
	keep("backend services", err)
	c.URLMaps, err = compute.NewUrlMapsRESTClient(ctx, opts...)
	keep("url maps", err)
	c.TargetHTTPProxies, err = compute.NewTargetHttpProxiesRESTClient(ctx, opts...)
	keep("target http proxies", err)
	c.TargetHTTPSProxies, err = compute.NewTargetHttpsProxiesRESTClient(ctx, opts...)
	keep("target https proxies", err)
	c.SSLCertificates, err = compute.NewSslCertificatesRESTClient(ctx, opts...)
	keep("ssl certificates", err)
	c.SSLPolicies, err = compute.NewSslPoliciesRESTClient(ctx, opts...)
	keep("ssl policies", err)
	c.ForwardingRules, err = compute.NewGlobalForwardingRulesRESTClient(ctx, opts...)
	keep("global forwarding rules", err)
	c.NEGs, err = compute.NewNetworkEndpointGroupsRESTClient(ctx, opts...)
	keep("network endpoint groups", err)
	c.InstanceGroups, err = compute.NewInstanceGroupsRESTClient(ctx, opts...)
	keep("instance groups", err)
	c.Firewalls, err = compute.NewFirewallsRESTClient(ctx, opts...)
	keep("firewalls", err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return WithRetries(c, retry.DefaultCallPolicy), nil
}

// NewFromEnvironment is the catalog's constructor: the project, network, subnetwork and
// zones of classes that name none from the defaults (the project else from
// GOOGLE_CLOUD_PROJECT), the clients dialled with Application Default Credentials on first
// use, every call paced by one limiter with the rates of limits.
func NewFromEnvironment(clusterID string, observer providers.CallObserver, limits ratelimit.Config, defaults Defaults) (providers.Provider, error) {
	if err := defaults.Validate(); err != nil {
		return nil, err
	}
	limiter, err := ratelimit.New(limits, nil)
	if err != nil {
		return nil, fmt.Errorf("gcp rate limits: %w", err)
	}
	return New(Options{
		ClusterID: clusterID, Project: cmp.Or(defaults.Project, os.Getenv("GOOGLE_CLOUD_PROJECT")), Observer: observer, Limiter: limiter,
		Network: defaults.Network, Subnetwork: defaults.Subnetwork, Zones: defaults.Zones,
		Dial: func(ctx context.Context) (*Clients, error) { return Dial(ctx) },
	}), nil
}
