package awstest

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func init() {
	register(serviceEC2, map[string]operation{
		"AuthorizeSecurityGroupIngress": op(true, (*Server).authorizeIngress),
		"RevokeSecurityGroupIngress":    op(true, (*Server).revokeIngress),
		"CreateTags":                    op(true, (*Server).createTags),
		"DeleteTags":                    op(true, (*Server).deleteTags),
	})
}

// ingressRule is one atomic ingress rule: a protocol and port range from
// one peer (an IPv4 or IPv6 CIDR, or a security group), as EC2 keeps them.
type ingressRule struct {
	id, proto string
	from, to  int32
	cidr      string
	cidr6     string
	group     string
	desc      string
}

func (p ingressRule) key() string {
	return fmt.Sprintf("%s|%d|%d|%s|%s|%s", p.proto, p.from, p.to, p.cidr, p.cidr6, p.group)
}

func (p ingressRule) String() string {
	peer := p.cidr + p.cidr6 + p.group
	return fmt.Sprintf(`peer: %s, %s, from port: %d, to port: %d, ALLOW`, peer, strings.ToUpper(p.proto), p.from, p.to)
}

// protocolOf checks a permission's protocol and ports, as EC2 names them: numbers are
// spelt as names, and "all" (-1) covers every port.
func protocolOf(p ec2types.IpPermission) (ingressRule, error) {
	proto := strings.ToLower(deref(p.IpProtocol))
	switch proto {
	case "6":
		proto = "tcp"
	case "17":
		proto = "udp"
	case "1":
		proto = "icmp"
	}
	from, to := deref(p.FromPort), deref(p.ToPort)
	switch proto {
	case "-1", "all":
		proto, from, to = "-1", 0, 0
	case "tcp", "udp":
		if p.FromPort == nil || p.ToPort == nil || from < 0 || to > 65535 || from > to {
			return ingressRule{}, apiErr("InvalidParameterValue", "Invalid port range %d-%d for protocol %s", from, to, proto)
		}
	case "icmp":
	default:
		return ingressRule{}, apiErr("InvalidParameterValue", "Invalid value '%s' for IP protocol", deref(p.IpProtocol))
	}
	return ingressRule{proto: proto, from: from, to: to}, nil
}

