package gcp

import (
	"context"
	"sync"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// usageIndex is the cluster's use of its shared resources in each location, derived from
// the snapshots of backend services and endpoint groups and kept until either changes: a
// load balancer's pass subtracts its own share from the totals instead of scanning every
// load balancer, so a resync costs in proportion to the load balancers, not their square.
type usageIndex struct {
	mu    sync.Mutex
	byLoc map[string]*locationUsage
}

// locationUsage is the use of one location at given snapshot versions.
type locationUsage struct {
	bsVersion, negVersion uint64
	// byLB is each load balancer's share; total counts, for each zone and port, how many
	// load balancers use it.
	byLB  map[string]*sharedUse
	total usageCounts
}

// usageCounts counts the load balancers that use each zone's group, each named port of a
// zone, and each port.
type usageCounts struct {
	zones      map[string]int
	namedPorts map[string]map[int32]int
	ports      map[int32]int
}

func (c usageCounts) add(u *sharedUse) {
	for zone, ports := range u.zones {
		c.zones[zone]++
		if c.namedPorts[zone] == nil {
			c.namedPorts[zone] = map[int32]int{}
		}
		for port := range ports {
			c.namedPorts[zone][port]++
		}
	}
	for port := range u.ports {
		c.ports[port]++
	}
}

// others returns the use of every load balancer but the one whose share is own.
func (c usageCounts) others(own *sharedUse) *sharedUse {
	if own == nil {
		own = newSharedUse()
	}
	out := newSharedUse()
	for zone, n := range c.zones {
		if _, mine := own.zones[zone]; n-b2i(mine) > 0 {
			out.zones[zone] = map[int32]bool{}
		}
		for port, n := range c.namedPorts[zone] {
			if n-b2i(own.zones[zone][port]) > 0 {
				out.zones[zone][port] = true
			}
		}
	}
	for port, n := range c.ports {
		if n-b2i(own.ports[port]) > 0 {
			out.ports[port] = true
		}
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// others returns the use of the cluster's load balancers in a location but lb.
func (p *Provider) others(ctx context.Context, loc, lb string) (*sharedUse, error) {
	bsV, err := p.reads.cache.Version(ctx, loc, KindBackendService)
	if err != nil {
		return nil, err
	}
	negV, err := p.reads.cache.Version(ctx, loc, KindNetworkEndpointGroup)
	if err != nil {
		return nil, err
	}
	p.usage.mu.Lock()
	u := p.usage.byLoc[loc]
	p.usage.mu.Unlock()
	if u == nil || u.bsVersion != bsV || u.negVersion != negV {
		if u, err = p.indexUsage(ctx, loc, bsV, negV); err != nil {
			return nil, err
		}
	}
	return u.total.others(u.byLB[lb]), nil
}

// indexUsage derives the use of a location from the snapshots, as of the versions given
// (read before them, so that a change in between makes the next pass derive it again).
func (p *Provider) indexUsage(ctx context.Context, loc string, bsV, negV uint64) (*locationUsage, error) {
	u := &locationUsage{bsVersion: bsV, negVersion: negV, byLB: map[string]*sharedUse{},
		total: usageCounts{zones: map[string]int{}, namedPorts: map[string]map[int32]int{}, ports: map[int32]int{}}}
	for _, kind := range []string{KindBackendService, KindNetworkEndpointGroup} {
		all, err := p.reads.cache.All(ctx, loc, kind)
		if err == nil && kind == KindNetworkEndpointGroup {
			// The snapshot holds groups without their endpoints, whose ports the firewall
			// rule must allow: read those not cached yet (once per group while its size
			// holds), so that a pass never prunes a port another load balancer uses.
			all, err = p.reads.withEndpoints(ctx, loc, all)
		}
		if err != nil {
			return nil, err
		}
		for _, r := range all {
			p.countShare(u, r)
		}
	}
	for _, share := range u.byLB {
		u.total.add(share)
	}
	p.usage.mu.Lock()
	defer p.usage.mu.Unlock()
	if p.usage.byLoc == nil {
		p.usage.byLoc = map[string]*locationUsage{}
	}
	p.usage.byLoc[loc] = u
	return u, nil
}

// countShare adds a resource of one of the cluster's load balancers to its share.
func (p *Provider) countShare(u *locationUsage, r plan.Resource) {
	o, ok := providers.OwnerFromDescription(stringField(r.Fields["description"]))
	if !ok || o.ClusterID != p.opts.ClusterID {
		return
	}
	if u.byLB[o.LoadBalancer] == nil {
		u.byLB[o.LoadBalancer] = newSharedUse()
	}
	u.byLB[o.LoadBalancer].add(r)
}
