package aws

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/retry"
)

// client is the plan engine's way to AWS for the load balancers of one region: one
// resource per write (or a few calls for one resource), each error classified. Every write
// lands in the shared snapshot and the caches of listeners and targets, or drops them when
// its outcome is unknown, so the next pass sees it without a list, and never creates twice
// what AWS does not list yet.
type client struct {
	p      *Provider
	cs     *Clients
	region string
	c      caller
	reads  *reads
}

var _ plan.Client = (*client)(nil)

// client returns the plan client of a region.
func (p *Provider) client(ctx context.Context, region string) (*client, error) {
	cs, err := p.clients.get(ctx, region)
	if err != nil {
		return nil, err
	}
	return &client{p: p, cs: cs, region: region, c: p.reads.c, reads: p.reads}, nil
}

// Insert creates a resource, with what AWS takes in calls of its own (a security group's
// ingress, a target group's targets, a listener's further certificates).
func (c *client) Insert(ctx context.Context, want plan.Resource) error {
	var err error
	switch s := want.Spec.(type) {
	case sgSpec:
		err = c.createSecurityGroup(ctx, want, s)
	case sgRuleSpec:
		err = c.createNodeRule(ctx, want, s)
	case tgSpec:
		err = c.createTargetGroup(ctx, want, s)
	case certSpec:
		err = c.importCertificate(ctx, want, s)
	case lbSpec:
		err = c.createLoadBalancer(ctx, want, s)
	case listenerSpec:
		err = c.createListener(ctx, want, s)
	case rulesSpec:
		err = c.createRules(ctx, want, s)
	default:
		err = errors.New("insert " + want.String() + ": unknown spec")
	}
	c.settle(ctx, want, err)
	return err
}

// settle drops what the caches hold of a resource whose write failed: it may have landed.
func (c *client) settle(ctx context.Context, r plan.Resource, err error) {
	if err == nil {
		return
	}
	if r.Kind == KindListener || r.Kind == KindListenerRules || r.Kind == KindLoadBalancer {
		if arn, lerr := c.lbARNOf(ctx, r); lerr == nil {
			c.reads.details.forget(arn)
		}
	}
	if s, ok := r.Spec.(tgSpec); ok && s.ARN != "" {
		c.reads.targets.forget(s.ARN)
	}
	if r.Kind != KindListener && r.Kind != KindListenerRules {
		c.reads.cache.Invalidate(c.region, r.Kind)
	}
}

// adopt reads a resource whose name AWS says is taken but the snapshot did not show: one
// this load balancer made (a crash, or an answer lost) is adopted, and the next pass
// corrects it if it differs; anyone else's is a conflict.
func (c *client) adopt(ctx context.Context, want plan.Resource, createErr error) (plan.Resource, error) {
	if err := c.reads.cache.Refresh(ctx, c.region, want.Kind); err != nil {
		return plan.Resource{}, createErr
	}
	have, ok, err := c.reads.cache.Get(ctx, c.region, want.Kind, want.Name)
	if err != nil || !ok {
		// Taken, yet not listed: most likely this load balancer's own, made a moment ago
		// and not visible yet. The next pass lists it, and adopts it or says whose it is.
		return plan.Resource{}, providers.Retryable("NotVisibleYet", createErr, "%s exists but AWS does not list it yet", want.Key)
	}
	wo, _ := ownerOf(want)
	if ho, _ := ownerOf(have); ho.Base() != wo.Base() {
		return plan.Resource{}, providers.Conflict(retry.ReasonNameTaken, createErr, "%s is taken by a resource portico does not own for this load balancer", want.Key)
	}
	return have, nil
}

func (c *client) createSecurityGroup(ctx context.Context, want plan.Resource, s sgSpec) error {
	var out *ec2.CreateSecurityGroupOutput
	err := c.c.write(ctx, "ec2.CreateSecurityGroup", "create "+want.String(), func() (err error) {
		out, err = c.cs.EC2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			GroupName: aws.String(s.Create.GroupName), Description: aws.String(s.Create.Description), VpcId: aws.String(s.Create.VpcID),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: ec2Tags(s.Create.Tags)}},
		})
		return err
	})
	if errors.Is(err, retry.ErrAlreadyExists) {
		have, aerr := c.adopt(ctx, want, err)
		if aerr != nil {
			return aerr
		}
		return c.Patch(ctx, have, want, []string{fieldIngress})
	}
	if err != nil {
		return err
	}
	s.ID = aws.ToString(out.GroupId)
	if len(s.Ingress) > 0 {
		if err := c.authorize(ctx, want, s.ID, s.Ingress); err != nil {
			return err
		}
	}
	c.reads.cache.Put(c.region, KindSecurityGroup, observed(KindSecurityGroup, want.Name, s))
	return nil
}

func (c *client) authorize(ctx context.Context, r plan.Resource, id string, perms []ec2types.IpPermission) error {
	err := c.c.write(ctx, "ec2.AuthorizeSecurityGroupIngress", "authorize ingress of "+r.String(), func() error {
		_, err := c.cs.EC2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: perms})
		return err
	})
	if errors.Is(err, retry.ErrAlreadyExists) {
		return nil // granted already: what was wanted
	}
	return err
}

