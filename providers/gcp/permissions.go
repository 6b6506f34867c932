package gcp

import "slices"

// RequiredPermissions are the IAM permissions of every compute API method the provider
// calls (a get reads back each resource it wrote), and only those: a custom role with them (and ReferencePermissions) is all the
// controller's Google service account needs. The contract suite runs against a gcptest
// that grants exactly RolePermissions and checks each was used, so the lists can neither
// miss a permission the provider needs nor keep one it no longer does.
// docs/install-gcp.md is generated from them.
var RequiredPermissions = []string{
	"compute.backendServices.create",
	"compute.backendServices.delete",
	"compute.backendServices.get",
	"compute.backendServices.list",
	"compute.backendServices.update",
	"compute.firewalls.create",
	"compute.firewalls.delete",
	"compute.firewalls.get",
	"compute.firewalls.list",
	"compute.firewalls.update",
	"compute.globalAddresses.create",
	"compute.globalAddresses.delete",
	"compute.globalAddresses.get",
	"compute.globalAddresses.list",
	"compute.globalForwardingRules.create",
	"compute.globalForwardingRules.delete",
	"compute.globalForwardingRules.get",
	"compute.globalForwardingRules.list",
	"compute.globalForwardingRules.setTarget",
	"compute.globalOperations.get",
	"compute.healthChecks.create",
	"compute.healthChecks.delete",
	"compute.healthChecks.get",
	"compute.healthChecks.list",
	"compute.healthChecks.update",
	"compute.instanceGroups.create",
	"compute.instanceGroups.delete",
	"compute.instanceGroups.list",
	"compute.instanceGroups.update",
	"compute.networkEndpointGroups.attachNetworkEndpoints",
	"compute.networkEndpointGroups.create",
	"compute.networkEndpointGroups.delete",
	"compute.networkEndpointGroups.detachNetworkEndpoints",
	"compute.networkEndpointGroups.get",
	"compute.networkEndpointGroups.list",
	"compute.networkEndpointGroups.listNetworkEndpoints",
	"compute.sslCertificates.create",
	"compute.sslCertificates.delete",
	"compute.sslCertificates.get",
	"compute.sslCertificates.list",
	"compute.sslPolicies.create",
	"compute.sslPolicies.delete",
	"compute.sslPolicies.get",
	"compute.sslPolicies.list",
	"compute.sslPolicies.update",
	"compute.targetHttpProxies.create",
	"compute.targetHttpProxies.delete",
	"compute.targetHttpProxies.get",
	"compute.targetHttpProxies.list",
	"compute.targetHttpProxies.setUrlMap",
	"compute.targetHttpsProxies.create",
	"compute.targetHttpsProxies.delete",
	"compute.targetHttpsProxies.get",
	"compute.targetHttpsProxies.list",
	"compute.targetHttpsProxies.setSslCertificates",
	"compute.targetHttpsProxies.setSslPolicy",
	"compute.targetHttpsProxies.setUrlMap",
	"compute.urlMaps.create",
	"compute.urlMaps.delete",
	"compute.urlMaps.get",
	"compute.urlMaps.list",
	"compute.urlMaps.update",
	"compute.zoneOperations.get",
}

// ReferencePermissions are what Google also checks, beyond a method's own permission, on the
// resources a write refers to: a URL map's backend services, a backend service's health
// checks, endpoint groups and instance groups, a proxy's URL map and SSL policy, a forwarding
// rule's proxy and address, an endpoint group's network and subnetwork, the instances added
// to an instance group, and the network of a firewall rule (compute.networks.updatePolicy),
// as the compute API reference lists them for each request field. gcptest checks them on
// every write as Google does, so the permission test proves them like RequiredPermissions.
var ReferencePermissions = []string{
	"compute.backendServices.use",
	"compute.globalAddresses.use",
	"compute.healthChecks.useReadOnly",
	"compute.instanceGroups.use",
	"compute.instances.use",
	"compute.networkEndpointGroups.use",
	"compute.networks.updatePolicy",
	"compute.networks.use",
	"compute.sslPolicies.use",
	"compute.subnetworks.use",
	"compute.targetHttpProxies.use",
	"compute.targetHttpsProxies.use",
	"compute.urlMaps.use",
}

// RolePermissions are the permissions of the custom role docs/install-gcp.md creates:
// RequiredPermissions and ReferencePermissions, sorted.
func RolePermissions() []string {
	out := append(slices.Clone(RequiredPermissions), ReferencePermissions...)
	slices.Sort(out)
	return slices.Compact(out)
}
