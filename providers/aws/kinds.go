package aws

// Kinds of the resources of one load balancer, as the plan names them.
const (
	KindSecurityGroup     = "SecurityGroup"
	KindSecurityGroupRule = "SecurityGroupRule"
	KindTargetGroup       = "TargetGroup"
	KindCertificate       = "Certificate"
	KindLoadBalancer      = "LoadBalancer"
	KindListener          = "Listener"
	// KindListenerRules is the ordered rules of one listener, one resource: they are
	// renumbered together (one SetRulePriorities call), so that traffic never passes
	// through a half-renumbered listener.
	KindListenerRules = "ListenerRules"
	// KindListenerRule is one rule of a listener, as Observed lists them (and AWS holds
	// them); the plan handles the rules of a listener together, as KindListenerRules.
	KindListenerRule = "ListenerRule"
)

// Kinds lists the kinds in dependency order: a resource refers only to kinds before its own.
var Kinds = []string{
	KindSecurityGroup, KindSecurityGroupRule, KindTargetGroup, KindCertificate,
	KindLoadBalancer, KindListener, KindListenerRules,
}

// ListedKinds are the kinds read in one batched call per location (and tags in batches of
// 20): every other kind is read per load balancer (listeners, their rules) or per target
// group (its targets), where AWS has no batch read.
var ListedKinds = []string{KindSecurityGroup, KindSecurityGroupRule, KindTargetGroup, KindCertificate, KindLoadBalancer}

// Abbreviations that start the names of each kind (see providers.Namer).
var abbrevs = map[string]string{
	KindSecurityGroup: "sg", KindSecurityGroupRule: "sgr", KindTargetGroup: "tg", KindCertificate: "cert",
	KindLoadBalancer: "lb", KindListener: "ls", KindListenerRules: "rules",
}

// Field names of the canonical fields each kind owns.
const (
	fieldVPC         = "vpc"
	fieldDescription = "description"
	fieldIngress     = "ingress"
	fieldGroup       = "group"
	fieldSource      = "source"
	fieldPorts       = "ports"
	fieldProtocol    = "protocol"
	fieldVersion     = "protocolVersion"
	fieldPort        = "port"
	fieldTargetType  = "targetType"
	fieldHealthCheck = "healthCheck"
	fieldTargets     = "targets"
	fieldHash        = "hash"
	fieldScheme      = "scheme"
	fieldAddressType = "ipAddressType"
	fieldSubnets     = "subnets"
	fieldGroups      = "securityGroups"
	fieldSSLPolicy   = "sslPolicy"
	fieldCerts       = "certificates"
	fieldDefault     = "defaultAction"
	fieldRules       = "rules"
)

// immutable lists the fields AWS sets only at creation: a change replaces the resource.
// Target groups and load balancers carry theirs in their names (see names.go), so a change
// makes a new resource beside the old one, which goes once nothing uses it.
var immutable = map[string][]string{
	KindSecurityGroup:     {fieldVPC, fieldDescription},
	KindSecurityGroupRule: {fieldGroup, fieldSource, fieldPorts},
	KindTargetGroup:       {fieldVPC, fieldProtocol, fieldVersion, fieldPort, fieldTargetType},
	KindCertificate:       {fieldHash},
	KindLoadBalancer:      {fieldScheme},
	KindListener:          {fieldPort},
}
