package awstest

import (
	"errors"
	"slices"
	"sort"
	"strings"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

// hostedZones are the Route 53 zones ALBs' DNS names live in, per region.
var hostedZones = map[string]string{"us-east-1": "Z35SXDOTRQ7X7K", "us-east-2": "Z3AADJGX6KTTL2",
	"us-west-1": "Z368ELLRRE2KJ0", "us-west-2": "Z1H1FL5HABSF5", "eu-west-1": "Z32O12XQLNTSW2"}

func init() {
	register(serviceELB, map[string]operation{
		"CreateLoadBalancer":    op(true, (*Server).createLoadBalancer),
		"DescribeLoadBalancers": op(false, (*Server).describeLoadBalancers),
		"DeleteLoadBalancer":    op(true, (*Server).deleteLoadBalancer),
		"SetSecurityGroups":     op(true, (*Server).setSecurityGroups),
		"SetSubnets":            op(true, (*Server).setSubnets),
		"SetIpAddressType":      op(true, (*Server).setIPAddressType),
	})
}

func (s *Server) createLoadBalancer(r *request, in *elb.CreateLoadBalancerInput) (smithy.Serializable, error) {
	name := deref(in.Name)
	if err := checkELBName("Load balancer", name); err != nil {
		return nil, err
	}
	if in.Type != "" && in.Type != elbtypes.LoadBalancerTypeEnumApplication {
		return nil, errValidation("the emulator serves application load balancers only, not '%s'", in.Type)
	}
	tags, err := tagMap(in.Tags, s.opts.Limits.TagsPerResource)
	if err != nil {
		return nil, err
	}
	subnets := in.Subnets
	for _, m := range in.SubnetMappings {
		subnets = append(subnets, deref(m.SubnetId))
	}
	vpcID, azs, err := s.resolveSubnets(subnets)
	if err != nil {
		return nil, err
	}
	if err := s.checkGroupsInVPC(in.SecurityGroups, vpcID); err != nil {
		return nil, err
	}
	want := s.newLoadBalancer(name, in, vpcID, azs)
	if old := s.lbByName(name); old != nil {
		if err := s.authorize(r, []AuthResource{resource(*old.v.LoadBalancerArn, old.tags)}, tags,
			map[string]string{"elasticloadbalancing:CreateAction": r.action}); err != nil {
			return nil, err
		}
		if !sameLoadBalancer(old.v, want) {
			return nil, apiErr("DuplicateLoadBalancerName", "A load balancer with the same name '%s' exists, but with different settings", name)
		}
		return &elb.CreateLoadBalancerOutput{LoadBalancers: []elbtypes.LoadBalancer{s.lbView(old)}}, nil
	}
	if err := s.authorizeCreate(r, *want.LoadBalancerArn, tags); err != nil {
		return nil, err
	}
	if len(s.elb.lbs) >= s.opts.Limits.LoadBalancers {
		return nil, apiErr("TooManyLoadBalancers", "You have reached the limit of %d load balancers", s.opts.Limits.LoadBalancers)
	}
	s.nextID++
	lb := &loadBalancer{meta: meta{seq: s.nextID, hidden: s.opts.VisibilityDelay, tags: tags}, v: want,
		attrs: defaultLBAttributes(), provisioning: s.opts.ProvisioningReads}
	s.elb.lbs[*want.LoadBalancerArn] = lb
	// The create's own answer shows the load balancer as AWS does: provisioning.
	view := lb.v
	view.State = &elbtypes.LoadBalancerState{Code: elbtypes.LoadBalancerStateEnumProvisioning}
	return &elb.CreateLoadBalancerOutput{LoadBalancers: []elbtypes.LoadBalancer{view}}, nil
}

func (s *Server) newLoadBalancer(name string, in *elb.CreateLoadBalancerInput, vpcID string, azs []elbtypes.AvailabilityZone) elbtypes.LoadBalancer {
	id := s.hex(16)
	scheme := in.Scheme
	if scheme == "" {
		scheme = elbtypes.LoadBalancerSchemeEnumInternetFacing
	}
	ipType := in.IpAddressType
	if ipType == "" {
		ipType = elbtypes.IpAddressTypeIpv4
	}
	dnsPrefix := ""
	if scheme == elbtypes.LoadBalancerSchemeEnumInternal {
		dnsPrefix = "internal-"
	}
	now := s.now()
	return elbtypes.LoadBalancer{
		LoadBalancerArn:       ptr(s.elbARN("loadbalancer/app/" + name + "/" + id)),
		LoadBalancerName:      ptr(name),
		DNSName:               ptr(dnsPrefix + name + "-" + id[:10] + "." + s.opts.Region + ".elb.amazonaws.com"),
		CanonicalHostedZoneId: ptr(hostedZones[s.opts.Region]),
		CreatedTime:           &now,
		Scheme:                scheme,
		Type:                  elbtypes.LoadBalancerTypeEnumApplication,
		IpAddressType:         ipType,
		VpcId:                 ptr(vpcID),
		AvailabilityZones:     azs,
		SecurityGroups:        sortedCopy(in.SecurityGroups),
	}
}

// sameLoadBalancer reports whether a create asks for what exists, which AWS
// answers with the existing load balancer.
func sameLoadBalancer(a, b elbtypes.LoadBalancer) bool {
	return a.Scheme == b.Scheme && a.IpAddressType == b.IpAddressType && deref(a.VpcId) == deref(b.VpcId) &&
		slices.Equal(subnetIDs(a.AvailabilityZones), subnetIDs(b.AvailabilityZones)) &&
		slices.Equal(sortedCopy(a.SecurityGroups), sortedCopy(b.SecurityGroups))
}

func subnetIDs(azs []elbtypes.AvailabilityZone) []string {
	out := make([]string, 0, len(azs))
	for _, az := range azs {
		out = append(out, deref(az.SubnetId))
	}
	sort.Strings(out)
	return out
}

func sortedCopy(v []string) []string {
	out := slices.Clone(v)
	sort.Strings(out)
	return out
}

func (s *Server) lbByName(name string) *loadBalancer {
	for _, lb := range s.elb.lbs {
		if *lb.v.LoadBalancerName == name {
			return lb
		}
	}
	return nil
}

// resolveSubnets checks an ALB's subnets: known, in one VPC, at most one per
// Availability Zone and at least two zones.
func (s *Server) resolveSubnets(ids []string) (string, []elbtypes.AvailabilityZone, error) {
	vpcID := ""
	zones := map[string]string{}
	var azs []elbtypes.AvailabilityZone
	for _, id := range ids {
		sn, ok := s.ec2.subnets[id]
		if !ok {
			return "", nil, errNotFound("SubnetNotFound", "The subnet ID '%s' is not valid", id)
		}
		if vpcID != "" && sn.vpc != vpcID {
			return "", nil, apiErr("InvalidSubnet", "Subnets '%s' and '%s' are in different VPCs", ids[0], id)
		}
		vpcID = sn.vpc
		if other, dup := zones[sn.az]; dup {
			return "", nil, apiErr("InvalidConfigurationRequest", "A load balancer cannot be attached to multiple subnets in the same Availability Zone ('%s' and '%s')", other, id)
		}
		zones[sn.az] = id
		azs = append(azs, elbtypes.AvailabilityZone{SubnetId: ptr(id), ZoneName: ptr(sn.az)})
	}
	if len(zones) < 2 {
		return "", nil, errValidation("At least two subnets in two different Availability Zones must be specified")
	}
	sort.Slice(azs, func(i, j int) bool { return *azs[i].ZoneName < *azs[j].ZoneName })
	return vpcID, azs, nil
}

func (s *Server) checkGroupsInVPC(groups []string, vpcID string) error {
	for _, id := range groups {
		g, ok := s.ec2.groups[id]
		if !ok || g.vpc != vpcID {
			return apiErr("InvalidSecurityGroup", "Security group '%s' does not exist in VPC '%s'", id, vpcID)
		}
	}
	return nil
}

// lbView is a load balancer as a describe reports it, counting the read
// toward its provisioning.
func (s *Server) lbView(lb *loadBalancer) elbtypes.LoadBalancer {
	v := lb.v
	code := elbtypes.LoadBalancerStateEnumActive
	if lb.provisioning > 0 {
		lb.provisioning--
		code = elbtypes.LoadBalancerStateEnumProvisioning
	}
	v.State = &elbtypes.LoadBalancerState{Code: code}
	return v
}

func (s *Server) describeLoadBalancers(r *request, in *elb.DescribeLoadBalancersInput) (smithy.Serializable, error) {
	size, err := s.pageSize(int(deref(in.PageSize)))
	if err != nil {
		return nil, err
	}
	if len(in.LoadBalancerArns) > 0 && len(in.Names) > 0 {
		return nil, errValidation("Load balancer names and load balancer ARNs cannot be specified at the same time")
	}
	var found []*loadBalancer
	switch {
	case len(in.LoadBalancerArns) > 0:
		for _, arn := range in.LoadBalancerArns {
			lb, ok := s.elb.lbs[arn]
			if !ok || !lb.seen() {
				return nil, errNotFound("LoadBalancerNotFound", "Load balancers '[%s]' not found", arn)
			}
			found = append(found, lb)
		}
	case len(in.Names) > 0:
		for _, name := range in.Names {
			lb := s.lbByName(name)
			if lb == nil || !lb.seen() {
				return nil, errNotFound("LoadBalancerNotFound", "Load balancers '[%s]' not found", name)
			}
			found = append(found, lb)
		}
	default:
		for _, lb := range s.elb.lbs {
			if lb.seen() {
				found = append(found, lb)
			}
		}
		sort.Slice(found, func(i, j int) bool { return *found[i].v.LoadBalancerName < *found[j].v.LoadBalancerName })
	}
	pg, next, err := page(found, deref(in.Marker), size)
	if err != nil {
		return nil, err
	}
	out := &elb.DescribeLoadBalancersOutput{LoadBalancers: []elbtypes.LoadBalancer{}}
	for _, lb := range pg {
		out.LoadBalancers = append(out.LoadBalancers, s.lbView(lb))
	}
	if next != "" {
		out.NextMarker = &next
	}
	return out, nil
}

// lbFor looks up a load balancer a write names, after IAM has seen it.
func (s *Server) lbFor(r *request, arn string) (*loadBalancer, error) {
	lb, ok := s.elb.lbs[arn]
	var tags map[string]string
	if ok {
		tags = lb.tags
	}
	if err := s.authorize(r, []AuthResource{resource(arn, tags)}, nil, nil); err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFoundFor(arn)
	}
	if !strings.Contains(arn, ":loadbalancer/") {
		return nil, errValidation("'%s' is not a valid load balancer ARN", arn)
	}
	return lb, nil
}

