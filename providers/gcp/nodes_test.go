package gcp_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
)

// clusterNodes gives each cluster of the contract suite its own nodes. The suite makes up the
// same node names for every cluster, but two clusters never share a VM, and Google refuses a
// VM in two load-balanced instance groups: so a target's node is renamed after its cluster,
// and its VM registered in gcptest before the provider sees it, as the nodes of a real
// cluster exist before its load balancers.
type clusterNodes struct {
	*gcp.Provider
	cluster string
	srv     *gcptest.Server

	mu   sync.Mutex
	made map[string]bool
}

func (p *clusterNodes) Plan(ctx context.Context, want *providers.Desired) (*providers.Plan, error) {
	return p.Provider.Plan(ctx, p.own(want))
}

func (p *clusterNodes) Ensure(ctx context.Context, want *providers.Desired) (*providers.Observed, error) {
	return p.Provider.Ensure(ctx, p.own(want))
}

// own returns want with its nodes renamed after the cluster, each registered as a VM.
func (p *clusterNodes) own(want *providers.Desired) *providers.Desired {
	if want == nil {
		return nil
	}
	out := *want
	out.Targets = map[string][]providers.Target{}
	project := p.Location(want.Params)
	if want.Ref.Location != "" {
		project = want.Ref.Location
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.made == nil {
		p.made = map[string]bool{}
	}
	for backend, ts := range want.Targets {
		for _, t := range ts {
			if t.Node != "" {
				t.Node = p.cluster + "-" + t.Node
				key := fmt.Sprintf("%s/%s/%s", project, t.Zone, t.Node)
				if !p.made[key] {
					p.srv.AddInstance(project, t.Zone, t.Node, t.IP)
					p.made[key] = true
				}
			}
			out.Targets[backend] = append(out.Targets[backend], t)
		}
	}
	return &out
}
