package aws

import (
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// The nodes' security groups admit the cluster's load balancers through one backend
// security group per VPC that every ALB of the cluster carries besides its own: one rule
// on each nodes' group, whatever the number of load balancers, as AWS allows 60 rules a
// group by default. The backend group and its rules belong to the cluster, not to any load
// balancer (their tags name no load balancer): each load balancer's graph wants them, so the
// first makes them, and the last one's Delete removes them (see shared.go).

// backendName is the name of the cluster's backend security group in a VPC.
func backendName(n providers.Namer, vpc string) string {
	return n.Name(abbrevs[KindSecurityGroup], "", "backend", vpc)
}

// nodeRuleName is the name of the rule that lets the source group into a nodes' group.
func nodeRuleName(n providers.Namer, group, source string) string {
	return n.Name(abbrevs[KindSecurityGroupRule], "", group, source)
}

// clusterTags are the tags of what the cluster's load balancers share.
func (b *builder) clusterTags(extra map[string]string) map[string]string {
	tags := b.tags(extra)
	delete(tags, providers.TagLoadBalancer)
	return tags
}

// addBackend adds the cluster's backend security group and its rule on each nodes' group,
// all TCP ports: the group is on the cluster's load balancers only, and targets listen on
// pod ports and NodePorts alike. It returns the group, none without nodes' groups.
func (b *builder) addBackend() (plan.Key, bool) {
	if len(b.cfg.nodeGroups) == 0 {
		return plan.Key{}, false
	}
	name := backendName(b.cfg.namer, b.cfg.vpc)
	sg := b.add(KindSecurityGroup, name, "the cluster's backend security group in "+b.cfg.vpc+", which the nodes let in",
		sgSpec{Create: &ec2CreateSG{GroupName: name, VpcID: b.cfg.vpc, Tags: b.clusterTags(map[string]string{TagResource: name}),
			Description: "portico: the load balancers of cluster " + b.cfg.cluster}})
	for _, group := range b.cfg.nodeGroups {
		rule := nodeRuleName(b.cfg.namer, group, name)
		spec := sgRuleSpec{Group: group, Source: name, From: 0, To: 65535, Tags: b.clusterTags(map[string]string{TagResource: rule})}
		b.add(KindSecurityGroupRule, rule, "ingress of the nodes' group "+group+" from the cluster's load balancers", spec, sg)
	}
	return sg, true
}

// isShared reports whether a resource belongs to the cluster rather than a load balancer.
func isShared(r plan.Resource) bool {
	tags := tagsOf(r.Spec)
	return tags[providers.TagCluster] != "" && tags[providers.TagLoadBalancer] == ""
}

// sharedKeys lists the graph's resources the cluster's load balancers share.
func sharedKeys(g plan.Graph) []plan.Key {
	var out []plan.Key
	for _, r := range g.Resources {
		if isShared(r) {
			out = append(out, r.Key)
		}
	}
	return out
}
