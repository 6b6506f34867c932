package aws

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers/aws/albrules"
)

// fieldsOf returns the canonical value of every field portico owns in a resource. Wanted
// and read resources are both built as specs and pass through it alike, so they compare
// equal when AWS holds what portico wants: references are by the names of the plan's
// resources (never IDs or ARNs, unknown before creation), and lists are sorted where AWS's
// order means nothing.
func fieldsOf(spec any) map[string]string {
	switch s := spec.(type) {
	case sgSpec:
		return map[string]string{fieldVPC: s.Create.VpcID, fieldDescription: s.Create.Description, fieldIngress: ingressList(s.Ingress)}
	case sgRuleSpec:
		return map[string]string{fieldGroup: s.Group, fieldSource: s.Source, fieldPorts: itoa(s.From) + "-" + itoa(s.To)}
	case tgSpec:
		return tgFields(s)
	case certSpec:
		return map[string]string{fieldHash: s.Hash}
	case lbSpec:
		return map[string]string{
			fieldScheme: string(s.Create.Scheme), fieldAddressType: string(s.Create.IpAddressType),
			fieldSubnets: sortedJoin(s.Create.Subnets), fieldGroups: sortedJoin(s.SecurityGroups),
		}
	case listenerSpec:
		return map[string]string{
			fieldPort: itoa(s.Port), fieldProtocol: string(s.Protocol), fieldSSLPolicy: s.SSLPolicy,
			fieldCerts: certList(s.Certificates), fieldDefault: s.Default.String(),
		}
	case rulesSpec:
		return map[string]string{fieldRules: ruleList(s.Rules)}
	}
	return map[string]string{}
}

func tgFields(s tgSpec) map[string]string {
	in := s.Create
	return map[string]string{
		fieldVPC: aws.ToString(in.VpcId), fieldProtocol: string(in.Protocol), fieldVersion: aws.ToString(in.ProtocolVersion),
		fieldPort: itoa(aws.ToInt32(in.Port)), fieldTargetType: string(in.TargetType),
		fieldHealthCheck: healthCheckOf(in), fieldTargets: targetList(s.Targets),
	}
}

// healthCheckOf is a target group's health check in one line.
func healthCheckOf(in *elbv2.CreateTargetGroupInput) string {
	m := ""
	if in.Matcher != nil {
		m = "http=" + aws.ToString(in.Matcher.HttpCode) + " grpc=" + aws.ToString(in.Matcher.GrpcCode)
	}
	return strings.Join([]string{
		string(in.HealthCheckProtocol), aws.ToString(in.HealthCheckPath), aws.ToString(in.HealthCheckPort),
		itoa(aws.ToInt32(in.HealthCheckIntervalSeconds)), itoa(aws.ToInt32(in.HealthCheckTimeoutSeconds)),
		itoa(aws.ToInt32(in.HealthyThresholdCount)), itoa(aws.ToInt32(in.UnhealthyThresholdCount)), m,
	}, " ")
}

// targetKey is "id:port" of a target.
func targetKey(t elbtypes.TargetDescription) string {
	return aws.ToString(t.Id) + ":" + itoa(aws.ToInt32(t.Port))
}

func targetList(ts []elbtypes.TargetDescription) string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, targetKey(t))
	}
	return sortedJoin(out)
}

// listenerIngress is the ingress of a listener port from the client ranges: IPv4 ranges
// as IpRanges, IPv6 ones as Ipv6Ranges, as EC2 keeps them apart.
func listenerIngress(port int32, cidrs []string) ec2types.IpPermission {
	perm := ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port)}
	for _, c := range cidrs {
		if strings.Contains(c, ":") {
			perm.Ipv6Ranges = append(perm.Ipv6Ranges, ec2types.Ipv6Range{CidrIpv6: aws.String(c)})
		} else {
			perm.IpRanges = append(perm.IpRanges, ec2types.IpRange{CidrIp: aws.String(c)})
		}
	}
	return perm
}

// clientRanges are the ranges a load balancer's listeners accept: the spec's inbound CIDRs,
// else every IPv4 address, and every IPv6 address too when it is dualstack.
func clientRanges(spec v1alpha1.LoadBalancerSpec) []string {
	if len(spec.Frontends.InboundCIDRs) > 0 {
		out := make([]string, 0, len(spec.Frontends.InboundCIDRs))
		for _, c := range spec.Frontends.InboundCIDRs {
			out = append(out, string(c))
		}
		return out
	}
	if spec.IPAddressType == v1alpha1.IPAddressTypeDualstack {
		return []string{"0.0.0.0/0", "::/0"}
	}
	return []string{"0.0.0.0/0"}
}

// ingressKeys lists the (protocol, ports, CIDR) of each range of the permissions.
func ingressKeys(perms []ec2types.IpPermission) []string {
	var out []string
	for _, p := range perms {
		head := aws.ToString(p.IpProtocol) + ":" + itoa(aws.ToInt32(p.FromPort)) + "-" + itoa(aws.ToInt32(p.ToPort)) + ":"
		for _, r := range p.IpRanges {
			out = append(out, head+aws.ToString(r.CidrIp))
		}
		for _, r := range p.Ipv6Ranges {
			out = append(out, head+aws.ToString(r.CidrIpv6))
		}
	}
	slices.Sort(out)
	return out
}

func ingressList(perms []ec2types.IpPermission) string { return strings.Join(ingressKeys(perms), ",") }

// String is the action in one word: "forward:TG", "fixed:404" or "redirect:https".
func (a action) String() string {
	switch {
	case a.Redirect:
		return "redirect:https"
	case a.TargetGroup != "":
		return "forward:" + a.TargetGroup
	}
	return "fixed:" + itoa(a.FixedStatus)
}

// certList is the default certificate, then the others sorted.
func certList(cs []certRef) string {
	if len(cs) == 0 {
		return ""
	}
	names := make([]string, 0, len(cs))
	for _, c := range cs[1:] {
		names = append(names, c.id())
	}
	return cs[0].id() + ";" + sortedJoin(names)
}

func (c certRef) id() string {
	if c.Resource != "" {
		return "cert:" + c.Resource
	}
	return c.ARN
}

// key identifies a rule by its conditions, whatever its action and priority: a rule whose
// conditions stay is modified or moved, never deleted and created again.
func (r ruleSpec) key() string {
	c := r.Rule
	c.Action = albrules.Action{}
	return c.Key()
}

// ruleList is each rule, in priority order, as "PRIORITY KEY" (conditions and action).
func ruleList(rs []ruleSpec) string {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b ruleSpec) int { return int(a.Priority - b.Priority) })
	lines := make([]string, 0, len(rs))
	for _, r := range rs {
		lines = append(lines, itoa(r.Priority)+" "+r.Rule.Key())
	}
	return strings.Join(lines, "\n")
}

func sortedJoin(ss []string) string {
	ss = slices.Clone(ss)
	slices.Sort(ss)
	return strings.Join(ss, ",")
}

// elbTags turns a tag map into ELBv2 tags, sorted by key.
func elbTags(m map[string]string) []elbtypes.Tag {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]elbtypes.Tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, elbtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// tagMap reads ELBv2 tags.
func tagMap(tags []elbtypes.Tag) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

// ec2Tags turns a tag map into EC2 tags, sorted by key.
func ec2Tags(m map[string]string) []ec2types.Tag {
	out := make([]ec2types.Tag, 0, len(m))
	for _, t := range elbTags(m) {
		out = append(out, ec2types.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

func ec2TagMap(tags []ec2types.Tag) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}
