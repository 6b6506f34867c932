package aws

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/snapshot"
)

// Page sizes: the most each describe call returns.
const (
	elbPageSize = 400
	tagBatch    = 20
	ec2PageSize = 1000
)

// reads are the provider's shared reads: one batched read per region and kind (load
// balancers and target groups with their tags in batches of 20, security groups and their
// rules and certificates by the cluster's tag), grouped by owner, so that one load balancer
// reads its own resources without a call. What AWS reads only per load balancer (listeners,
// rules) or per target group (targets and their health) is read through caches that the
// provider's own writes keep current (details.go, targets.go).
type reads struct {
	p       *Provider
	c       caller
	cache   *snapshot.Cache[plan.Resource]
	details detailCache
	targets targetCache
	// certTags are the tags of each ACM certificate read, by ARN: portico never changes the
	// tags of a certificate it imported, so each is read once per process.
	certTags tagMemory
}

func newReads(p *Provider) *reads {
	r := &reads{p: p, c: caller{observer: p.opts.Observer, limiter: p.opts.Limiter}}
	r.details.entries = map[string]*lbDetails{}
	r.targets.entries = map[string]*tgTargets{}
	r.certTags.byARN = map[string]map[string]string{}
	r.cache = snapshot.New(snapshot.Options[plan.Resource]{
		List:  r.list,
		Name:  func(res plan.Resource) string { return res.Name },
		Group: ownerGroup,
		TTL:   p.opts.SnapshotTTL, Clock: p.opts.Clock,
	})
	return r
}

// kinds are the kinds listed per region: security group rules only where the provider
// knows the nodes' groups, as it makes none otherwise.
func (r *reads) kinds() []string {
	var out []string
	for _, k := range ListedKinds {
		if k == KindSecurityGroupRule && !r.p.managesNodeRules() {
			continue
		}
		out = append(out, k)
	}
	return out
}

// ownerOf reads a resource's owner from its tags.
func ownerOf(r plan.Resource) (providers.Owner, bool) {
	return providers.OwnerFromTags(tagsOf(r.Spec))
}

func tagsOf(spec any) map[string]string {
	switch s := spec.(type) {
	case sgSpec:
		return s.Create.Tags
	case sgRuleSpec:
		return s.Tags
	case tgSpec:
		return tagMap(s.Create.Tags)
	case certSpec:
		return s.Tags
	case lbSpec:
		return tagMap(s.Create.Tags)
	case listenerSpec:
		return s.Tags
	case rulesSpec:
		return s.Tags
	}
	return nil
}

// ownerGroup is the snapshot group of a resource: "cluster/load balancer" of its owner.
func ownerGroup(r plan.Resource) string {
	if o, ok := ownerOf(r); ok {
		return groupOf(o)
	}
	return ""
}

func groupOf(o providers.Owner) string { return o.ClusterID + "/" + o.LoadBalancer }

// list reads every resource of a kind of this cluster in a region.
func (r *reads) list(ctx context.Context, region, kind string) ([]plan.Resource, error) {
	cs, err := r.p.clients.get(ctx, region)
	if err != nil {
		return nil, err
	}
	switch kind {
	case KindLoadBalancer:
		return r.listLoadBalancers(ctx, cs)
	case KindTargetGroup:
		return r.listTargetGroups(ctx, cs)
	case KindSecurityGroup:
		return r.listSecurityGroups(ctx, cs)
	case KindSecurityGroupRule:
		return r.listSecurityGroupRules(ctx, region, cs)
	case KindCertificate:
		return r.listCertificates(ctx, cs)
	}
	return nil, fmt.Errorf("list %s: unknown kind", kind)
}

// observed is a resource as AWS reports it.
func observed(kind, name string, spec any) plan.Resource {
	return plan.Resource{Key: plan.Key{Kind: kind, Name: name}, Fields: fieldsOf(spec), Immutable: immutable[kind], Spec: spec}
}

