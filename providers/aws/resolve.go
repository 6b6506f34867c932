package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// The plan refers to resources by name; a write needs their ARNs. These resolve them from
// the snapshot, which holds every resource the provider made (a create puts it there) or
// listed. A resource missing there is one AWS does not show yet: retryable.

func notVisible(kind, name string) error {
	return providers.Retryable("NotVisibleYet", nil, "the %s %s is not visible yet", kind, name)
}

func (c *client) arnOf(ctx context.Context, kind, name string) (string, error) {
	r, ok, err := c.reads.cache.Get(ctx, c.region, kind, name)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", notVisible(kind, name)
	}
	switch s := r.Spec.(type) {
	case tgSpec:
		return s.ARN, nil
	case lbSpec:
		return s.ARN, nil
	case certSpec:
		return s.ARN, nil
	}
	return "", notVisible(kind, name)
}

// tgARN resolves the target group of an action.
func (c *client) tgARN(ctx context.Context) func(name string) (string, error) {
	return func(name string) (string, error) { return c.arnOf(ctx, KindTargetGroup, name) }
}

// certARN resolves a certificate of a listener.
func (c *client) certARN(ctx context.Context, ref certRef) (string, error) {
	if ref.Resource == "" {
		return ref.ARN, nil
	}
	return c.arnOf(ctx, KindCertificate, ref.Resource)
}

// lbARNOf is the ARN of the ALB of a load balancer, listener or rules resource.
func (c *client) lbARNOf(ctx context.Context, r plan.Resource) (string, error) {
	switch s := r.Spec.(type) {
	case lbSpec:
		if s.ARN != "" {
			return s.ARN, nil
		}
		return c.arnOf(ctx, KindLoadBalancer, r.Name)
	case listenerSpec:
		return c.arnOf(ctx, KindLoadBalancer, s.LoadBalancer)
	case rulesSpec:
		return c.lbOfListener(ctx, s.Listener)
	}
	return "", notVisible(r.Kind, r.Name)
}

// lbOfListener finds the ALB of a rules resource's listener, by the listener's name: the
// ALB is the one whose listener on that port has that name.
func (c *client) lbOfListener(ctx context.Context, listener string) (string, error) {
	lbs, err := c.reads.cache.All(ctx, c.region, KindLoadBalancer)
	if err != nil {
		return "", err
	}
	for _, lb := range lbs {
		o, ok := ownerOf(lb)
		if !ok {
			continue
		}
		for _, port := range []int32{80, 443} {
			if listenerName(c.p.namer, o.LoadBalancer, lb.Name, port) == listener {
				return lb.Spec.(lbSpec).ARN, nil
			}
		}
	}
	return "", notVisible(KindListener, listener)
}

// listenerARN finds a listener's ARN (and its ALB's) by the listener's resource name.
func (c *client) listenerARN(ctx context.Context, r plan.Resource, listener string) (lbARN, arn string, err error) {
	if lbARN, err = c.lbOfListener(ctx, listener); err != nil {
		return "", "", err
	}
	ds, err := c.reads.listenersOf(ctx, c.cs, lbARN)
	if err != nil {
		return "", "", err
	}
	o, _ := ownerOf(r)
	for _, d := range ds {
		if listenerName(c.p.namer, o.LoadBalancer, nameOfARN(lbARN), aws.ToInt32(d.Listener.Port)) == listener {
			return lbARN, aws.ToString(d.Listener.ListenerArn), nil
		}
	}
	return "", "", notVisible(KindListener, listener)
}