func (s *Server) deleteLoadBalancer(r *request, in *elb.DeleteLoadBalancerInput) (smithy.Serializable, error) {
	arn := deref(in.LoadBalancerArn)
	lb, err := s.lbFor(r, arn)
	if err != nil {
		if e := (*APIError)(nil); errors.As(err, &e) && e.Code == "LoadBalancerNotFound" {
			return &elb.DeleteLoadBalancerOutput{}, nil // AWS: deleting what is gone succeeds
		}
		return nil, err
	}
	if lb.attrs["deletion_protection.enabled"] == "true" {
		return nil, apiErr("OperationNotPermitted", "Load balancer '%s' cannot be deleted because deletion protection is enabled", arn)
	}
	for _, l := range s.elb.listenersOf(arn) {
		s.removeListener(l)
	}
	// The network interfaces of a deleted ALB let go of its groups a while later; a group
	// that several ALBs carried lingers as long as the last one's, not their sum.
	for _, g := range lb.v.SecurityGroups {
		s.ec2.lingering[g] = max(s.ec2.lingering[g], s.opts.DependencyDelay)
	}
	delete(s.elb.lbs, arn)
	return &elb.DeleteLoadBalancerOutput{}, nil
}

func (s *Server) setSecurityGroups(r *request, in *elb.SetSecurityGroupsInput) (smithy.Serializable, error) {
	lb, err := s.lbFor(r, deref(in.LoadBalancerArn))
	if err != nil {
		return nil, err
	}
	if err := s.checkGroupsInVPC(in.SecurityGroups, *lb.v.VpcId); err != nil {
		return nil, err
	}
	lb.v.SecurityGroups = sortedCopy(in.SecurityGroups)
	return &elb.SetSecurityGroupsOutput{SecurityGroupIds: slices.Clone(lb.v.SecurityGroups)}, nil
}