func (r *reads) listLoadBalancers(ctx context.Context, cs *Clients) ([]plan.Resource, error) {
	prefix := r.p.namer.Prefix(abbrevs[KindLoadBalancer])
	var lbs []elbtypes.LoadBalancer
	var marker *string
	for {
		var out *elbv2.DescribeLoadBalancersOutput
		err := r.c.read(ctx, "elbv2.DescribeLoadBalancers", "describe load balancers", func() (err error) {
			out, err = cs.ELBV2.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Marker: marker, PageSize: aws.Int32(elbPageSize)})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, lb := range out.LoadBalancers {
			if strings.HasPrefix(aws.ToString(lb.LoadBalancerName), prefix) && lb.Type == elbtypes.LoadBalancerTypeEnumApplication {
				lbs = append(lbs, lb)
			}
		}
		if marker = out.NextMarker; aws.ToString(marker) == "" {
			break
		}
	}
	arns := make([]string, 0, len(lbs))
	for _, lb := range lbs {
		arns = append(arns, aws.ToString(lb.LoadBalancerArn))
	}
	tags, err := r.elbTags(ctx, cs, arns)
	if err != nil {
		return nil, err
	}
	var res []plan.Resource
	for _, lb := range lbs {
		t := tags[aws.ToString(lb.LoadBalancerArn)]
		if tagMap(t)[providers.TagCluster] != r.p.opts.ClusterID {
			continue
		}
		res = append(res, observed(KindLoadBalancer, aws.ToString(lb.LoadBalancerName), lbOf(lb, t)))
	}
	return res, nil
}

// lbOf is a load balancer as read, its security groups by ID until owned() names them.
func lbOf(lb elbtypes.LoadBalancer, tags []elbtypes.Tag) lbSpec {
	var subnets []string
	for _, z := range lb.AvailabilityZones {
		subnets = append(subnets, aws.ToString(z.SubnetId))
	}
	s := lbSpec{
		Create: &elbv2.CreateLoadBalancerInput{Name: lb.LoadBalancerName, Type: lb.Type, Scheme: lb.Scheme, IpAddressType: lb.IpAddressType,
			Subnets: subnets, SecurityGroups: lb.SecurityGroups, Tags: tags},
		SecurityGroups: lb.SecurityGroups, ARN: aws.ToString(lb.LoadBalancerArn), DNSName: aws.ToString(lb.DNSName),
	}
	if lb.State != nil {
		s.State = string(lb.State.Code)
	}
	return s
}

func (r *reads) listTargetGroups(ctx context.Context, cs *Clients) ([]plan.Resource, error) {
	prefix := r.p.namer.Prefix(abbrevs[KindTargetGroup])
	var tgs []elbtypes.TargetGroup
	var marker *string
	for {
		var out *elbv2.DescribeTargetGroupsOutput
		err := r.c.read(ctx, "elbv2.DescribeTargetGroups", "describe target groups", func() (err error) {
			out, err = cs.ELBV2.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{Marker: marker, PageSize: aws.Int32(elbPageSize)})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, tg := range out.TargetGroups {
			if strings.HasPrefix(aws.ToString(tg.TargetGroupName), prefix) {
				tgs = append(tgs, tg)
			}
		}
		if marker = out.NextMarker; aws.ToString(marker) == "" {
			break
		}
	}
	arns := make([]string, 0, len(tgs))
	for _, tg := range tgs {
		arns = append(arns, aws.ToString(tg.TargetGroupArn))
	}
	tags, err := r.elbTags(ctx, cs, arns)
	if err != nil {
		return nil, err
	}
	var res []plan.Resource
	for _, tg := range tgs {
		t := tags[aws.ToString(tg.TargetGroupArn)]
		if tagMap(t)[providers.TagCluster] != r.p.opts.ClusterID {
			continue
		}
		res = append(res, observed(KindTargetGroup, aws.ToString(tg.TargetGroupName), tgOf(tg, t)))
	}
	return res, nil
}

// tgOf is a target group as read, without its targets (read apart, per group).
func tgOf(tg elbtypes.TargetGroup, tags []elbtypes.Tag) tgSpec {
	in := &elbv2.CreateTargetGroupInput{
		Name: tg.TargetGroupName, Protocol: tg.Protocol, ProtocolVersion: tg.ProtocolVersion, Port: tg.Port, TargetType: tg.TargetType,
		VpcId: tg.VpcId, Tags: tags, HealthCheckEnabled: tg.HealthCheckEnabled, HealthCheckProtocol: tg.HealthCheckProtocol,
		HealthCheckPath: tg.HealthCheckPath, HealthCheckPort: tg.HealthCheckPort, HealthCheckIntervalSeconds: tg.HealthCheckIntervalSeconds,
		HealthCheckTimeoutSeconds: tg.HealthCheckTimeoutSeconds, HealthyThresholdCount: tg.HealthyThresholdCount,
		UnhealthyThresholdCount: tg.UnhealthyThresholdCount, Matcher: tg.Matcher,
	}
	return tgSpec{Create: in, Service: tagMap(tags)[TagService], ARN: aws.ToString(tg.TargetGroupArn)}
}

// elbTags reads the tags of load balancers or target groups, 20 ARNs a call.
func (r *reads) elbTags(ctx context.Context, cs *Clients, arns []string) (map[string][]elbtypes.Tag, error) {
	out := map[string][]elbtypes.Tag{}
	for i := 0; i < len(arns); i += tagBatch {
		batch := arns[i:min(i+tagBatch, len(arns))]
		var resp *elbv2.DescribeTagsOutput
		err := r.c.read(ctx, "elbv2.DescribeTags", "describe tags", func() (err error) {
			resp, err = cs.ELBV2.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: batch})
			return err
		})
		if providers.IsNotFound(err) {
			// One of the batch was deleted since it was listed: read the rest one by one.
			if err = r.elbTagsOneByOne(ctx, cs, batch, out); err == nil {
				continue
			}
		}
		if err != nil {
			return nil, err
		}
		for _, d := range resp.TagDescriptions {
			out[aws.ToString(d.ResourceArn)] = d.Tags
		}
	}
	return out, nil
}

