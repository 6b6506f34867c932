package aws

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/snapshot"
)

// ProviderName is the provider's name, as LoadBalancer spec.provider says it.
const ProviderName = "aws"

// Options configure a Provider.
type Options struct {
	// ClusterID names this cluster in resource names and ownership tags; required.
	ClusterID string
	// ClusterName is the EKS cluster's name: subnets tagged kubernetes.io/cluster/<another
	// cluster> are not used, and the security groups tagged kubernetes.io/cluster/<name> are
	// the nodes' groups, which each load balancer is let into.
	ClusterName string
	// NodeSecurityGroups are the nodes' security groups, which each load balancer is let
	// into, besides those found by ClusterName's tag.
	NodeSecurityGroups []string
	// Region is the region of the classes whose parameters name none; required.
	Region string
	// VPC is the VPC of the classes whose parameters name none.
	VPC string
	// ELBV2, EC2 and ACM are the clients of Region.
	ELBV2 ELBV2
	EC2   EC2
	ACM   ACM
	// Regional returns the clients of another region, for a class that names one; nil
	// allows only Region.
	Regional func(ctx context.Context, region string) (*Clients, error)
	// Observer is told about every API call; nil observes nothing.
	Observer providers.CallObserver
	// Limiter paces every read and write; nil paces nothing.
	Limiter Limiter
	// Clock is the snapshots' and the health memory's time source; nil is the wall clock.
	Clock snapshot.Clock
	// SnapshotTTL is how long shared reads serve: 0 is snapshot.DefaultTTL, negative lists
	// on every read.
	SnapshotTTL time.Duration
	// DetailResync is how long what was read of a load balancer's listeners and rules is
	// trusted, when portico wrote none of them since: 0 is DefaultDetailResync.
	DetailResync time.Duration
	// HealthResync is how long the health of targets all found healthy is trusted: 0 is
	// DefaultHealthResync.
	HealthResync time.Duration
}