// createNodeRule lets the load balancer's group into a nodes' group, tagged at creation.
func (c *client) createNodeRule(ctx context.Context, want plan.Resource, s sgRuleSpec) error {
	source, err := c.groupID(ctx, s.Source)
	if err != nil {
		return err
	}
	err = c.c.write(ctx, "ec2.AuthorizeSecurityGroupIngress", "create "+want.String(), func() (err error) {
		_, err = c.cs.EC2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
			GroupId: aws.String(s.Group), IpPermissions: []ec2types.IpPermission{nodePermission(s, source)},
		})
		return err
	})
	if errors.Is(err, retry.ErrAlreadyExists) {
		err = nil // granted already: what was wanted
	}
	if err != nil {
		return err
	}
	s.SourceID = source
	c.reads.cache.Put(c.region, KindSecurityGroupRule, observed(KindSecurityGroupRule, want.Name, s))
	return nil
}

// nodePermission is the ingress a node rule grants: TCP on its ports from the load
// balancer's group, described for whoever reads the nodes' group.
func nodePermission(s sgRuleSpec, source string) ec2types.IpPermission {
	return ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(s.From), ToPort: aws.Int32(s.To),
		UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(source), Description: aws.String("portico load balancer " + s.Tags[providers.TagLoadBalancer])}}}
}

// importCertificate imports a TLS Secret into ACM with its tags. The key is read only now,
// for a certificate ACM does not hold, and goes nowhere but the call.
func (c *client) importCertificate(ctx context.Context, want plan.Resource, s certSpec) error {
	if s.Key == nil {
		return providers.Invalid("TLSKeyMissing", nil, "import %s: the TLS Secret %s has no key", want.Key, s.Secret)
	}
	key, err := s.Key(ctx)
	if err != nil {
		return providers.Retryable("TLSSecretUnreadable", err, "import %s: reading the key of the TLS Secret %s", want.Key, s.Secret)
	}
	leaf, chain := splitChain(s.CertPEM)
	tags := acmTags(s.Tags)
	var out *acm.ImportCertificateOutput
	err = c.c.write(ctx, "acm.ImportCertificate", "import "+want.String(), func() (err error) {
		// An import is not idempotent: one whose answer was lost, retried, would leave two
		// certificates. So it is made once; a failure is retried by the next pass, which
		// lists ACM first and finds the certificate if the import landed.
		out, err = c.cs.ACM.ImportCertificate(ctx, &acm.ImportCertificateInput{Certificate: leaf, CertificateChain: chain, PrivateKey: key, Tags: tags},
			func(o *acm.Options) { o.RetryMaxAttempts = 1 })
		return err
	})
	if err != nil {
		return err
	}
	s.ARN = aws.ToString(out.CertificateArn)
	s.CertPEM, s.Key = nil, nil
	c.reads.certTags.put(s.ARN, s.Tags)
	c.reads.cache.Put(c.region, KindCertificate, observed(KindCertificate, want.Name, s))
	return nil
}

func (c *client) createLoadBalancer(ctx context.Context, want plan.Resource, s lbSpec) error {
	in := *s.Create
	in.SecurityGroups = nil
	for _, name := range s.SecurityGroups {
		id, err := c.groupID(ctx, name)
		if err != nil {
			return err
		}
		in.SecurityGroups = append(in.SecurityGroups, id)
	}
	var out *elbv2.CreateLoadBalancerOutput
	err := c.c.write(ctx, "elbv2.CreateLoadBalancer", "create "+want.String(), func() (err error) {
		out, err = c.cs.ELBV2.CreateLoadBalancer(ctx, &in)
		return err
	})
	if errors.Is(err, retry.ErrAlreadyExists) {
		_, err = c.adopt(ctx, want, err)
		return err
	}
	if err != nil {
		return err
	}
	if len(out.LoadBalancers) == 0 {
		return providers.Retryable("NotVisibleYet", nil, "create %s: AWS returned no load balancer", want.Key)
	}
	lb := lbOf(out.LoadBalancers[0], s.Create.Tags)
	lb.SecurityGroups = s.SecurityGroups
	// A load balancer just made has no listener: known without a read, which AWS might not
	// answer yet.
	if _, known := c.reads.details.get(lb.ARN, c.p.opts.Clock.Now(), c.p.opts.DetailResync); !known {
		c.reads.details.store(lb.ARN, c.p.opts.Clock.Now(), nil)
	}
	c.reads.cache.Put(c.region, KindLoadBalancer, observed(KindLoadBalancer, want.Name, lb))
	return nil
}

// groupID is the ID of a security group of the plan, by name.
func (c *client) groupID(ctx context.Context, name string) (string, error) {
	r, ok, err := c.reads.cache.Get(ctx, c.region, KindSecurityGroup, name)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", providers.Retryable("NotVisibleYet", nil, "the security group %s is not visible yet", name)
	}
	return r.Spec.(sgSpec).ID, nil
}
