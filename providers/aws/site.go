package aws

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/snapshot"
)

// Subnet role tags, as EKS and the AWS Load Balancer Controller document them.
const (
	tagRoleELB         = "kubernetes.io/role/elb"
	tagRoleInternalELB = "kubernetes.io/role/internal-elb"
	tagClusterPrefix   = "kubernetes.io/cluster/"
)

// netItem is a subnet, a security group, a VPC's block or an ACM certificate, as the site
// reads them.
type netItem struct {
	ID   string
	Zone string
	Tags map[string]string
	// Cert is the certificate's summary, for an item of kind "acm".
	Cert *acmCertificate
}

// siteReads reads the subnets and the nodes' security groups of a VPC, one call per VPC
// and kind shared by every load balancer (the snapshot's "kind" is "subnets|VPC|ROLE" or
// "nodegroups|VPC").
func newSiteCache(p *Provider, c caller) *snapshot.Cache[netItem] {
	return snapshot.New(snapshot.Options[netItem]{
		List: func(ctx context.Context, region, kind string) ([]netItem, error) {
			cs, err := p.clients.get(ctx, region)
			if err != nil {
				return nil, err
			}
			parts := strings.SplitN(kind, "|", 3)
			switch parts[0] {
			case "subnets":
				return listSubnets(ctx, c, cs, parts[1], parts[2])
			case "vpc":
				return listCIDRs(ctx, c, cs, parts[1])
			case "acm":
				return listACM(ctx, c, cs)
			}
			return listNodeGroups(ctx, c, cs, parts[1], p.opts.ClusterName)
		},
		Name:  func(n netItem) string { return n.ID },
		Group: func(netItem) string { return "" },
		TTL:   p.opts.SnapshotTTL, Clock: p.opts.Clock,
	})
}

func listSubnets(ctx context.Context, c caller, cs *Clients, vpc, role string) ([]netItem, error) {
	in := &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpc}}, {Name: aws.String("tag-key"), Values: []string{role}},
	}}
	var out []netItem
	for {
		var resp *ec2.DescribeSubnetsOutput
		err := c.read(ctx, "ec2.DescribeSubnets", "describe subnets of "+vpc, func() (err error) {
			resp, err = cs.EC2.DescribeSubnets(ctx, in)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, s := range resp.Subnets {
			out = append(out, netItem{ID: aws.ToString(s.SubnetId), Zone: aws.ToString(s.AvailabilityZone), Tags: ec2TagMap(s.Tags)})
		}
		if in.NextToken = resp.NextToken; aws.ToString(in.NextToken) == "" {
			return out, nil
		}
	}
}

// listCIDRs reads the CIDR blocks of a VPC, each an item.
func listCIDRs(ctx context.Context, c caller, cs *Clients, vpc string) ([]netItem, error) {
	var resp *ec2.DescribeVpcsOutput
	err := c.read(ctx, "ec2.DescribeVpcs", "describe "+vpc, func() (err error) {
		resp, err = cs.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{vpc}})
		return err
	})
	if providers.IsNotFound(err) {
		return nil, providers.Invalid("VPCNotFound", err, "the VPC %s does not exist: check spec.aws.vpc or --aws-vpc", vpc)
	}
	if err != nil {
		return nil, err
	}
	var out []netItem
	for _, v := range resp.Vpcs {
		for _, b := range v.CidrBlockAssociationSet {
			out = append(out, netItem{ID: aws.ToString(b.CidrBlock)})
		}
		if len(v.CidrBlockAssociationSet) == 0 && v.CidrBlock != nil {
			out = append(out, netItem{ID: aws.ToString(v.CidrBlock)})
		}
	}
	return out, nil
}

