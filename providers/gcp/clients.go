package gcp

import (
	compute "cloud.google.com/go/compute/apiv1"
)

// Clients are the compute SDK's REST clients the provider calls, and only those: the
// narrow surface of the API it uses. Build them with the SDK's constructors and
// Application Default Credentials, or point them at gcptest.
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
	InstanceGroups     *compute.InstanceGroupsClient
	Firewalls          *compute.FirewallsClient
}
