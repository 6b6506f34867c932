package aws

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/portico-dev/portico/providers/plan"
)

// addNodeRules lets the load balancer's security group reach each of the nodes' security
// groups on the ports of its targets (pod ports or NodePorts, and health check ports): one
// ingress rule on each nodes' group, tagged with its owner, whose source is the load
// balancer's group. A load balancer without targets needs none.
func (b *builder) addNodeRules(sg plan.Key) {
	from, to := int32(0), int32(0)
	widen := func(p int32) {
		if p <= 0 {
			return
		}
		if from == 0 || p < from {
			from = p
		}
		to = max(to, p)
	}
	for _, r := range b.g.Resources {
		s, ok := r.Spec.(tgSpec)
		if !ok {
			continue
		}
		for _, t := range s.Targets {
			widen(aws.ToInt32(t.Port))
		}
		if len(s.Targets) > 0 && aws.ToString(s.Create.HealthCheckPort) != "traffic-port" {
			var p int32
			for _, c := range aws.ToString(s.Create.HealthCheckPort) {
				p = p*10 + c - '0'
			}
			widen(p)
		}
	}
	if from == 0 {
		return
	}
	for _, group := range b.cfg.nodeGroups {
		name := b.name(KindSecurityGroupRule, group)
		spec := sgRuleSpec{Group: group, Source: sg.Name, From: from, To: to, Tags: b.tags(map[string]string{TagResource: name})}
		b.add(KindSecurityGroupRule, name, "ingress of nodes' group "+group+" from the load balancer on ports "+itoa(from)+"-"+itoa(to), spec, sg)
	}
}
