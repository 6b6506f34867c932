package aws

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/retry"
)

// targetBatch is how many targets one Register or Deregister call carries.
const targetBatch = 100

// DeregistrationDelaySeconds is how long a target group lets the requests in flight to a
// deregistered target finish (deregistration_delay.timeout_seconds). The controller
// deregisters a target as soon as its pod starts terminating, so a pod whose
// terminationGracePeriodSeconds (or preStop hook) covers this time never drops a request.
// AWS's own default, 300 s, would keep every rollout waiting five minutes per batch.
const DeregistrationDelaySeconds = 30

// createTargetGroup creates a target group (AWS answers a create of one that exists with
// the same settings with that one), then registers its targets.
func (c *client) createTargetGroup(ctx context.Context, want plan.Resource, s tgSpec) error {
	var out *elbv2.CreateTargetGroupOutput
	err := c.c.write(ctx, "elbv2.CreateTargetGroup", "create "+want.String(), func() (err error) {
		out, err = c.cs.ELBV2.CreateTargetGroup(ctx, s.Create)
		return err
	})
	if errors.Is(err, retry.ErrAlreadyExists) {
		_, err = c.adopt(ctx, want, err)
		return err
	}
	if err != nil {
		return err
	}
	if len(out.TargetGroups) == 0 {
		return notVisible(KindTargetGroup, want.Name)
	}
	s.ARN = aws.ToString(out.TargetGroups[0].TargetGroupArn)
	targets := s.Targets
	s.Targets = nil
	// Set once at creation, not read back: AWS reads attributes one group at a time. A
	// controller stopped between the two calls leaves AWS's default on that group.
	if err := c.setDeregistrationDelay(ctx, want, s.ARN); err != nil {
		return err
	}
	// Known empty without a read, which AWS might not answer yet; a group adopted after a
	// lost answer is read again by the next pass.
	c.reads.targets.store(s.ARN, &tgTargets{at: c.p.opts.Clock.Now()})
	c.reads.cache.Put(c.region, KindTargetGroup, observed(KindTargetGroup, want.Name, s))
	return c.register(ctx, want, s.ARN, targets)
}

func (c *client) setDeregistrationDelay(ctx context.Context, r plan.Resource, arn string) error {
	return c.c.write(ctx, "elbv2.ModifyTargetGroupAttributes", "set the deregistration delay of "+r.String(), func() error {
		_, err := c.cs.ELBV2.ModifyTargetGroupAttributes(ctx, &elbv2.ModifyTargetGroupAttributesInput{TargetGroupArn: aws.String(arn),
			Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String(strconv.Itoa(DeregistrationDelaySeconds))}}})
		return err
	})
}

// patchTargetGroup changes a group's health check in place, and registers and deregisters
// the targets that differ.
func (c *client) patchTargetGroup(ctx context.Context, have, want plan.Resource, fields []string) error {
	hs, ws := have.Spec.(tgSpec), want.Spec.(tgSpec)
	if slices.Contains(fields, fieldHealthCheck) {
		in := ws.Create
		err := c.c.write(ctx, "elbv2.ModifyTargetGroup", "update health check of "+want.String(), func() error {
			_, err := c.cs.ELBV2.ModifyTargetGroup(ctx, &elbv2.ModifyTargetGroupInput{TargetGroupArn: aws.String(hs.ARN),
				HealthCheckEnabled: in.HealthCheckEnabled, HealthCheckProtocol: in.HealthCheckProtocol, HealthCheckPath: in.HealthCheckPath,
				HealthCheckPort: in.HealthCheckPort, HealthCheckIntervalSeconds: in.HealthCheckIntervalSeconds,
				HealthCheckTimeoutSeconds: in.HealthCheckTimeoutSeconds, HealthyThresholdCount: in.HealthyThresholdCount,
				UnhealthyThresholdCount: in.UnhealthyThresholdCount, Matcher: in.Matcher})
			return err
		})
		if err != nil {
			return err
		}
		c.reads.cache.Invalidate(c.region, KindTargetGroup)
	}
	if !slices.Contains(fields, fieldTargets) {
		return nil
	}
	add, remove := targetDiff(hs.Targets, ws.Targets)
	if err := c.register(ctx, want, hs.ARN, add); err != nil {
		return err
	}
	return c.deregister(ctx, want, hs.ARN, remove)
}

// targetDiff returns the targets to register and to deregister.
func targetDiff(have, want []elbtypes.TargetDescription) (add, remove []elbtypes.TargetDescription) {
	in := func(ts []elbtypes.TargetDescription, t elbtypes.TargetDescription) bool {
		return slices.ContainsFunc(ts, func(x elbtypes.TargetDescription) bool { return targetKey(x) == targetKey(t) })
	}
	for _, t := range want {
		if !in(have, t) {
			add = append(add, t)
		}
	}
	for _, t := range have {
		if !in(want, t) {
			remove = append(remove, t)
		}
	}
	return add, remove
}

// register registers targets in batches.
func (c *client) register(ctx context.Context, r plan.Resource, arn string, ts []elbtypes.TargetDescription) error {
	for i := 0; i < len(ts); i += targetBatch {
		batch := ts[i:min(i+targetBatch, len(ts))]
		err := c.c.write(ctx, "elbv2.RegisterTargets", "register targets of "+r.String(), func() error {
			_, err := c.cs.ELBV2.RegisterTargets(ctx, &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(arn), Targets: batch})
			return err
		})
		if err != nil {
			c.reads.targets.forget(arn)
			return err
		}
		c.reads.targets.registered(arn, batch)
	}
	return nil
}

// deregister deregisters targets in batches; AWS drains each for the group's
// deregistration delay before it stops sending it requests.
func (c *client) deregister(ctx context.Context, r plan.Resource, arn string, ts []elbtypes.TargetDescription) error {
	for i := 0; i < len(ts); i += targetBatch {
		batch := ts[i:min(i+targetBatch, len(ts))]
		err := c.c.write(ctx, "elbv2.DeregisterTargets", "deregister targets of "+r.String(), func() error {
			_, err := c.cs.ELBV2.DeregisterTargets(ctx, &elbv2.DeregisterTargetsInput{TargetGroupArn: aws.String(arn), Targets: batch})
			return err
		})
		if err != nil {
			c.reads.targets.forget(arn)
			return err
		}
		c.reads.targets.deregistered(arn, batch)
	}
	return nil
}