func (r *reads) elbTagsOneByOne(ctx context.Context, cs *Clients, arns []string, out map[string][]elbtypes.Tag) error {
	for _, a := range arns {
		var resp *elbv2.DescribeTagsOutput
		err := r.c.read(ctx, "elbv2.DescribeTags", "describe tags of "+a, func() (err error) {
			resp, err = cs.ELBV2.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: []string{a}})
			return err
		})
		if providers.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		for _, d := range resp.TagDescriptions {
			out[aws.ToString(d.ResourceArn)] = d.Tags
		}
	}
	return nil
}

// clusterFilter selects the EC2 resources tagged for this cluster.
func (r *reads) clusterFilter() []ec2types.Filter {
	return []ec2types.Filter{{Name: aws.String("tag:" + providers.TagCluster), Values: []string{r.p.opts.ClusterID}}}
}

func (r *reads) listSecurityGroups(ctx context.Context, cs *Clients) ([]plan.Resource, error) {
	var res []plan.Resource
	var token *string
	for {
		var out *ec2.DescribeSecurityGroupsOutput
		err := r.c.read(ctx, "ec2.DescribeSecurityGroups", "describe security groups", func() (err error) {
			out, err = cs.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: r.clusterFilter(), NextToken: token, MaxResults: aws.Int32(ec2PageSize)})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, g := range out.SecurityGroups {
			spec := sgSpec{ID: aws.ToString(g.GroupId), Ingress: g.IpPermissions, Create: &ec2CreateSG{
				GroupName: aws.ToString(g.GroupName), Description: aws.ToString(g.Description), VpcID: aws.ToString(g.VpcId), Tags: ec2TagMap(g.Tags)}}
			res = append(res, observed(KindSecurityGroup, spec.Create.GroupName, spec))
		}
		if token = out.NextToken; aws.ToString(token) == "" {
			return res, nil
		}
	}
}

// listSecurityGroupRules reads the rules of the nodes' security groups that let one of
// this cluster's security groups in. AWS lists a group's rules without tags, so a rule
// belongs to the owner of its source group: the cluster, for its backend group; a load
// balancer, for the rule an earlier version made from the load balancer's own group, which
// the load balancer's next pass deletes.
func (r *reads) listSecurityGroupRules(ctx context.Context, region string, cs *Clients) ([]plan.Resource, error) {
	nodes, err := r.nodeGroups(ctx, cs)
	if err != nil {
		return nil, err
	}
	groups, err := r.cache.All(ctx, region, KindSecurityGroup)
	if err != nil {
		return nil, err
	}
	sources := map[string]plan.Resource{}
	for _, g := range groups {
		sources[g.Spec.(sgSpec).ID] = g
	}
	var res []plan.Resource
	for _, g := range nodes {
		for _, p := range g.IpPermissions {
			for _, pair := range p.UserIdGroupPairs {
				if src, ok := sources[aws.ToString(pair.GroupId)]; ok {
					res = append(res, r.nodeRule(aws.ToString(g.GroupId), p, src))
				}
			}
		}
	}
	return res, nil
}

