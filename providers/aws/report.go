package aws

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

var _ plan.Reporter = (*Provider)(nil)

// Report implements plan.Reporter: the plan of Plan, each resource's spec being the input
// of the ELBv2, EC2 or ACM call that creates it (CreateTargetGroupInput, CreateRuleInput
// with conditions, actions and priority, ...), in the APIs' own field names, so that a
// script can read it and a user can diff it. What AWS takes in a call of its own is in
// Attach: a target group's RegisterTargetsInput, a security group's
// AuthorizeSecurityGroupIngressInput. A reference to a resource not made yet is written
// "{Kind NAME}" where AWS wants its ID or ARN. A certificate's key is never shown.
func (p *Provider) Report(ctx context.Context, want *providers.Desired) (*plan.Report, error) {
	loc, g, have, err := p.prepare(ctx, want)
	if err != nil {
		return nil, err
	}
	services := map[string]v1alpha1.ServiceRef{}
	for _, r := range g.Resources {
		if s, ok := r.Spec.(tgSpec); ok {
			services[r.Name] = backendOf(want, s.Backend).Service
		}
	}
	ids := idsOf(append(have, g.Resources...))
	head := plan.Report{LoadBalancer: want.Ref.Name, Provider: ProviderName, Location: loc}
	for _, m := range want.Spec.Members {
		head.Members = append(head.Members, m.Namespace+"/"+m.Name)
	}
	pl := p.engine.Plan(g, have)
	rep := p.engine.Report(pl, head, func(r plan.Resource) (json.RawMessage, *v1alpha1.ServiceRef, []string) {
		var svc *v1alpha1.ServiceRef
		if ref, ok := services[r.Name]; ok {
			svc = &ref
		}
		spec, _ := reportSpec(r, ids)
		return spec, svc, routingOf(r)
	})
	for i, res := range rep.Resources {
		if r, ok := find(g, have, res); ok {
			_, rep.Resources[i].Attach = reportSpec(r, ids)
		}
	}
	return rep, nil
}

// find returns the resource of a reported step: the wanted one, or for a delete AWS's.
func find(g plan.Graph, have []plan.Resource, res plan.ReportResource) (plan.Resource, bool) {
	pool := g.Resources
	if res.Op == providers.OpDelete {
		pool = have
	}
	for _, r := range pool {
		if r.Kind == res.Kind && r.Name == res.Name {
			return r, true
		}
	}
	return plan.Resource{}, false
}

// ids maps each resource of the plan to its ID or ARN when it exists, else a placeholder.
type ids map[plan.Key]string

func idsOf(rs []plan.Resource) ids {
	out := ids{}
	for _, r := range rs {
		var id string
		switch s := r.Spec.(type) {
		case sgSpec:
			id = s.ID
		case tgSpec:
			id = s.ARN
		case certSpec:
			id = s.ARN
		case lbSpec:
			id = s.ARN
		case listenerSpec:
			id = s.ARN
		}
		if id != "" {
			out[r.Key] = id
		}
	}
	return out
}

func (m ids) of(kind, name string) string {
	if id, ok := m[plan.Key{Kind: kind, Name: name}]; ok {
		return id
	}
	return fmt.Sprintf("{%s %s}", kind, name)
}

func (m ids) tg(name string) (string, error) { return m.of(KindTargetGroup, name), nil }

// reportSpec is a resource's create input and, for what AWS takes apart, the input of
// that call.
func reportSpec(r plan.Resource, m ids) (spec, attach json.RawMessage) {
	switch s := r.Spec.(type) {
	case sgSpec:
		spec = jsonOf(&ec2.CreateSecurityGroupInput{GroupName: aws.String(s.Create.GroupName), Description: aws.String(s.Create.Description),
			VpcId: aws.String(s.Create.VpcID), TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: ec2Tags(s.Create.Tags)}}})
		if len(s.Ingress) > 0 {
			attach = jsonOf(&ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(m.of(KindSecurityGroup, r.Name)), IpPermissions: s.Ingress})
		}
	case sgRuleSpec:
		spec = jsonOf(&ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(s.Group),
			IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(s.From), ToPort: aws.Int32(s.To),
				UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(m.of(KindSecurityGroup, s.Source))}}}},
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroupRule, Tags: ec2Tags(s.Tags)}}})
	case tgSpec:
		spec = jsonOf(s.Create)
		if len(s.Targets) > 0 {
			attach = jsonOf(&elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(m.of(KindTargetGroup, r.Name)), Targets: s.Targets})
		}
	case certSpec:
		spec = jsonOf(struct {
			Tags []acmtypes.Tag
		}{Tags: acmTags(s.Tags)})
	case lbSpec:
		in := *s.Create
		in.SecurityGroups = nil
		for _, g := range s.SecurityGroups {
			in.SecurityGroups = append(in.SecurityGroups, m.of(KindSecurityGroup, g))
		}
		spec = jsonOf(&in)
	case listenerSpec:
		spec = jsonOf(reportListener(s, m))
	case rulesSpec:
		spec = jsonOf(reportRules(s, m))
	}
	return spec, attach
}

func reportListener(s listenerSpec, m ids) *elbv2.CreateListenerInput {
	def, _ := s.Default.sdkActions(m.tg)
	in := &elbv2.CreateListenerInput{LoadBalancerArn: aws.String(m.of(KindLoadBalancer, s.LoadBalancer)), Port: aws.Int32(s.Port),
		Protocol: s.Protocol, DefaultActions: def, Tags: elbTags(s.Tags)}
	if s.Protocol == elbtypes.ProtocolEnumHttps {
		in.SslPolicy = aws.String(s.SSLPolicy)
		for _, c := range s.Certificates {
			a := c.ARN
			if c.Resource != "" {
				a = m.of(KindCertificate, c.Resource)
			}
			in.Certificates = append(in.Certificates, elbtypes.Certificate{CertificateArn: aws.String(a)})
		}
	}
	return in
}

func reportRules(s rulesSpec, m ids) []elbv2.CreateRuleInput {
	out := make([]elbv2.CreateRuleInput, 0, len(s.Rules))
	for _, r := range s.Rules {
		actions, _ := ruleActions(r.Rule.Action, m.tg)
		out = append(out, elbv2.CreateRuleInput{ListenerArn: aws.String(m.of(KindListener, s.Listener)), Priority: aws.Int32(r.Priority),
			Conditions: r.Rule.Conditions(), Actions: actions, Tags: elbTags(s.Tags)})
	}
	return out
}

// routingOf says in words where a listener or its rules send traffic.
func routingOf(r plan.Resource) []string {
	switch s := r.Spec.(type) {
	case listenerSpec:
		return []string{fmt.Sprintf("port %d (%s): by default %s", s.Port, s.Protocol, s.Default)}
	case rulesSpec:
		var out []string
		for _, rule := range s.Rules {
			out = append(out, fmt.Sprintf("priority %d: hosts %v paths %v -> %s", rule.Priority, rule.Rule.Hosts, rule.Rule.Paths, rule.Rule.Action))
		}
		return out
	case tgSpec:
		return []string{"serves " + s.Service}
	}
	return nil
}

func acmTags(m map[string]string) []acmtypes.Tag {
	var out []acmtypes.Tag
	for _, t := range elbTags(m) {
		out = append(out, acmtypes.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

// jsonOf is the JSON of an SDK input, with the API's field names.
func jsonOf(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}
