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
	// pending are each load balancer's groups whose endpoints were not known (not cached:
	// after a restart, until the load balancer's own pass reads or trusts them). Their
	// ports are missing from the shares until then (see others and shared).
	pending map[string][]plan.Resource
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

func (c usageCounts) sub(u *sharedUse) {
	for zone, ports := range u.zones {
		c.zones[zone]--
		for port := range ports {
			c.namedPorts[zone][port]--
		}
	}
	for port := range u.ports {
		c.ports[port]--
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

// others returns the use of the cluster's load balancers in a location but lb. unknown is
// true when the endpoints of some of their groups are not known yet, so that the ports
// returned may miss some of theirs: a pass must then not prune a port (see shared).
func (p *Provider) others(ctx context.Context, loc, lb string) (use *sharedUse, unknown bool, err error) {
	bsV, err := p.reads.cache.Version(ctx, loc, KindBackendService)
	if err != nil {
		return nil, false, err
	}
	negV, err := p.reads.cache.Version(ctx, loc, KindNetworkEndpointGroup)
	if err != nil {
		return nil, false, err
	}
	p.usage.mu.Lock()
	u := p.usage.byLoc[loc]
	p.usage.mu.Unlock()
	if u == nil || u.bsVersion != bsV || u.negVersion != negV {
		if u, err = p.indexUsage(ctx, loc, bsV, negV); err != nil {
			return nil, false, err
		}
	}
	p.usage.mu.Lock()
	defer p.usage.mu.Unlock()
	p.resolvePending(u)
	for other, groups := range u.pending {
		if other != lb && len(groups) > 0 {
			unknown = true
		}
	}
	return u.total.others(u.byLB[lb]), unknown, nil
}

// resolvePending adds to the shares the ports of the pending groups whose endpoints the
// cache now knows (a load balancer's own pass read or trusted them). Callers hold the lock.
func (p *Provider) resolvePending(u *locationUsage) {
	for lb, groups := range u.pending {
		var still, learnt []plan.Resource
		for _, g := range groups {
			n := g.Spec.(negSpec)
			if eps, ok := p.reads.eps.known(n.Zone, n.Group); ok {
				learnt = append(learnt, observed(KindNetworkEndpointGroup, g.Name, negSpec{Group: n.Group, Zone: n.Zone, Endpoints: eps}))
			} else {
				still = append(still, g)
			}
		}
		if len(learnt) > 0 {
			share := p.shareOf(u, lb)
			u.total.sub(share)
			for _, g := range learnt {
				share.add(g)
			}
			u.total.add(share)
		}
		if len(still) == 0 {
			delete(u.pending, lb)
		} else {
			u.pending[lb] = still
		}
	}
}

// indexUsage derives the use of a location from the snapshots, as of the versions given
// (read before them, so that a change in between makes the next pass derive it again). It
// reads no group's endpoints: the snapshot holds groups without them, and those the cache
// does not know are left pending, and no port is pruned while any is (see shared): after a
// restart, each load balancer's own pass learns its groups', read or trusted.
func (p *Provider) indexUsage(ctx context.Context, loc string, bsV, negV uint64) (*locationUsage, error) {
	u := &locationUsage{bsVersion: bsV, negVersion: negV, byLB: map[string]*sharedUse{}, pending: map[string][]plan.Resource{},
		total: usageCounts{zones: map[string]int{}, namedPorts: map[string]map[int32]int{}, ports: map[int32]int{}}}
	for _, kind := range []string{KindBackendService, KindNetworkEndpointGroup} {
		all, err := p.reads.cache.All(ctx, loc, kind)
		if err != nil {
			return nil, err
		}
		for _, r := range all {
			if n, ok := r.Spec.(negSpec); ok {
				eps, known := p.reads.eps.known(n.Zone, n.Group)
				if !known {
					if o, mine := p.ownerOf(r); mine {
						p.shareOf(u, o)
						u.pending[o] = append(u.pending[o], r)
					}
					continue
				}
				r = observed(KindNetworkEndpointGroup, r.Name, negSpec{Group: n.Group, Zone: n.Zone, Endpoints: eps})
			}
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

// ownerOf is the load balancer of this cluster that owns a resource.
func (p *Provider) ownerOf(r plan.Resource) (string, bool) {
	o, ok := providers.OwnerFromDescription(stringField(r.Fields["description"]))
	if !ok || o.ClusterID != p.opts.ClusterID {
		return "", false
	}
	return o.LoadBalancer, true
}

// shareOf returns a load balancer's share, made empty if it has none yet.
func (p *Provider) shareOf(u *locationUsage, lb string) *sharedUse {
	if u.byLB[lb] == nil {
		u.byLB[lb] = newSharedUse()
	}
	return u.byLB[lb]
}

// countShare adds a resource of one of the cluster's load balancers to its share.
func (p *Provider) countShare(u *locationUsage, r plan.Resource) {
	if lb, ok := p.ownerOf(r); ok {
		p.shareOf(u, lb).add(r)
	}
}