// Provider realises LoadBalancers as Application Load Balancers. What it knows it reads
// from AWS, through reads shared by its load balancers; its only other memory is the
// writes AWS refused as invalid and what it read of listeners and targets.
type Provider struct {
	opts    Options
	namer   providers.Namer
	engine  *plan.Engine
	clients *regions
	reads   *reads
	// nets holds the subnets and nodes' security groups read of each VPC.
	nets *snapshot.Cache[netItem]
	// sharedMu is held for reading by every Ensure and for writing by the Delete that
	// removes what the cluster's load balancers share (see shared.go).
	sharedMu sync.RWMutex
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider over the clients.
func New(opts Options) *Provider {
	if opts.Observer == nil {
		opts.Observer = providers.NopObserver{}
	}
	if opts.Limiter == nil {
		opts.Limiter = unlimited{}
	}
	if opts.Clock == nil {
		opts.Clock = wallClock{}
	}
	opts.DetailResync = cmp.Or(opts.DetailResync, DefaultDetailResync)
	opts.HealthResync = cmp.Or(opts.HealthResync, DefaultHealthResync)
	namer := providers.Namer{ClusterID: opts.ClusterID, MaxLength: maxNameLength}
	cs := &regions{home: opts.Region, byRegion: map[string]*Clients{}, regional: opts.Regional}
	if opts.ELBV2 != nil || opts.EC2 != nil || opts.ACM != nil {
		cs.byRegion[opts.Region] = &Clients{ELBV2: opts.ELBV2, EC2: opts.EC2, ACM: opts.ACM}
	}
	p := &Provider{opts: opts, namer: namer, engine: &plan.Engine{Kinds: Kinds, Describe: describe}, clients: cs}
	p.reads = newReads(p)
	p.nets = newSiteCache(p, p.reads.c)
	return p
}

// Name implements providers.Provider.
func (p *Provider) Name() string { return ProviderName }

// Location implements providers.Provider: the region of spec.aws, else the provider's.
func (p *Provider) Location(params *v1alpha1.IngressClassParamsSpec) string {
	if params != nil && params.AWS != nil && params.AWS.Region != "" {
		return params.AWS.Region
	}
	return p.opts.Region
}

func (p *Provider) locationOf(want *providers.Desired) string {
	return cmp.Or(want.Ref.Location, p.Location(want.Params))
}

func (p *Provider) check() error {
	if p.opts.ClusterID == "" {
		return providers.Invalid("ProviderMisconfigured", nil, "the aws provider needs a cluster ID")
	}
	return nil
}

func (p *Provider) owner(lb string) providers.Owner {
	return providers.Owner{ClusterID: p.opts.ClusterID, LoadBalancer: lb}
}

// prepare translates a load balancer and reads what it owns.
func (p *Provider) prepare(ctx context.Context, want *providers.Desired) (string, plan.Graph, []plan.Resource, error) {
	if err := p.check(); err != nil {
		return "", plan.Graph{}, nil, err
	}
	if want == nil {
		return "", plan.Graph{}, nil, providers.Invalid("LoadBalancerNameMissing", nil, "the desired load balancer is missing")
	}
	loc := p.locationOf(want)
	if loc == "" {
		return loc, plan.Graph{}, nil, providers.Invalid("RegionMissing", nil, "no AWS region: set spec.aws.region in the IngressClassParams, or --aws-region")
	}
	s, err := p.site(ctx, loc, want)
	if err != nil {
		return loc, plan.Graph{}, nil, err
	}
	cfg := config{cluster: p.opts.ClusterID, namer: p.namer, site: s}
	g, err := cfg.graph(want, loc)
	if err != nil {
		return loc, g, nil, err
	}
	if err := p.refuseOthersCertificates(ctx, loc, want, g); err != nil {
		return loc, g, nil, err
	}
	have, err := p.reads.owned(ctx, loc, p.owner(want.Ref.Name), &passInfo{await: awaitingGroups(want, g), trust: trustOf(want, g), shared: sharedKeys(g)})
	if err != nil {
		return loc, g, nil, err
	}
	return loc, g, have, nil
}

// Plan implements providers.Provider: what Ensure would do, and why a part cannot be done.
func (p *Provider) Plan(ctx context.Context, want *providers.Desired) (*providers.Plan, error) {
	_, g, have, err := p.prepare(ctx, want)
	if err != nil {
		return nil, err
	}
	pl := p.engine.Plan(g, have)
	return &providers.Plan{Actions: pl.Actions()}, pl.Err()
}

// Ensure implements providers.Provider.
func (p *Provider) Ensure(ctx context.Context, want *providers.Desired) (*providers.Observed, error) {
	p.sharedMu.RLock()
	defer p.sharedMu.RUnlock()
	loc, g, have, err := p.prepare(ctx, want)
	if err != nil {
		return &providers.Observed{}, err
	}
	pl := p.engine.Plan(g, have)
	c, err := p.client(ctx, loc)
	if err != nil {
		return &providers.Observed{}, err
	}
	res := p.engine.Apply(ctx, c, pl)
	after, rerr := p.reads.owned(ctx, loc, p.owner(want.Ref.Name), &passInfo{await: awaitingGroups(want, g), shared: sharedKeys(g)})
	if rerr != nil {
		return &providers.Observed{Changes: res.Changes}, cmp.Or(res.Err, rerr)
	}
	obs := p.observe(want, after, func(k plan.Key) error { return pl.Cause(res.Broken, k) }, res.Err)
	obs.Changes = res.Changes
	obs.Health = p.health(want, g, after)
	return obs, res.Err
}

// Delete implements providers.Provider: every resource tagged for this cluster and load
// balancer in lb.Location goes, in reverse dependency order. A security group the deleted
// load balancer still holds for a while answers DependencyViolation: the error is
// retryable, and the next pass deletes it.
func (p *Provider) Delete(ctx context.Context, lb providers.Ref) error {
	if err := p.check(); err != nil {
		return err
	}
	loc := cmp.Or(lb.Location, p.Location(nil))
	have, err := p.reads.owned(ctx, loc, p.owner(lb.Name), nil)
	if err != nil {
		return fmt.Errorf("delete load balancer %s: %w", lb.Name, err)
	}
	if len(have) > 0 {
		c, err := p.client(ctx, loc)
		if err != nil {
			return fmt.Errorf("delete load balancer %s: %w", lb.Name, err)
		}
		res := p.engine.Apply(ctx, c, p.engine.Plan(plan.Graph{Scope: loc}, have))
		if res.Err != nil {
			return fmt.Errorf("delete load balancer %s: %w", lb.Name, res.Err)
		}
	}
	if err := p.deleteSharedIfUnused(ctx, loc); err != nil {
		return fmt.Errorf("delete load balancer %s: %w", lb.Name, err)
	}
	return nil
}

// Owned implements providers.Provider: the load balancers of this cluster owning anything
// in the regions (nil: the provider's), sorted by location then name. The sweep deletes
// what it finds unclaimed, so it lists AWS afresh.
func (p *Provider) Owned(ctx context.Context, locations []string) ([]providers.Ref, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if len(locations) == 0 {
		locations = []string{p.Location(nil)}
	}
	seen := map[providers.Ref]bool{}
	for _, loc := range locations {
		for _, kind := range p.reads.kinds() {
			if err := p.reads.cache.Refresh(ctx, loc, kind); err != nil {
				return nil, fmt.Errorf("list owned load balancers in %s: %w", loc, err)
			}
			rs, err := p.reads.cache.All(ctx, loc, kind)
			if err != nil {
				return nil, fmt.Errorf("list owned load balancers in %s: %w", loc, err)
			}
			for _, r := range rs {
				if o, ok := ownerOf(r); ok && o.ClusterID == p.opts.ClusterID {
					seen[providers.Ref{Name: o.LoadBalancer, Location: loc}] = true
				}
			}
		}
	}
	refs := make([]providers.Ref, 0, len(seen))
	for ref := range seen {
		refs = append(refs, ref)
	}
	slices.SortFunc(refs, func(a, b providers.Ref) int {
		return cmp.Or(cmp.Compare(a.Location, b.Location), cmp.Compare(a.Name, b.Name))
	})
	return refs, nil
}

// awaitingGroups returns the target groups of the backends whose health a readiness gate
// waits for: their health is read now, unless every target is known healthy.
func awaitingGroups(want *providers.Desired, g plan.Graph) map[string]bool {
	out := map[string]bool{}
	for _, r := range g.Resources {
		if s, ok := r.Spec.(tgSpec); ok && want.AwaitingHealth[s.Backend] {
			out[r.Name] = true
		}
	}
	return out
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }
