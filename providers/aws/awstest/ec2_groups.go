package awstest

import (
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func init() {
	register(serviceEC2, map[string]operation{
		"DescribeSecurityGroups":     op(false, (*Server).describeSecurityGroups),
		"CreateSecurityGroup":        op(true, (*Server).createSecurityGroup),
		"DeleteSecurityGroup":        op(true, (*Server).deleteSecurityGroup),
		"DescribeSecurityGroupRules": op(false, (*Server).describeSecurityGroupRules),
	})
}

func (s *Server) groupARN(id string) string { return s.ec2ARN("security-group/" + id) }

// groupView is a security group as DescribeSecurityGroups reports it, with
// the default egress rule (all traffic to anywhere) every new group has.
func (s *Server) groupView(g *securityGroup) ec2types.SecurityGroup {
	return ec2types.SecurityGroup{GroupId: ptr(g.id), GroupName: ptr(g.name), Description: ptr(g.description),
		VpcId: ptr(g.vpc), OwnerId: ptr(s.opts.AccountID), SecurityGroupArn: ptr(s.groupARN(g.id)),
		IpPermissions: permissionsOf(g.ingress), Tags: s.ec2.tagList(g.id),
		IpPermissionsEgress: []ec2types.IpPermission{{IpProtocol: ptr("-1"),
			IpRanges: []ec2types.IpRange{{CidrIp: ptr("0.0.0.0/0")}}, Ipv6Ranges: []ec2types.Ipv6Range{},
			PrefixListIds: []ec2types.PrefixListId{}, UserIdGroupPairs: []ec2types.UserIdGroupPair{}}}}
}

func (s *Server) describeSecurityGroups(r *request, in *ec2.DescribeSecurityGroupsInput) (any, error) {
	if in.MaxResults != nil && (len(in.GroupIds) > 0 || len(in.GroupNames) > 0) {
		return nil, apiErr("InvalidParameterCombination", "The parameter groupIds cannot be used with the parameter maxResults")
	}
	var found []*securityGroup
	switch {
	case len(in.GroupIds) > 0:
		for _, id := range in.GroupIds {
			g, ok := s.ec2.groups[id]
			if !ok || !g.seen() {
				return nil, apiErr("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
			}
			found = append(found, g)
		}
	case len(in.GroupNames) > 0:
		for _, name := range in.GroupNames {
			g := s.groupByName("", name)
			if g == nil || !g.seen() {
				return nil, apiErr("InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC", name)
			}
			found = append(found, g)
		}
	default:
		for _, id := range sortedKeys(s.ec2.groups) {
			if g := s.ec2.groups[id]; g.seen() {
				found = append(found, g)
			}
		}
	}
	var out []ec2types.SecurityGroup
	for _, g := range found {
		ok, err := matches(in.Filters, s.ec2.tags[g.id], groupFields(g))
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, s.groupView(g))
		}
	}
	pg, next, err := ec2Page(s, out, in.MaxResults, in.NextToken, 5, 1000)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeSecurityGroupsOutput{SecurityGroups: pg, NextToken: next}, nil
}

func groupFields(g *securityGroup) fields {
	return func(name string) ([]string, bool) {
		switch name {
		case "vpc-id":
			return []string{g.vpc}, true
		case "group-name":
			return []string{g.name}, true
		case "group-id":
			return []string{g.id}, true
		case "description":
			return []string{g.description}, true
		case "ip-permission.group-id":
			var ids []string
			for _, p := range g.ingress {
				if p.group != "" {
					ids = append(ids, p.group)
				}
			}
			return ids, true
		}
		return nil, false
	}
}

// seen counts a describe of a security group against its visibility delay.
func (g *securityGroup) seen() bool {
	if g.hidden > 0 {
		g.hidden--
		return false
	}
	return true
}