// expand splits IpPermissions into atomic rules, checking protocols, ports,
// CIDRs and referenced groups.
func (s *Server) expand(perms []ec2types.IpPermission) ([]ingressRule, error) {
	var out []ingressRule
	for _, p := range perms {
		base, err := protocolOf(p)
		if err != nil {
			return nil, err
		}
		for _, rg := range p.IpRanges {
			pr, err := netip.ParsePrefix(deref(rg.CidrIp))
			if err != nil || !pr.Addr().Is4() {
				return nil, apiErr("InvalidParameterValue", "CIDR block %s is malformed", deref(rg.CidrIp))
			}
			r := base
			r.cidr, r.desc = pr.Masked().String(), deref(rg.Description)
			out = append(out, r)
		}
		for _, rg := range p.Ipv6Ranges {
			pr, err := netip.ParsePrefix(deref(rg.CidrIpv6))
			if err != nil || !pr.Addr().Is6() {
				return nil, apiErr("InvalidParameterValue", "CIDR block %s is malformed", deref(rg.CidrIpv6))
			}
			r := base
			r.cidr6, r.desc = pr.Masked().String(), deref(rg.Description)
			out = append(out, r)
		}
		for _, pair := range p.UserIdGroupPairs {
			if _, ok := s.ec2.groups[deref(pair.GroupId)]; !ok {
				return nil, apiErr("InvalidGroup.NotFound", "The security group '%s' does not exist", deref(pair.GroupId))
			}
			r := base
			r.group, r.desc = deref(pair.GroupId), deref(pair.Description)
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, apiErr("MissingParameter", "The request must contain the parameter ipPermissions with a peer")
	}
	return out, nil
}

// permissionsOf groups atomic rules back into IpPermissions by protocol and ports.
func permissionsOf(rules []ingressRule) []ec2types.IpPermission {
	out := []ec2types.IpPermission{}
	index := map[string]int{}
	for _, r := range rules {
		k := fmt.Sprintf("%s|%d|%d", r.proto, r.from, r.to)
		i, ok := index[k]
		if !ok {
			p := ec2types.IpPermission{IpProtocol: ptr(r.proto), IpRanges: []ec2types.IpRange{}, Ipv6Ranges: []ec2types.Ipv6Range{},
				UserIdGroupPairs: []ec2types.UserIdGroupPair{}, PrefixListIds: []ec2types.PrefixListId{}}
			if r.proto != "-1" {
				p.FromPort, p.ToPort = ptr(r.from), ptr(r.to)
			}
			out = append(out, p)
			i = len(out) - 1
			index[k] = i
		}
		desc := optional(r.desc)
		switch {
		case r.cidr != "":
			out[i].IpRanges = append(out[i].IpRanges, ec2types.IpRange{CidrIp: ptr(r.cidr), Description: desc})
		case r.cidr6 != "":
			out[i].Ipv6Ranges = append(out[i].Ipv6Ranges, ec2types.Ipv6Range{CidrIpv6: ptr(r.cidr6), Description: desc})
		default:
			out[i].UserIdGroupPairs = append(out[i].UserIdGroupPairs, ec2types.UserIdGroupPair{GroupId: ptr(r.group), Description: desc})
		}
	}
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// authorizeIngress adds rules to a group. IAM sees the group; with TagSpecifications,
// and only then (the Service Authorization Reference says so), also the new rules, and
// ec2:CreateTags on them with ec2:CreateAction, as for every EC2 create that tags.
func (s *Server) authorizeIngress(r *request, in *ec2.AuthorizeSecurityGroupIngressInput) (any, error) {
	tags, err := specTags(in.TagSpecifications, ec2types.ResourceTypeSecurityGroupRule)
	if err != nil {
		return nil, err
	}
	g := s.findGroup(deref(in.GroupId), deref(in.GroupName))
	if g == nil {
		_, err := s.groupFor(r, deref(in.GroupId), deref(in.GroupName))
		return nil, err
	}
	add, err := s.expand(in.IpPermissions)
	if err != nil {
		return nil, err
	}
	var arns []string
	for i := range add {
		add[i].id = "sgr-0" + s.hex(16)
		if len(in.TagSpecifications) > 0 {
			arns = append(arns, s.ruleARN(add[i].id))
		}
	}
	res := []AuthResource{resource(s.groupARN(g.id), s.ec2.tags[g.id])}
	for _, arn := range arns {
		res = append(res, resource(arn, nil))
	}
	if err := s.authorizeCreateOf(r, res, arns, tags); err != nil {
		return nil, err
	}
	if err := s.checkNewRules(g, add); err != nil {
		return nil, err
	}
	out := &ec2.AuthorizeSecurityGroupIngressOutput{Return: ptr(true)}
	for _, p := range add {
		s.ec2.setTags(p.id, tags)
		out.SecurityGroupRules = append(out.SecurityGroupRules, s.ruleView(g, p))
	}
	g.ingress = append(g.ingress, add...)
	return out, nil
}

func (s *Server) ruleARN(id string) string { return s.ec2ARN("security-group-rule/" + id) }

// checkNewRules refuses rules a group already has, and more rules than a group may hold.
func (s *Server) checkNewRules(g *securityGroup, add []ingressRule) error {
	have := map[string]bool{}
	for _, p := range g.ingress {
		have[p.key()] = true
	}
	for _, p := range add {
		if have[p.key()] {
			return apiErr("InvalidPermission.Duplicate", `the specified rule "%s" already exists`, p)
		}
		have[p.key()] = true
	}
	if len(g.ingress)+len(add) > s.opts.Limits.IngressRulesPerGroup {
		return apiErr("RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached.")
	}
	return nil
}

func (s *Server) ruleView(g *securityGroup, p ingressRule) ec2types.SecurityGroupRule {
	v := ec2types.SecurityGroupRule{SecurityGroupRuleId: ptr(p.id), GroupId: ptr(g.id), GroupOwnerId: ptr(s.opts.AccountID),
		IsEgress: ptr(false), IpProtocol: ptr(p.proto), FromPort: ptr(p.from), ToPort: ptr(p.to), Description: optional(p.desc),
		CidrIpv4: optional(p.cidr), CidrIpv6: optional(p.cidr6), Tags: s.ec2.tagList(p.id)}
	if p.proto == "-1" {
		v.FromPort, v.ToPort = ptr(int32(-1)), ptr(int32(-1))
	}
	if p.group != "" {
		v.ReferencedGroupInfo = &ec2types.ReferencedSecurityGroup{GroupId: ptr(p.group), UserId: ptr(s.opts.AccountID)}
	}
	return v
}

func (s *Server) revokeIngress(r *request, in *ec2.RevokeSecurityGroupIngressInput) (any, error) {
	g, err := s.groupFor(r, deref(in.GroupId), deref(in.GroupName))
	if err != nil {
		return nil, err
	}
	drop := map[string]bool{}
	if len(in.SecurityGroupRuleIds) > 0 {
		for _, id := range in.SecurityGroupRuleIds {
			drop[id] = true
		}
	} else {
		gone, err := s.expand(in.IpPermissions)
		if err != nil {
			return nil, err
		}
		for _, p := range gone {
			drop[p.key()] = true
		}
	}
	var keep, gone []ingressRule
	for _, p := range g.ingress {
		if drop[p.key()] || drop[p.id] {
			delete(drop, p.key())
			delete(drop, p.id)
			gone = append(gone, p)
			continue
		}
		keep = append(keep, p)
	}
	if len(drop) > 0 {
		return nil, apiErr("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
	}
	g.ingress = keep
	for _, p := range gone {
		delete(s.ec2.tags, p.id)
	}
	return &ec2.RevokeSecurityGroupIngressOutput{Return: ptr(true)}, nil
}

// taggable reports whether an EC2 id names a resource, and its ARN.
func (s *Server) taggable(id string) (string, bool) {
	kinds := []struct {
		prefix, kind string
		ok           func() bool
	}{
		{"sg-", "security-group", func() bool { _, ok := s.ec2.groups[id]; return ok }},
		{"subnet-", "subnet", func() bool { _, ok := s.ec2.subnets[id]; return ok }},
		{"vpc-", "vpc", func() bool { _, ok := s.ec2.vpcs[id]; return ok }},
		{"i-", "instance", func() bool { _, ok := s.ec2.insts[id]; return ok }},
		{"eni-", "network-interface", func() bool { _, ok := s.ec2.enis[id]; return ok }},
		{"sgr-", "security-group-rule", func() bool { return s.hasRule(id) }},
	}
	for _, k := range kinds {
		if strings.HasPrefix(id, k.prefix) {
			return s.ec2ARN(k.kind + "/" + id), k.ok()
		}
	}
	return "", false
}

// hasRule reports whether a security group rule (an ingress rule or a group's default
// egress rule) has the id.
func (s *Server) hasRule(id string) bool {
	for _, g := range s.ec2.groups {
		if g.egressID == id {
			return true
		}
		for _, p := range g.ingress {
			if p.id == id {
				return true
			}
		}
	}
	return false
}

// tagTargets checks the resources a CreateTags or DeleteTags names, after IAM has seen
// them with the tags set or, for a DeleteTags, the keys removed.
func (s *Server) tagTargets(r *request, ids []string, tags map[string]string, removed []string) error {
	if len(ids) == 0 {
		return apiErr("MissingParameter", "The request must contain the parameter resourceIdSet")
	}
	var res []AuthResource
	for _, id := range ids {
		arn, _ := s.taggable(id)
		res = append(res, resource(arn, s.ec2.tags[id]))
	}
	ask := func() error { return s.authorize(r, res, tags, nil) }
	if r.action == "DeleteTags" {
		ask = func() error { return s.authorizeUntag(r, res, removed) }
	}
	if err := ask(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, ok := s.taggable(id); !ok {
			if strings.HasPrefix(id, "sg-") {
				return apiErr("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
			}
			return apiErr("InvalidID", "The ID '%s' is not valid", id)
		}
	}
	return nil
}

func (s *Server) createTags(r *request, in *ec2.CreateTagsInput) (any, error) {
	tags := map[string]string{}
	for _, t := range in.Tags {
		if strings.HasPrefix(deref(t.Key), "aws:") || deref(t.Key) == "" {
			return nil, apiErr("InvalidParameterValue", "Tag key '%s' is not valid", deref(t.Key))
		}
		tags[deref(t.Key)] = deref(t.Value)
	}
	if err := s.tagTargets(r, in.Resources, tags, nil); err != nil {
		return nil, err
	}
	for _, id := range in.Resources {
		merged := cloneTags(s.ec2.tags[id])
		for k, v := range tags {
			merged[k] = v
		}
		if len(merged) > 50 {
			return nil, apiErr("TagLimitExceeded", "The maximum number of tags for a resource is 50")
		}
	}
	for _, id := range in.Resources {
		s.ec2.setTags(id, tags)
	}
	return &ec2.CreateTagsOutput{}, nil
}

// deleteTags removes tags by key, or by key and value when a value is given; with no
// tags named it removes every tag, as EC2 documents, and IAM then sees no aws:TagKeys.
func (s *Server) deleteTags(r *request, in *ec2.DeleteTagsInput) (any, error) {
	var keys []string
	for _, t := range in.Tags {
		keys = append(keys, deref(t.Key))
	}
	if err := s.tagTargets(r, in.Resources, nil, keys); err != nil {
		return nil, err
	}
	for _, id := range in.Resources {
		if len(in.Tags) == 0 {
			delete(s.ec2.tags, id)
			continue
		}
		for _, t := range in.Tags {
			v, ok := s.ec2.tags[id][deref(t.Key)]
			if ok && (t.Value == nil || *t.Value == v) {
				delete(s.ec2.tags[id], deref(t.Key))
			}
		}
	}
	return &ec2.DeleteTagsOutput{}, nil
}
