package gcp

// Kinds of the resources of one load balancer, as the plan names them.
const (
	KindAddress              = "Address"
	KindHealthCheck          = "HealthCheck"
	KindNetworkEndpointGroup = "NetworkEndpointGroup"
	KindBackendService       = "BackendService"
	KindURLMap               = "URLMap"
	KindSslCertificate       = "SslCertificate"
	KindTargetHTTPProxy      = "TargetHTTPProxy"
	KindTargetHTTPSProxy     = "TargetHTTPSProxy"
	KindForwardingRule       = "ForwardingRule"
)

// Kinds lists the kinds in dependency order: a resource refers only to kinds before its own.
var Kinds = []string{
	KindAddress, KindHealthCheck, KindNetworkEndpointGroup, KindBackendService, KindURLMap,
	KindSslCertificate, KindTargetHTTPProxy, KindTargetHTTPSProxy, KindForwardingRule,
}

// Pseudo-fields: what a resource holds that is not a field of its compute message.
const (
	// fieldZone is a network endpoint group's zone, part of its URL.
	fieldZone = "zone"
	// fieldEndpoints are a network endpoint group's endpoints, attached and detached apart
	// from the group.
	fieldEndpoints = "endpoints"
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
		owned: []string{"description", "type", "httpHealthCheck", "checkIntervalSec", "timeoutSec", "healthyThreshold", "unhealthyThreshold"}},
	KindNetworkEndpointGroup: {collection: "networkEndpointGroups", abbrev: "neg",
		owned:     []string{"description", "networkEndpointType", fieldZone, fieldEndpoints},
		immutable: []string{"description", "networkEndpointType", fieldZone}},
	KindBackendService: {collection: "backendServices", abbrev: "bs",
		owned:     []string{"description", "loadBalancingScheme", "protocol", "timeoutSec", "healthChecks", "backends", "connectionDraining"},
		immutable: []string{"loadBalancingScheme"}},
	KindURLMap: {collection: "urlMaps", abbrev: "um",
		owned: []string{"description", "defaultService", "defaultRouteAction", "defaultUrlRedirect", "hostRules", "pathMatchers"}},
	// A certificate's name holds the hash of its content, so a new content is a new
	// certificate; the chain is not compared, as Google may report it re-encoded.
	KindSslCertificate:   {collection: "sslCertificates", abbrev: "cert", owned: []string{"description"}, immutable: []string{"description"}},
	KindTargetHTTPProxy:  {collection: "targetHttpProxies", abbrev: "hp", owned: []string{"description", "urlMap"}, immutable: []string{"description"}},
	KindTargetHTTPSProxy: {collection: "targetHttpsProxies", abbrev: "sp", owned: []string{"description", "urlMap", "sslCertificates"}, immutable: []string{"description"}},
	KindForwardingRule: {collection: "forwardingRules", abbrev: "fr",
		owned:     []string{"description", "IPAddress", "IPProtocol", "portRange", "target", "loadBalancingScheme"},
		immutable: []string{"description", "IPAddress", "IPProtocol", "portRange", "loadBalancingScheme"}},
}
