package aws

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// DefaultHealthResync is how long the targets of a group, all found healthy, are trusted
// before they are read again.
const DefaultHealthResync = 5 * time.Minute

// healthRetry is how often the targets of a group with a target not known healthy are read
// again, when no readiness gate waits on them.
const healthRetry = 30 * time.Second

// tgTargets is what was read of a target group's targets: those registered (a draining
// target, already deregistered, is not), with their health.
type tgTargets struct {
	at      time.Time
	targets []elbtypes.TargetHealthDescription
	// settled is an entry taken from the status after a restart, not read: trusted until
	// HealthResync unless a readiness gate waits, as reading it sooner would read every
	// group on every restart.
	settled bool
}

func (t *tgTargets) healthy() bool {
	for _, d := range t.targets {
		if d.TargetHealth == nil || d.TargetHealth.State != elbtypes.TargetHealthStateEnumHealthy {
			return false
		}
	}
	return true
}

// targetCache keeps the targets of each target group, by ARN. AWS reads them one group at a
// time (DescribeTargetHealth), so they are read only when they may have changed or matter
// now: never read, a target not known healthy (at most every healthRetry, or at once when
// a readiness gate waits), and otherwise once per HealthResync. The provider's own
// registrations update it in place; a write whose outcome is unknown drops the entry.
type targetCache struct {
	mu      sync.Mutex
	entries map[string]*tgTargets
}

func (c *targetCache) get(arn string) (*tgTargets, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[arn]
	if !ok {
		return nil, false
	}
	return &tgTargets{at: e.at, targets: slices.Clone(e.targets), settled: e.settled}, true
}

// seed takes a group's targets from the status, if nothing was read of it.
func (c *targetCache) seed(arn string, ts []elbtypes.TargetDescription, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[arn]; ok {
		return
	}
	e := &tgTargets{at: now, settled: true}
	for _, t := range ts {
		e.targets = append(e.targets, elbtypes.TargetHealthDescription{Target: &t})
	}
	c.entries[arn] = e
}

func (c *targetCache) store(arn string, e *tgTargets) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[arn] = e
}

// update changes the targets of a group whose entry is known, keeping when it was read.
func (c *targetCache) update(arn string, fn func([]elbtypes.TargetHealthDescription) []elbtypes.TargetHealthDescription) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[arn]; ok {
		e.targets = fn(slices.Clone(e.targets))
	}
}

func (c *targetCache) forget(arn string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, arn)
}

// registered records targets the provider registered: their health is not known yet.
func (c *targetCache) registered(arn string, ts []elbtypes.TargetDescription) {
	c.update(arn, func(have []elbtypes.TargetHealthDescription) []elbtypes.TargetHealthDescription {
		for _, t := range ts {
			have = append(have, elbtypes.TargetHealthDescription{Target: &t,
				TargetHealth: &elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumInitial}})
		}
		return have
	})
}

// deregistered records targets the provider deregistered.
func (c *targetCache) deregistered(arn string, ts []elbtypes.TargetDescription) {
	gone := map[string]bool{}
	for _, t := range ts {
		gone[targetKey(t)] = true
	}
	c.update(arn, func(have []elbtypes.TargetHealthDescription) []elbtypes.TargetHealthDescription {
		return slices.DeleteFunc(have, func(d elbtypes.TargetHealthDescription) bool { return d.Target != nil && gone[targetKey(*d.Target)] })
	})
}

// targetsOf returns a target group's registered targets with their health, read only when
// needed (see targetCache); await says a readiness gate waits on them.
func (r *reads) targetsOf(ctx context.Context, cs *Clients, arn string, await bool) ([]elbtypes.TargetHealthDescription, error) {
	now := r.p.opts.Clock.Now()
	if e, ok := r.targets.get(arn); ok {
		age := now.Sub(e.at)
		fresh := age < r.p.opts.HealthResync && (e.healthy() || !await && (e.settled || age < healthRetry))
		if fresh {
			return e.targets, nil
		}
	}
	var out *elbv2.DescribeTargetHealthOutput
	err := r.c.read(ctx, "elbv2.DescribeTargetHealth", "describe target health of "+arn, func() (err error) {
		out, err = cs.ELBV2.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(arn)})
		return err
	})
	if err != nil {
		return nil, notVisibleYet(err, "the target group "+arn)
	}
	var ts []elbtypes.TargetHealthDescription
	for _, d := range out.TargetHealthDescriptions {
		if d.Target == nil || d.TargetHealth != nil && d.TargetHealth.State == elbtypes.TargetHealthStateEnumDraining {
			continue // deregistered already: it only finishes its requests
		}
		ts = append(ts, d)
	}
	r.targets.store(arn, &tgTargets{at: now, targets: ts})
	return slices.Clone(ts), nil
}

// descriptions are the targets of health descriptions.
func descriptions(ds []elbtypes.TargetHealthDescription) []elbtypes.TargetDescription {
	out := make([]elbtypes.TargetDescription, 0, len(ds))
	for _, d := range ds {
		out = append(out, elbtypes.TargetDescription{Id: d.Target.Id, Port: d.Target.Port, AvailabilityZone: d.Target.AvailabilityZone})
	}
	return out
}