// nodeRule is a rule of a nodes' group whose source is one of the cluster's groups.
func (r *reads) nodeRule(group string, p ec2types.IpPermission, src plan.Resource) plan.Resource {
	tags := maps.Clone(tagsOf(src.Spec))
	name := nodeRuleName(r.p.namer, group, src.Name)
	if o, ok := ownerOf(src); ok {
		name = r.p.namer.Name(abbrevs[KindSecurityGroupRule], o.LoadBalancer, group)
	}
	tags[TagResource] = name
	spec := sgRuleSpec{Group: group, From: aws.ToInt32(p.FromPort), To: aws.ToInt32(p.ToPort), Tags: tags, SourceID: src.Spec.(sgSpec).ID}
	return observed(KindSecurityGroupRule, name, spec)
}

// nodeGroups reads the nodes' security groups: those the options name, and those tagged
// kubernetes.io/cluster/<ClusterName>.
func (r *reads) nodeGroups(ctx context.Context, cs *Clients) ([]ec2types.SecurityGroup, error) {
	var ins []*ec2.DescribeSecurityGroupsInput
	if ids := r.p.opts.NodeSecurityGroups; len(ids) > 0 {
		ins = append(ins, &ec2.DescribeSecurityGroupsInput{GroupIds: ids})
	}
	if name := r.p.opts.ClusterName; name != "" {
		ins = append(ins, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("tag-key"), Values: []string{tagClusterPrefix + name}}}})
	}
	seen := map[string]bool{}
	var out []ec2types.SecurityGroup
	for _, in := range ins {
		for {
			var resp *ec2.DescribeSecurityGroupsOutput
			err := r.c.read(ctx, "ec2.DescribeSecurityGroups", "describe the nodes' security groups", func() (err error) {
				resp, err = cs.EC2.DescribeSecurityGroups(ctx, in)
				return err
			})
			if providers.IsNotFound(err) {
				break // a node group named in the options that is gone has no rule to read
			}
			if err != nil {
				return nil, err
			}
			for _, g := range resp.SecurityGroups {
				if !seen[aws.ToString(g.GroupId)] {
					seen[aws.ToString(g.GroupId)] = true
					out = append(out, g)
				}
			}
			if in.NextToken = resp.NextToken; aws.ToString(in.NextToken) == "" {
				break
			}
		}
	}
	return out, nil
}

func (r *reads) listCertificates(ctx context.Context, cs *Clients) ([]plan.Resource, error) {
	if cs.ACM == nil {
		return nil, nil
	}
	var res []plan.Resource
	var token *string
	for {
		var out *acm.ListCertificatesOutput
		err := r.c.read(ctx, "acm.ListCertificates", "list certificates", func() (err error) {
			// ACM lists only RSA 1024 and 2048 keys unless asked: a TLS Secret may hold any.
			out, err = cs.ACM.ListCertificates(ctx, &acm.ListCertificatesInput{NextToken: token, MaxItems: aws.Int32(1000),
				Includes: &acmtypes.Filters{KeyTypes: acmtypes.KeyAlgorithm("").Values()}})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, c := range out.CertificateSummaryList {
			a := aws.ToString(c.CertificateArn)
			tags, err := r.certTagsOf(ctx, cs, a)
			if err != nil {
				return nil, err
			}
			if tags[providers.TagCluster] != r.p.opts.ClusterID || tags[TagResource] == "" {
				continue
			}
			spec := certSpec{Hash: tags[tagHash], Tags: tags, ARN: a}
			res = append(res, observed(KindCertificate, tags[TagResource], spec))
		}
		if token = out.NextToken; aws.ToString(token) == "" {
			return duplicatesApart(res), nil
		}
	}
}

// duplicatesApart renames all but one of the certificates that carry the same name: ACM
// imports are not idempotent, so an import whose answer was lost, retried, leaves two.
// The one with the lowest ARN keeps the name; the others get names no graph wants, so the
// plan moves their listeners off them and deletes them.
func duplicatesApart(rs []plan.Resource) []plan.Resource {
	slices.SortFunc(rs, func(a, b plan.Resource) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Spec.(certSpec).ARN, b.Spec.(certSpec).ARN))
	})
	for i := 1; i < len(rs); i++ {
		if rs[i].Name == strings.SplitN(rs[i-1].Name, "~", 2)[0] {
			rs[i].Name += "~" + digest(rs[i].Spec.(certSpec).ARN)
		}
	}
	return rs
}
