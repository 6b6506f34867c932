package aws

import (
	"context"
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// Patch changes the named fields of a resource in place, each through its own call:
// a security group's ingress (Authorize/Revoke), a target group's health check
// (ModifyTargetGroup) and targets (Register/Deregister), an ALB's subnets, security groups
// and address type (SetSubnets, SetSecurityGroups, SetIpAddressType), a listener
// (ModifyListener and its certificates), a listener's rules (see patchRules).
func (c *client) Patch(ctx context.Context, have, want plan.Resource, fields []string) error {
	var err error

	switch want.Spec.(type) {
	case sgSpec:
		err = c.patchSecurityGroup(ctx, have, want)
	case tgSpec:
		err = c.patchTargetGroup(ctx, have, want, fields)
	case lbSpec:
		err = c.patchLoadBalancer(ctx, have, want, fields)
	case listenerSpec:
		err = c.patchListener(ctx, have, want, fields)
	case rulesSpec:
		err = c.patchRules(ctx, have, want)
	default:
		err = errors.New("update " + want.String() + ": fields cannot change in place")
	}
	c.settle(ctx, want, err)
	if err == nil {
		c.reput(have, want)
	}
	return err
}

// reput records a resource patched, with what AWS now holds: the wanted fields, the IDs
// and ARNs of what was read.
func (c *client) reput(have, want plan.Resource) {
	switch w := want.Spec.(type) {
	case sgSpec:
		w.ID = have.Spec.(sgSpec).ID
		c.reads.cache.Put(c.region, KindSecurityGroup, observed(KindSecurityGroup, want.Name, w))
	case tgSpec:
		h := have.Spec.(tgSpec)
		h.Create = w.Create
		c.reads.cache.Put(c.region, KindTargetGroup, observed(KindTargetGroup, want.Name, h))
	case lbSpec:
		h := have.Spec.(lbSpec)
		h.Create = w.Create
		h.SecurityGroups = w.SecurityGroups
		c.reads.cache.Put(c.region, KindLoadBalancer, observed(KindLoadBalancer, want.Name, h))
	}
}

func (c *client) patchSecurityGroup(ctx context.Context, have, want plan.Resource) error {
	id := have.Spec.(sgSpec).ID
	hs, ws := have.Spec.(sgSpec).Ingress, want.Spec.(sgSpec).Ingress
	hk, wk := ingressKeys(hs), ingressKeys(ws)
	var add, remove []ec2types.IpPermission
	for _, p := range splitRanges(ws) {
		if !slices.Contains(hk, ingressKeys([]ec2types.IpPermission{p})[0]) {
			add = append(add, p)
		}
	}
	for _, p := range splitRanges(hs) {
		if !slices.Contains(wk, ingressKeys([]ec2types.IpPermission{p})[0]) {
			remove = append(remove, p)
		}
	}
	if len(add) > 0 {
		if err := c.authorize(ctx, want, id, add); err != nil {
			return err
		}
	}
	if len(remove) == 0 {
		return nil
	}
	return c.c.write(ctx, "ec2.RevokeSecurityGroupIngress", "revoke ingress of "+want.String(), func() error {
		_, err := c.cs.EC2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: remove})
		return err
	})
}

// splitRanges gives each CIDR range of the permissions a permission of its own.
func splitRanges(perms []ec2types.IpPermission) []ec2types.IpPermission {
	var out []ec2types.IpPermission
	for _, p := range perms {
		for _, r := range p.IpRanges {
			out = append(out, ec2types.IpPermission{IpProtocol: p.IpProtocol, FromPort: p.FromPort, ToPort: p.ToPort, IpRanges: []ec2types.IpRange{{CidrIp: r.CidrIp}}})
		}
		for _, r := range p.Ipv6Ranges {
			out = append(out, ec2types.IpPermission{IpProtocol: p.IpProtocol, FromPort: p.FromPort, ToPort: p.ToPort, Ipv6Ranges: []ec2types.Ipv6Range{{CidrIpv6: r.CidrIpv6}}})
		}
	}
	return out
}