func listNodeGroups(ctx context.Context, c caller, cs *Clients, vpc, cluster string) ([]netItem, error) {
	in := &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpc}}, {Name: aws.String("tag-key"), Values: []string{tagClusterPrefix + cluster}},
	}}
	var out []netItem
	for {
		var resp *ec2.DescribeSecurityGroupsOutput
		err := c.read(ctx, "ec2.DescribeSecurityGroups", "describe the nodes' security groups of "+vpc, func() (err error) {
			resp, err = cs.EC2.DescribeSecurityGroups(ctx, in)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, g := range resp.SecurityGroups {
			out = append(out, netItem{ID: aws.ToString(g.GroupId), Tags: ec2TagMap(g.Tags)})
		}
		if in.NextToken = resp.NextToken; aws.ToString(in.NextToken) == "" {
			return out, nil
		}
	}
}

// site resolves where a load balancer lives: region, VPC, scheme, subnets and the nodes'
// security groups. Subnets that cannot be found block the ALB with an error a user can act
// on; they fail nothing else.
func (p *Provider) site(ctx context.Context, region string, want *providers.Desired) (site, error) {
	aws := &v1alpha1.AWSParams{}
	if want.Params != nil && want.Params.AWS != nil {
		aws = want.Params.AWS
	}
	s := site{region: region, vpc: cmp.Or(aws.VPC, p.opts.VPC), scheme: schemeOf(want.Spec, want.Params), tags: aws.Tags}
	if s.vpc == "" {
		return s, nil // the graph says what is missing
	}
	// The load balancer's own subnets (the portico.dev/subnets annotation) come before the
	// class's.
	subnets := want.Spec.Subnets
	if len(subnets) == 0 {
		subnets = aws.Subnets
	}
	for _, id := range subnets {
		s.subnets = append(s.subnets, string(id))
	}
	if len(s.subnets) == 0 {
		subnets, err := p.discoverSubnets(ctx, region, s.vpc, s.scheme)
		if err != nil && !providers.IsInvalid(err) {
			return s, err
		}
		s.subnets, s.subnetErr = subnets, err
	}
	if err := p.discover(ctx, region, want, &s); err != nil {
		return s, err
	}
	cidrs, err := p.nets.All(ctx, region, "vpc|"+s.vpc)
	if err != nil {
		return s, fmt.Errorf("read the VPC: %w", err)
	}
	for _, c := range cidrs {
		if pfx, err := netip.ParsePrefix(c.ID); err == nil {
			s.cidrs = append(s.cidrs, pfx)
		}
	}
	s.nodeGroups = slices.Clone(p.opts.NodeSecurityGroups)
	if p.opts.ClusterName != "" {
		groups, err := p.nets.All(ctx, region, "nodegroups|"+s.vpc)
		if err != nil {
			return s, fmt.Errorf("read the nodes' security groups: %w", err)
		}
		for _, g := range groups {
			if !slices.Contains(s.nodeGroups, g.ID) {
				s.nodeGroups = append(s.nodeGroups, g.ID)
			}
		}
	}
	return s, nil
}

// managesNodeRules reports whether the provider lets load balancers into nodes' security
// groups: only then does it read (and delete) such rules.
func (p *Provider) managesNodeRules() bool {
	return p.opts.ClusterName != "" || len(p.opts.NodeSecurityGroups) > 0
}

// discoverSubnets finds the subnets of the scheme's role in the VPC, one per zone, leaving
// out those another cluster claims. An ALB needs two zones at least.
func (p *Provider) discoverSubnets(ctx context.Context, region, vpc, scheme string) ([]string, error) {
	role := tagRoleELB
	if scheme == v1alpha1.SchemeInternal {
		role = tagRoleInternalELB
	}
	all, err := p.nets.All(ctx, region, "subnets|"+vpc+"|"+role)
	if err != nil {
		return nil, fmt.Errorf("discover subnets: %w", err)
	}
	return pickSubnets(all, p.opts.ClusterName, vpc, role)
}

// pickSubnets chooses one subnet per zone: one tagged for this cluster first, then the
// lowest ID, so that the choice is the same on every pass.
func pickSubnets(all []netItem, cluster, vpc, role string) ([]string, error) {
	byZone := map[string]netItem{}
	for _, s := range all {
		if claimedByOther(s.Tags, cluster) {
			continue
		}
		cur, ok := byZone[s.Zone]
		if !ok || better(s, cur, cluster) {
			byZone[s.Zone] = s
		}
	}
	if len(byZone) < 2 {
		return nil, providers.Invalid("SubnetsNotFound", nil,
			"found subnets in %d Availability Zone(s) of %s tagged %s; an Application Load Balancer needs two: tag subnets in two zones, or list them in spec.aws.subnets of the IngressClassParams",
			len(byZone), vpc, role)
	}
	out := make([]string, 0, len(byZone))
	for _, s := range byZone {
		out = append(out, s.ID)
	}
	slices.Sort(out)
	return out, nil
}

// claimedByOther reports whether a subnet is tagged for another cluster and not this one;
// never when this cluster's name is not known, as nothing then tells another from it.
func claimedByOther(tags map[string]string, cluster string) bool {
	if cluster == "" {
		return false
	}
	mine, other := false, false
	for k := range tags {
		if name, ok := strings.CutPrefix(k, tagClusterPrefix); ok {
			if name == cluster {
				mine = true
			} else {
				other = true
			}
		}
	}
	return other && !mine
}

func better(a, b netItem, cluster string) bool {
	_, am := a.Tags[tagClusterPrefix+cluster]
	_, bm := b.Tags[tagClusterPrefix+cluster]
	if am != bm {
		return am && cluster != ""
	}
	return a.ID < b.ID
}
