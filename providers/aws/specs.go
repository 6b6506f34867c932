package aws

import (
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws/albrules"
)

// The specs below are what the plan carries for each kind: the SDK's own Create* input
// (what portico sends, or for an observed resource what AWS holds in the same shape), plus
// what AWS takes in calls of their own (a security group's ingress, a target group's
// targets) and, once it exists, its ID or ARN. References to other resources of the load
// balancer are by name in the plan and resolved to IDs and ARNs only when written, as the
// resources they name may not exist yet.

// sgSpec is the load balancer's security group and its ingress rules.
type sgSpec struct {
	Create  *ec2CreateSG
	Ingress []ec2types.IpPermission
	ID      string
}

// ec2CreateSG is the part of ec2.CreateSecurityGroupInput the provider sets.
type ec2CreateSG struct {
	GroupName   string
	Description string
	VpcID       string
	Tags        map[string]string
}

// sgRuleSpec lets the load balancer's group reach a nodes' group on the target ports.
type sgRuleSpec struct {
	// Group is the nodes' security group ID, which the rule is added to.
	Group string
	// Source is the name of the load balancer's security group (a resource of the plan).
	Source   string
	From, To int32
	// Tags are its owner's, which it is created with as its source group is: AWS lists a
	// group's rules without tags, so a rule is owned by the owner of its source group.
	Tags map[string]string
	// SourceID is the source group's ID once it exists.
	SourceID string
}

// tgSpec is a target group and the targets registered in it.
type tgSpec struct {
	Create  *elbv2.CreateTargetGroupInput
	Targets []elbtypes.TargetDescription
	// Backend is the spec's backend it serves; Service is "namespace/name:port" of its
	// Kubernetes Service. Neither is known of one read from AWS but by its tags.
	Backend string
	Service string
	ARN     string
	// Health is what AWS said of the targets when they were read.
	Health []elbtypes.TargetHealthDescription
}

// certSpec is a TLS Secret imported into ACM. Its key is read only through Key, and only
// when the certificate is imported.
type certSpec struct {
	Secret  string
	Hash    string
	CertPEM []byte
	Key     providers.KeyLoader
	Tags    map[string]string
	ARN     string
}

// lbSpec is the Application Load Balancer.
type lbSpec struct {
	Create *elbv2.CreateLoadBalancerInput
	// SecurityGroups are the names of its security groups (resources of the plan).
	SecurityGroups []string
	ARN            string
	DNSName        string
	State          string
}

// action is where a listener or rule sends a request: a target group (by the name of its
// resource), a fixed status, or a redirect to HTTPS.
type action struct {
	TargetGroup string `json:"targetGroup,omitempty"`
	FixedStatus int32  `json:"fixedStatus,omitempty"`
	Redirect    bool   `json:"redirect,omitempty"`
}

// certRef is a certificate of a listener: an imported one (by the name of its resource) or
// a user's ACM ARN.
type certRef struct {
	Resource string
	ARN      string
}

// listenerSpec is a listener of the load balancer.
type listenerSpec struct {
	LoadBalancer string // the name of the load balancer resource
	Port         int32
	Protocol     elbtypes.ProtocolEnum
	SSLPolicy    string
	// Certificates are the HTTPS listener's certificates, the default one first.
	Certificates []certRef
	Default      action
	Tags         map[string]string
	ARN          string
}

// ruleSpec is one rule of a listener: an albrules.Rule whose action's Backend names the
// target group resource (not the spec's backend), at its priority.
type ruleSpec struct {
	Rule     albrules.Rule
	Priority int32
	ARN      string
}

// rulesSpec is the ordered rules of one listener.
type rulesSpec struct {
	Listener string // the name of the listener resource
	Rules    []ruleSpec
	Tags     map[string]string
}
