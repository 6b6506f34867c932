package aws

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// site is where and how a load balancer's resources are made, from its class and the
// provider's defaults, with the subnets already discovered.
type site struct {
	region string
	vpc    string
	scheme string
	// subnets are the load balancer's subnets, one per zone; subnetErr says why there are
	// none, which blocks the load balancer (and what uses it) with that error.
	subnets   []string
	subnetErr error
	// tags are the class's spec.aws.tags, added to every resource.
	tags map[string]string
	// nodeGroups are the nodes' security groups, which the load balancer must reach.
	nodeGroups []string
	// cidrs are the VPC's address blocks: a pod IP outside them is registered in every
	// zone ("all"), as AWS wants for a peered or on-premises address.
	cidrs []netip.Prefix
	// discovered maps each host of a discovered certificate entry to the ACM certificate
	// found for it; discoverErr names the hosts none was found for.
	discovered  map[string]string
	discoverErr error
}

// inVPC reports whether an IP is in the VPC; true when the VPC's blocks are not known.
func (s site) inVPC(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil || len(s.cidrs) == 0 {
		return true
	}
	for _, p := range s.cidrs {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// config is what the translation needs besides the load balancer.
type config struct {
	cluster string
	namer   providers.Namer
	site
}

// builder accumulates the graph of one load balancer.
type builder struct {
	cfg  config
	want *providers.Desired
	g    plan.Graph
	// tgs maps each backend to the name of its target group.
	tgs map[string]string
}

// graph translates a load balancer into the resources it needs in scope (its location). It
// does no I/O.
func (c config) graph(want *providers.Desired, scope string) (plan.Graph, error) {
	if want == nil || want.Ref.Name == "" {
		return plan.Graph{}, providers.Invalid("LoadBalancerNameMissing", nil, "the desired load balancer has no name")
	}
	if c.vpc == "" {
		return plan.Graph{}, providers.Invalid("VPCMissing", nil, "no VPC: set spec.aws.vpc in the IngressClassParams, or --aws-vpc")
	}
	b := &builder{cfg: c, want: want, g: plan.Graph{Scope: scope, Blocked: map[plan.Key]error{}}, tgs: map[string]string{}}
	sg := b.addSecurityGroup()
	groups := []plan.Key{sg}
	if backend, ok := b.addBackend(); ok {
		groups = append(groups, backend)
	}
	for _, be := range want.Spec.Backends {
		b.addTargetGroup(be)
	}
	if !want.Spec.Frontends.HTTP && !want.Spec.Frontends.HTTPS {
		return b.g, nil
	}
	lb := b.addLoadBalancer(groups...)
	if err := b.addListeners(lb); err != nil {
		return plan.Graph{}, err
	}
	return b.g, nil
}

// name returns the name of one of the load balancer's resources.
func (b *builder) name(kind string, parts ...string) string {
	return b.cfg.namer.Name(abbrevs[kind], b.want.Ref.Name, parts...)
}

// tags returns the tags of a resource: the class's, then the owner's (which nothing
// overrides, as ownership is read from them), then extra.
func (b *builder) tags(extra map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range b.cfg.tags {
		if !strings.HasPrefix(k, "portico.dev/") && !strings.HasPrefix(strings.ToLower(k), "aws:") {
			out[k] = v
		}
	}
	maps.Copy(out, providers.Owner{ClusterID: b.cfg.cluster, LoadBalancer: b.want.Ref.Name}.Tags())
	maps.Copy(out, extra)
	return out
}

// add puts a resource into the graph.
func (b *builder) add(kind, name, summary string, spec any, refs ...plan.Key) plan.Key {
	k := plan.Key{Kind: kind, Name: name}
	b.g.Resources = append(b.g.Resources, plan.Resource{
		Key: k, Fields: fieldsOf(spec), Immutable: immutable[kind], Refs: refs, Summary: summary, Spec: spec,
	})
	return k
}

// addSecurityGroup adds the load balancer's security group, open on its listener ports.
func (b *builder) addSecurityGroup() plan.Key {
	name := b.name(KindSecurityGroup)
	spec := sgSpec{Create: &ec2CreateSG{GroupName: name, VpcID: b.cfg.vpc, Tags: b.tags(nil),
		Description: "portico load balancer " + b.want.Ref.Name}}
	fe := b.want.Spec.Frontends
	ranges := clientRanges(b.want.Spec)
	for _, port := range []int32{80, 443} {
		if port == 80 && fe.HTTP || port == 443 && fe.HTTPS {
			spec.Ingress = append(spec.Ingress, listenerIngress(port, ranges))
		}
	}
	return b.add(KindSecurityGroup, name, "security group of the load balancer in "+b.cfg.vpc, spec)
}

// addLoadBalancer adds the ALB. Its scheme is part of its name: AWS cannot change it, so
// a new scheme is a new load balancer, made before the old one goes.
func (b *builder) addLoadBalancer(groups ...plan.Key) plan.Key {
	scheme := b.cfg.scheme
	name := b.name(KindLoadBalancer, digest(scheme))
	var names []string
	for _, g := range groups {
		names = append(names, g.Name)
	}
	spec := lbSpec{SecurityGroups: names, Create: &elbv2.CreateLoadBalancerInput{
		Name: aws.String(name), Type: elbtypes.LoadBalancerTypeEnumApplication, Scheme: elbtypes.LoadBalancerSchemeEnum(scheme),
		IpAddressType: addressType(b.want.Spec), Subnets: slices.Clone(b.cfg.subnets), Tags: elbTags(b.tags(nil)),
	}}
	k := b.add(KindLoadBalancer, name, scheme+" Application Load Balancer", spec, groups...)
	if b.cfg.subnetErr != nil {
		b.g.Blocked[k] = b.cfg.subnetErr
	}
	return k
}

// addressType is the ALB's IP address type: dualstack when the spec asks, else ipv4.
func addressType(spec v1alpha1.LoadBalancerSpec) elbtypes.IpAddressType {
	if spec.IPAddressType == v1alpha1.IPAddressTypeDualstack {
		return elbtypes.IpAddressTypeDualstack
	}
	return elbtypes.IpAddressTypeIpv4
}

// schemeOf is the load balancer's scheme: the spec's, else the class's, else internet-facing.
func schemeOf(spec v1alpha1.LoadBalancerSpec, params *v1alpha1.IngressClassParamsSpec) string {
	var class string
	if params != nil && params.AWS != nil {
		class = params.AWS.Scheme
	}
	return cmp.Or(spec.Scheme, class, v1alpha1.SchemeInternetFacing)
}

// itoa formats a port.
func itoa(n int32) string { return fmt.Sprint(n) }