func (c *client) patchLoadBalancer(ctx context.Context, have, want plan.Resource, fields []string) error {
	arn := have.Spec.(lbSpec).ARN
	ws := want.Spec.(lbSpec)
	if slices.Contains(fields, fieldGroups) {
		var ids []string
		for _, name := range ws.SecurityGroups {
			id, err := c.groupID(ctx, name)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		err := c.c.write(ctx, "elbv2.SetSecurityGroups", "set security groups of "+want.String(), func() error {
			_, err := c.cs.ELBV2.SetSecurityGroups(ctx, &elbv2.SetSecurityGroupsInput{LoadBalancerArn: aws.String(arn), SecurityGroups: ids})
			return err
		})
		if err != nil {
			return err
		}
	}
	if slices.Contains(fields, fieldSubnets) {
		err := c.c.write(ctx, "elbv2.SetSubnets", "set subnets of "+want.String(), func() error {
			_, err := c.cs.ELBV2.SetSubnets(ctx, &elbv2.SetSubnetsInput{LoadBalancerArn: aws.String(arn), Subnets: ws.Create.Subnets})
			return err
		})
		if err != nil {
			return err
		}
	}
	if !slices.Contains(fields, fieldAddressType) {
		return nil
	}
	return c.c.write(ctx, "elbv2.SetIpAddressType", "set the address type of "+want.String(), func() error {
		_, err := c.cs.ELBV2.SetIpAddressType(ctx, &elbv2.SetIpAddressTypeInput{LoadBalancerArn: aws.String(arn), IpAddressType: ws.Create.IpAddressType})
		return err
	})
}

// Delete deletes a resource; one already gone counts as deleted. A security group or
// certificate the ALB just deleted still holds answers DependencyViolation or
// ResourceInUse for a while: a retryable error, so the next pass deletes it.
func (c *client) Delete(ctx context.Context, have plan.Resource) error {
	err := c.delete(ctx, have)

	if isNotFound(err) {
		err = nil
	}
	if err != nil {
		c.settle(ctx, have, err)
		return err
	}
	switch s := have.Spec.(type) {
	case lbSpec:
		c.reads.details.forget(s.ARN)
	case tgSpec:
		c.reads.targets.forget(s.ARN)
	case listenerSpec:
		if lbARN, lerr := c.arnOf(ctx, KindLoadBalancer, s.LoadBalancer); lerr == nil {
			c.reads.details.update(lbARN, s.ARN, func(*listenerDetail) *listenerDetail { return nil })
		}
	}
	if have.Kind != KindListener && have.Kind != KindListenerRules {
		c.reads.cache.Remove(c.region, have.Kind, have.Name)
	}
	return nil
}

func (c *client) delete(ctx context.Context, have plan.Resource) error {
	what := "delete " + have.String()
	switch s := have.Spec.(type) {
	case sgSpec:
		return c.c.write(ctx, "ec2.DeleteSecurityGroup", what, func() error {
			_, err := c.cs.EC2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(s.ID)})
			return err
		})
	case sgRuleSpec:
		return c.c.write(ctx, "ec2.RevokeSecurityGroupIngress", what, func() error {
			p := nodePermission(s, s.SourceID)
			p.UserIdGroupPairs[0].Description = nil
			_, err := c.cs.EC2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(s.Group), IpPermissions: []ec2types.IpPermission{p}})
			return err
		})
	case tgSpec:
		return c.c.write(ctx, "elbv2.DeleteTargetGroup", what, func() error {
			_, err := c.cs.ELBV2.DeleteTargetGroup(ctx, &elbv2.DeleteTargetGroupInput{TargetGroupArn: aws.String(s.ARN)})
			return err
		})
	case certSpec:
		return c.c.write(ctx, "acm.DeleteCertificate", what, func() error {
			_, err := c.cs.ACM.DeleteCertificate(ctx, &acm.DeleteCertificateInput{CertificateArn: aws.String(s.ARN)})
			return err
		})
	case lbSpec:
		return c.c.write(ctx, "elbv2.DeleteLoadBalancer", what, func() error {
			_, err := c.cs.ELBV2.DeleteLoadBalancer(ctx, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: aws.String(s.ARN)})
			return err
		})
	case listenerSpec:
		return c.c.write(ctx, "elbv2.DeleteListener", what, func() error {
			_, err := c.cs.ELBV2.DeleteListener(ctx, &elbv2.DeleteListenerInput{ListenerArn: aws.String(s.ARN)})
			return err
		})
	case rulesSpec:
		return c.deleteAllRules(ctx, have)
	}
	return errors.New(what + ": unknown kind")
}

// isNotFound reports a resource AWS does not have.
func isNotFound(err error) bool { return providers.IsNotFound(err) }
