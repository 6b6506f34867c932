package gcp

// Kinds of the resources of one load balancer, as the plan names them.
const (
	KindAddress              = "Address"
	KindHealthCheck          = "HealthCheck"
	KindNetworkEndpointGroup = "NetworkEndpointGroup"
	KindBackendService       = "BackendService"
	KindURLMap               = "URLMap"
	KindSslCertificate       = "SslCertificate"
	KindSslPolicy            = "SslPolicy"
	KindTargetHTTPProxy      = "TargetHTTPProxy"
	KindTargetHTTPSProxy     = "TargetHTTPSProxy"
	KindForwardingRule       = "ForwardingRule"
	// KindFirewall and KindInstanceGroup are shared by the cluster's load balancers in a
	// project (see shared.go).
	KindFirewall      = "Firewall"
	KindInstanceGroup = "InstanceGroup"
)

// Kinds lists the kinds in dependency order: a resource refers only to kinds before its own.
var Kinds = []string{
	KindFirewall, KindAddress, KindHealthCheck, KindNetworkEndpointGroup, KindInstanceGroup, KindBackendService, KindURLMap,
	KindSslCertificate, KindSslPolicy, KindTargetHTTPProxy, KindTargetHTTPSProxy, KindForwardingRule,
}

// Pseudo-fields: what a resource holds that is not a field of its compute message.
const (
	// fieldZone is a network endpoint group's zone, part of its URL.
	fieldZone = "zone"
	// fieldEndpoints are a network endpoint group's endpoints, attached and detached apart
	// from the group.
	fieldEndpoints = "endpoints"
	// fieldInstances are an instance group's members, added and removed apart from the group.
	fieldInstances = "instances"
)

// kindInfo is what the plan needs to know of one kind.
type kindInfo struct {
	// collection is the kind's part of a resource URL.
	collection string
	// abbrev starts the names of the kind's resources (see providers.Namer).
	abbrev string
	// owned are the JSON names of the fields portico sets and compares.
	owned []string
	// immutable are those Google sets only at creation (a change replaces the resource).
	immutable []string
}

// kinds describes every kind. Descriptions hold ownership and never change; what Google
// cannot patch (an address, a certificate, a group's type) is immutable.
var kinds = map[string]kindInfo{
	KindAddress: {collection: "addresses", abbrev: "ad", owned: []string{"description"}, immutable: []string{"description"}},
	KindHealthCheck: {collection: "healthChecks", abbrev: "hc",
		owned: []string{"description", "type", "httpHealthCheck", "httpsHealthCheck", "http2HealthCheck", "checkIntervalSec", "timeoutSec", "healthyThreshold", "unhealthyThreshold"}},
	KindNetworkEndpointGroup: {collection: "networkEndpointGroups", abbrev: "neg",
		owned:     []string{"description", "networkEndpointType", "network", "subnetwork", fieldZone, fieldEndpoints},
		immutable: []string{"description", "networkEndpointType", "network", "subnetwork", fieldZone}},
	KindBackendService: {collection: "backendServices", abbrev: "bs",
		owned:     []string{"description", "loadBalancingScheme", "protocol", "portName", "timeoutSec", "healthChecks", "backends", "connectionDraining"},
		immutable: []string{"loadBalancingScheme"}},
	KindInstanceGroup: {collection: "instanceGroups", abbrev: "ig",
		owned:     []string{"description", "namedPorts", fieldZone, fieldInstances},
		immutable: []string{"description", fieldZone}},
	KindFirewall: {collection: "firewalls", abbrev: "fw",
		owned:     []string{"description", "network", "direction", "sourceRanges", "allowed"},
		immutable: []string{"description", "network", "direction"}},
	KindURLMap: {collection: "urlMaps", abbrev: "um",
		owned: []string{"description", "defaultService", "defaultRouteAction", "defaultUrlRedirect", "hostRules", "pathMatchers"}},
	// A certificate's name holds the hash of its content, so a new content is a new
	// certificate; the chain is not compared, as Google may report it re-encoded.
	KindSslCertificate:  {collection: "sslCertificates", abbrev: "cert", owned: []string{"description"}, immutable: []string{"description"}},
	KindTargetHTTPProxy: {collection: "targetHttpProxies", abbrev: "hp", owned: []string{"description", "urlMap"}, immutable: []string{"description"}},
	// An SSL policy is patched in place when the minimum TLS version changes.
	KindSslPolicy: {collection: "sslPolicies", abbrev: "ssl", owned: []string{"description", "profile", "minTlsVersion"}, immutable: []string{"description"}},
	KindTargetHTTPSProxy: {collection: "targetHttpsProxies", abbrev: "sp", owned: []string{"description", "urlMap", "sslCertificates", "sslPolicy"},
		immutable: []string{"description"}},
	KindForwardingRule: {collection: "forwardingRules", abbrev: "fr",
		owned:     []string{"description", "IPAddress", "IPProtocol", "portRange", "target", "loadBalancingScheme"},
		immutable: []string{"description", "IPAddress", "IPProtocol", "portRange", "loadBalancingScheme"}},
}