func (s *Server) groupByName(vpcID, name string) *securityGroup {
	for _, id := range sortedKeys(s.ec2.groups) {
		g := s.ec2.groups[id]
		if g.name == name && (vpcID == "" || g.vpc == vpcID) {
			return g
		}
	}
	return nil
}

// specTags collects the tags a TagSpecifications list sets on a resource type.
func specTags(specs []ec2types.TagSpecification, resourceType ec2types.ResourceType) (map[string]string, error) {
	tags := map[string]string{}
	for _, spec := range specs {
		if spec.ResourceType != resourceType {
			return nil, apiErr("InvalidParameterValue", "'%s' is not a valid taggable resource type for this operation", spec.ResourceType)
		}
		for _, t := range spec.Tags {
			if strings.HasPrefix(deref(t.Key), "aws:") {
				return nil, apiErr("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
			}
			tags[deref(t.Key)] = deref(t.Value)
		}
	}
	if len(tags) > 50 {
		return nil, apiErr("TagLimitExceeded", "The maximum number of tags for a resource is 50")
	}
	return tags, nil
}

func (s *Server) createSecurityGroup(r *request, in *ec2.CreateSecurityGroupInput) (any, error) {
	name, desc, vpcID := deref(in.GroupName), deref(in.Description), deref(in.VpcId)
	if name == "" || len(name) > 255 || strings.HasPrefix(strings.ToLower(name), "sg-") {
		return nil, apiErr("InvalidParameterValue", "Invalid security group name '%s': 1 to 255 characters, not starting with 'sg-'", name)
	}
	if desc == "" || len(desc) > 255 {
		return nil, apiErr("MissingParameter", "The request must contain the parameter GroupDescription (1 to 255 characters)")
	}
	tags, err := specTags(in.TagSpecifications, ec2types.ResourceTypeSecurityGroup)
	if err != nil {
		return nil, err
	}
	id := "sg-0" + s.hex(16)
	// IAM checks CreateSecurityGroup on the new group and on the VPC it goes into.
	res := []AuthResource{resource(s.groupARN(id), nil), resource(s.ec2ARN("vpc/"+vpcID), s.ec2.tags[vpcID])}
	if err := s.authorizeCreateOf(r, res, []string{s.groupARN(id)}, tags); err != nil {
		return nil, err
	}
	if _, ok := s.ec2.vpcs[vpcID]; !ok {
		return nil, apiErr("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", vpcID)
	}
	if s.groupByName(vpcID, name) != nil {
		return nil, apiErr("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, vpcID)
	}
	s.nextID++
	s.ec2.groups[id] = &securityGroup{id: id, name: name, description: desc, vpc: vpcID, seq: s.nextID,
		hidden: s.opts.VisibilityDelay, egressID: "sgr-0" + s.hex(16)}
	s.ec2.setTags(id, tags)
	return &ec2.CreateSecurityGroupOutput{GroupId: ptr(id), SecurityGroupArn: ptr(s.groupARN(id)), Tags: s.ec2.tagList(id)}, nil
}

// findGroup is the group a write names by id, or by name in the default VPC; nil if none.
func (s *Server) findGroup(id, name string) *securityGroup {
	if id == "" && name != "" {
		return s.groupByName("", name)
	}
	return s.ec2.groups[id]
}

// groupFor looks up the group a write names by id (or name), after IAM has seen it.
func (s *Server) groupFor(r *request, id, name string) (*securityGroup, error) {
	g := s.findGroup(id, name)
	ok := g != nil
	if ok {
		id = g.id
	}
	if err := s.authorize(r, []AuthResource{resource(s.groupARN(id), s.ec2.tags[id])}, nil, nil); err != nil {
		return nil, err
	}
	if !ok {
		return nil, apiErr("InvalidGroup.NotFound", "The security group '%s' does not exist", id+name)
	}
	return g, nil
}

func (s *Server) deleteSecurityGroup(r *request, in *ec2.DeleteSecurityGroupInput) (any, error) {
	g, err := s.groupFor(r, deref(in.GroupId), deref(in.GroupName))
	if err != nil {
		return nil, err
	}
	if user := s.groupUser(g.id); user != "" {
		return nil, apiErr("DependencyViolation", "resource %s has a dependent object (%s)", g.id, user)
	}
	if s.ec2.lingering[g.id] > 0 {
		s.ec2.lingering[g.id]--
		return nil, apiErr("DependencyViolation", "resource %s has a dependent object (a deleted load balancer's network interface)", g.id)
	}
	delete(s.ec2.groups, g.id)
	delete(s.ec2.tags, g.id)
	delete(s.ec2.tags, g.egressID)
	for _, p := range g.ingress {
		delete(s.ec2.tags, p.id)
	}
	delete(s.ec2.lingering, g.id)
	return &ec2.DeleteSecurityGroupOutput{Return: ptr(true), GroupId: ptr(g.id)}, nil
}

// groupUser names something that still uses a security group: a load
// balancer, an instance or interface, or another group's rule.
func (s *Server) groupUser(id string) string {
	var users []string
	for arn, lb := range s.elb.lbs {
		if contains(lb.v.SecurityGroups, id) {
			users = append(users, arn)
		}
	}
	for _, inst := range s.ec2.insts {
		if contains(inst.groups, id) {
			users = append(users, inst.id)
		}
	}
	for _, n := range s.ec2.enis {
		if contains(n.groups, id) {
			users = append(users, n.id)
		}
	}
	for _, g := range s.ec2.groups {
		for _, p := range g.ingress {
			if p.group == id && g.id != id {
				users = append(users, g.id)
			}
		}
	}
	sort.Strings(users)
	if len(users) == 0 {
		return ""
	}
	return users[0]
}

// describeSecurityGroupRules lists every group's rules with their ids:
// its ingress rules, then its default egress rule.
func (s *Server) describeSecurityGroupRules(r *request, in *ec2.DescribeSecurityGroupRulesInput) (any, error) {
	want := map[string]bool{}
	for _, id := range in.SecurityGroupRuleIds {
		want[id] = true
	}
	var out []ec2types.SecurityGroupRule
	for _, gid := range sortedKeys(s.ec2.groups) {
		g := s.ec2.groups[gid]
		rules := make([]ec2types.SecurityGroupRule, 0, len(g.ingress)+1)
		for _, p := range g.ingress {
			rules = append(rules, s.ruleView(g, p))
		}
		rules = append(rules, ec2types.SecurityGroupRule{SecurityGroupRuleId: ptr(g.egressID), GroupId: ptr(g.id),
			GroupOwnerId: ptr(s.opts.AccountID), IsEgress: ptr(true), IpProtocol: ptr("-1"), FromPort: ptr(int32(-1)),
			ToPort: ptr(int32(-1)), CidrIpv4: ptr("0.0.0.0/0"), Tags: s.ec2.tagList(g.egressID)})
		for _, rule := range rules {
			if len(want) > 0 && !want[*rule.SecurityGroupRuleId] {
				continue
			}
			ok, err := matches(in.Filters, s.ec2.tags[*rule.SecurityGroupRuleId], func(name string) ([]string, bool) {
				switch name {
				case "group-id":
					return []string{g.id}, true
				case "security-group-rule-id":
					return []string{*rule.SecurityGroupRuleId}, true
				}
				return nil, false
			})
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, rule)
			}
		}
	}
	for id := range want {
		if !slices.ContainsFunc(out, func(r ec2types.SecurityGroupRule) bool { return *r.SecurityGroupRuleId == id }) {
			return nil, apiErr("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
		}
	}
	pg, next, err := ec2Page(s, out, in.MaxResults, in.NextToken, 5, 1000)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeSecurityGroupRulesOutput{SecurityGroupRules: pg, NextToken: next}, nil
}
