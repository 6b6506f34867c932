package model

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Annotations that shape the load balancer's network side: who may connect, on which
// address family, from which subnets, and with which TLS policy. Each is one value per load
// balancer; the cloud providers honour them as their docs say (AWS today).
const (
	AnnotationInboundCIDRs  = AnnotationPrefix + "inbound-cidrs"
	AnnotationIPAddressType = AnnotationPrefix + "ip-address-type"
	AnnotationSubnets       = AnnotationPrefix + "subnets"
	AnnotationSSLPolicy     = AnnotationPrefix + "ssl-policy"
)

// Limits of the list annotations, as the LoadBalancer resource's schema sets them.
const (
	maxInboundCIDRs = 20
	maxSubnets      = 16
)

var (
	subnetID   = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	policyName = regexp.MustCompile(`^[A-Za-z0-9][-A-Za-z0-9_.]{0,127}$`)
)

var inboundCIDRsAnnotation = AnnotationDef{
	Name: AnnotationInboundCIDRs, Type: "list", Default: "every address: 0.0.0.0/0 (and ::/0 for dualstack)", Scope: ScopeLoadBalancer,
	Allowed: fmt.Sprintf("a comma-separated list of at most %d IPv4 or IPv6 ranges in CIDR notation", maxInboundCIDRs),
	Description: "The client address ranges the listeners accept. On AWS they are the ingress rules of the load balancer's security group. " +
		"GCP and nginx do not honour it yet.",
	Example: "10.0.0.0/8,192.168.0.0/16",
	parse: func(v string, s *settings) string {
		items, msg := splitList(v, maxInboundCIDRs, "ranges")
		if msg != "" {
			return msg
		}
		for _, item := range items {
			p, err := netip.ParsePrefix(item)
			if err != nil {
				return fmt.Sprintf("%s is not an address range in CIDR notation", quote(item))
			}
			if p.Masked() != p {
				return fmt.Sprintf("%s has host bits set; write %s", quote(item), p.Masked())
			}
		}
		s.inboundCIDRs = strings.Join(items, ",")
		return ""
	},
}

var ipAddressTypeAnnotation = enumAnnotation(AnnotationIPAddressType, "ipv4", ScopeLoadBalancer,
	[]string{v1alpha1.IPAddressTypeIPv4, v1alpha1.IPAddressTypeDualstack},
	"Whether the load balancer answers on IPv4 only or on IPv4 and IPv6. On AWS dualstack needs subnets with IPv6 ranges.",
	"dualstack", func(s *settings, v string) { s.ipAddressType = v })

var subnetsAnnotation = AnnotationDef{
	Name: AnnotationSubnets, Type: "list", Default: "the class's IngressClassParams spec.aws.subnets, else the subnets tagged for the scheme's role", Scope: ScopeLoadBalancer,
	Allowed:     fmt.Sprintf("a comma-separated list of at most %d subnet IDs, one per Availability Zone", maxSubnets),
	Description: "The subnets an AWS load balancer is placed in; an Application Load Balancer needs two Availability Zones or more.",
	Example:     "subnet-0a1b2c3d4e5f60718,subnet-0f1e2d3c4b5a69788",
	parse: func(v string, s *settings) string {
		items, msg := splitList(v, maxSubnets, "subnets")
		if msg != "" {
			return msg
		}
		for _, item := range items {
			if !subnetID.MatchString(item) {
				return fmt.Sprintf("%s is not a subnet ID (subnet- and 8 to 17 hex digits)", quote(item))
			}
		}
		s.subnets = strings.Join(items, ",")
		return ""
	},
}

var sslPolicyAnnotation = AnnotationDef{
	Name: AnnotationSSLPolicy, Type: "string", Default: "the policy min-tls-version asks for, else the provider's default", Scope: ScopeLoadBalancer,
	Allowed:     "a TLS policy name of the provider: letters, digits and -_. (on AWS an ELBSecurityPolicy)",
	Description: "The TLS policy of the HTTPS listener, by the provider's own name; it takes precedence over min-tls-version. GCP and nginx do not honour it yet.",
	Example:     "ELBSecurityPolicy-TLS13-1-2-2021-06",
	parse: func(v string, s *settings) string {
		if !policyName.MatchString(v) {
			return fmt.Sprintf("%s is not a TLS policy name", quote(v))
		}
		s.sslPolicy = v
		return ""
	},
}

// splitList splits a comma-separated annotation value, trimming spaces; an empty item or
// more than max items is an error.
func splitList(v string, max int, what string) ([]string, string) {
	items := strings.Split(v, ",")
	if len(items) > max {
		return nil, fmt.Sprintf("%d %s are listed; at most %d are allowed", len(items), what, max)
	}
	for i, item := range items {
		items[i] = strings.TrimSpace(item)
		if items[i] == "" {
			return nil, "the list has an empty item"
		}
	}
	return items, ""
}

// splitClaim is the list a claim records as a comma-separated value.
func splitClaim(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}
