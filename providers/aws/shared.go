package aws

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// deleteSharedIfUnused deletes what the cluster's load balancers share in a region (the
// backend security group and its rules on the nodes' groups) once no load balancer of the
// cluster is left there: every load balancer has a security group of its own, so none left
// means none uses them. It holds the provider's shared lock, which every Ensure holds for
// reading, so that no pass makes a load balancer on a backend group being deleted. A group
// AWS still finds attached answers DependencyViolation, retried by the next Delete.
func (p *Provider) deleteSharedIfUnused(ctx context.Context, region string) error {
	if !p.managesNodeRules() {
		return nil
	}
	p.sharedMu.Lock()
	defer p.sharedMu.Unlock()
	var shared []plan.Resource
	for _, kind := range []string{KindSecurityGroup, KindSecurityGroupRule} {
		if err := p.reads.cache.Refresh(ctx, region, kind); err != nil {
			return fmt.Errorf("read the cluster's security groups: %w", err)
		}
		rs, err := p.reads.cache.All(ctx, region, kind)
		if err != nil {
			return fmt.Errorf("read the cluster's security groups: %w", err)
		}
		for _, r := range rs {
			if o, ok := ownerOf(r); ok && o.ClusterID == p.opts.ClusterID {
				return nil // a load balancer of the cluster is left
			}
			if isShared(r) && tagsOf(r.Spec)[providers.TagCluster] == p.opts.ClusterID {
				shared = append(shared, withRefs(r))
			}
		}
	}
	if len(shared) == 0 {
		return nil
	}
	c, err := p.client(ctx, region)
	if err != nil {
		return err
	}
	res := p.engine.Apply(ctx, c, p.engine.Plan(plan.Graph{Scope: region}, shared))
	if res.Err != nil {
		return fmt.Errorf("delete the cluster's backend security group: %w", res.Err)
	}
	return nil
}