func (s *Server) setSubnets(r *request, in *elb.SetSubnetsInput) (smithy.Serializable, error) {
	lb, err := s.lbFor(r, deref(in.LoadBalancerArn))
	if err != nil {
		return nil, err
	}
	subnets := in.Subnets
	for _, m := range in.SubnetMappings {
		subnets = append(subnets, deref(m.SubnetId))
	}
	vpcID, azs, err := s.resolveSubnets(subnets)
	if err != nil {
		return nil, err
	}
	if vpcID != *lb.v.VpcId {
		return nil, apiErr("InvalidSubnet", "The subnets must be in the load balancer's VPC '%s'", *lb.v.VpcId)
	}
	lb.v.AvailabilityZones = azs
	return &elb.SetSubnetsOutput{AvailabilityZones: azs, IpAddressType: lb.v.IpAddressType}, nil
}

func (s *Server) setIPAddressType(r *request, in *elb.SetIpAddressTypeInput) (smithy.Serializable, error) {
	lb, err := s.lbFor(r, deref(in.LoadBalancerArn))
	if err != nil {
		return nil, err
	}
	if !slices.Contains(elbtypes.IpAddressType("").Values(), in.IpAddressType) {
		return nil, errValidation("IP address type '%s' is not valid", in.IpAddressType)
	}
	lb.v.IpAddressType = in.IpAddressType
	return &elb.SetIpAddressTypeOutput{IpAddressType: in.IpAddressType}, nil
}
