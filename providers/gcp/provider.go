package gcp

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/googleapis/gax-go/v2"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/retry"
	"github.com/portico-dev/portico/providers/snapshot"
)

// ProviderName is the provider's name, as LoadBalancer spec.provider says it.
const ProviderName = "gcp"

// DefaultZone is the zone of targets whose zone is not known, unless Options say otherwise.
const DefaultZone = "us-central1-a"

// Options configure a Provider.
type Options struct {
	// ClusterID names this cluster in resource names and ownership records; required.
	ClusterID string
	// Project is the project of the classes whose parameters name none; required.
	Project string
	// Zone is the zone of targets whose zone is not known; "" is the first of Zones, else
	// DefaultZone. A class's spec.gcp.zones overrides it.
	Zone string
	// Zones are the zones of the nodes, from --gcp-zones.
	Zones []string
	// Network and Subnetwork are named on network endpoint groups, unless a class's
	// spec.gcp says otherwise; "" is DefaultNetwork and no subnetwork.
	Network, Subnetwork string
	// Clients are the compute API's clients; when nil, Dial builds them on first use.
	Clients *Clients
	// Dial builds the clients, for a provider that starts before it can reach Google.
	Dial func(ctx context.Context) (*Clients, error)
	// SnapshotTTL is how long shared reads serve: 0 is snapshot.DefaultTTL, negative lists
	// on every read.
	SnapshotTTL time.Duration
	// Clock is the snapshot's time source; nil is the wall clock.
	Clock snapshot.Clock
	// Backoff paces the polls of operations; zero is retry.DefaultBackoff.
	Backoff retry.Backoff
	// Observer is told about every API call; nil observes nothing.
	Observer providers.CallObserver
	// Limiter paces every read, write and operation poll; nil paces nothing.
	Limiter Limiter
	// Retry bounds the retries of one list call and one operation poll on Google's 429 and
	// 5xx; zero is retry.DefaultCallPolicy, negative Retries none. The clients' other
	// methods retry as WithRetries (Dial's) set them.
	Retry retry.CallPolicy
	// HealthResync is how long the health of endpoints all found healthy is trusted before
	// it is read again; 0 is DefaultHealthResync.
	HealthResync time.Duration
}

// Provider realises LoadBalancers as global external Application Load Balancers. All it
// knows it reads from Google, through reads shared by its load balancers; its only other
// memory is the writes Google refused as invalid.
type Provider struct {
	opts   Options
	namer  providers.Namer
	engine *plan.Engine
	conn   *connector
	reads  *reads
	// sharedMu makes the passes that write what the cluster's load balancers share run one
	// at a time (see touchesShared).
	sharedMu sync.Mutex
	usage    usageIndex
	// healthMem is what the provider last read of each endpoint group's health.
	healthMem healthMemory
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider over the clients.
func New(opts Options) *Provider {
	if len(opts.Zones) > 0 {
		opts.Zone = cmp.Or(opts.Zone, opts.Zones[0])
	}
	opts.Zone = cmp.Or(opts.Zone, DefaultZone)
	if opts.Retry.Retries == 0 {
		opts.Retry = retry.DefaultCallPolicy
	}
	if opts.Observer == nil {
		opts.Observer = providers.NopObserver{}
	}
	if opts.Limiter == nil {
		opts.Limiter = unlimited{}
	}
	namer := providers.Namer{ClusterID: opts.ClusterID, MaxLength: 63}
	conn := &connector{clients: opts.Clients, dial: opts.Dial}
	reads := newReads(conn, namer, opts.Observer, opts.Limiter, opts.SnapshotTTL, opts.Clock)
	reads.retry = []gax.CallOption{retryOption(opts.Retry)}
	return &Provider{opts: opts, namer: namer, engine: newEngine(), conn: conn, reads: reads}
}

// Name implements providers.Provider.
func (p *Provider) Name() string { return ProviderName }

// Location implements providers.Provider: the project of spec.gcp, else the provider's.
// A global load balancer's resources live in its project whatever spec.gcp.region says:
// were the region part of the location, a class moved between two regions of one project
// would give two locations holding the same resources, and a Delete in the old one would
// delete what serves in the new one. The region will place regional load balancers.
func (p *Provider) Location(params *v1alpha1.IngressClassParamsSpec) string {
	if params != nil && params.GCP != nil && params.GCP.Project != "" {
		return params.GCP.Project
	}
	return p.opts.Project
}

func (p *Provider) locationOf(want *providers.Desired) string {
	return cmp.Or(want.Ref.Location, p.Location(want.Params))
}

func (p *Provider) check() error {
	if p.opts.ClusterID == "" {
		return providers.Invalid("ProviderMisconfigured", nil, "the gcp provider needs a cluster ID")
	}
	return nil
}

// client is the plan client of one location.
func (p *Provider) client(ctx context.Context, location string) (*client, error) {
	api, err := p.conn.get(ctx)
	if err != nil {
		return nil, err
	}
	return &client{api: api, project: projectOf(location), location: location, backoff: p.opts.Backoff, reads: p.reads, observer: p.opts.Observer, limiter: p.opts.Limiter,
		poll: []gax.CallOption{retryOption(p.opts.Retry)}}, nil
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
	if projectOf(loc) == "" {
		return loc, plan.Graph{}, nil, providers.Invalid("ProjectMissing", nil,
			"no Google Cloud project: set spec.gcp.project in the IngressClassParams, or GOOGLE_CLOUD_PROJECT")
	}
	cfg := config{project: projectOf(loc), cluster: p.opts.ClusterID, namer: p.namer, site: p.siteOf(want.Params)}
	g, err := cfg.graph(ctx, want, loc)
	if err != nil {
		return loc, g, nil, err
	}
	have, err := p.reads.owned(ctx, loc, p.owner(want.Ref.Name), trustOf(want, g.Resources))
	if err != nil {
		return loc, g, nil, err
	}
	shared, sharedHave, err := p.shared(ctx, loc, want.Ref.Name, want, g.Resources)
	if err != nil {
		return loc, g, nil, fmt.Errorf("read the cluster's shared resources: %w", err)
	}
	g.Resources = append(g.Resources, shared...)
	return loc, g, append(p.withStaticAddressRef(ctx, loc, want, g, have), sharedHave...), nil
}

func (p *Provider) owner(lb string) providers.Owner {
	return providers.Owner{ClusterID: p.opts.ClusterID, LoadBalancer: lb}
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
	loc, g, have, err := p.prepare(ctx, want)
	if err != nil {
		return &providers.Observed{}, err
	}
	pl := p.engine.Plan(g, have)
	if touchesShared(pl) {
		p.sharedMu.Lock()
		defer p.sharedMu.Unlock()
		if loc, g, have, err = p.prepare(ctx, want); err != nil {
			return &providers.Observed{}, err
		}
		pl = p.engine.Plan(g, have)
	}
	c, err := p.client(ctx, loc)
	if err != nil {
		return &providers.Observed{}, err
	}
	res := p.engine.Apply(ctx, c, pl)
	after, rerr := p.reads.owned(ctx, loc, p.owner(want.Ref.Name), nil)
	if rerr == nil {
		after, rerr = p.withShared(ctx, loc, after, p.usedBy(g, want))
	}
	if rerr != nil {
		return &providers.Observed{Changes: res.Changes}, cmp.Or(res.Err, rerr)
	}
	obs := p.observe(ctx, loc, want, after, func(k plan.Key) error { return pl.Cause(res.Broken, k) }, res.Err)
	obs.Changes = res.Changes
	obs.Health = p.health(ctx, loc, want, after, res.Changes)
	return obs, res.Err
}

// Delete implements providers.Provider: every resource whose description names this
// cluster and load balancer in lb.Location goes, in reverse dependency order.
func (p *Provider) Delete(ctx context.Context, lb providers.Ref) error {
	if err := p.check(); err != nil {
		return err
	}
	loc := cmp.Or(lb.Location, p.Location(nil))
	have, err := p.reads.owned(ctx, loc, p.owner(lb.Name), nil)
	if err != nil {
		return fmt.Errorf("delete load balancer %s: %w", lb.Name, err)
	}
	pl, err := p.deletePlan(ctx, loc, lb.Name, have)
	if err == nil && touchesShared(pl) {
		p.sharedMu.Lock()
		defer p.sharedMu.Unlock()
		pl, err = p.deletePlan(ctx, loc, lb.Name, have)
	}
	if err != nil {
		return fmt.Errorf("delete load balancer %s: %w", lb.Name, err)
	}
	c, err := p.client(ctx, loc)
	if err != nil {
		return fmt.Errorf("delete load balancer %s: %w", lb.Name, err)
	}
	res := p.engine.Apply(ctx, c, pl)
	if res.Err != nil {
		return fmt.Errorf("delete load balancer %s: %w", lb.Name, res.Err)
	}
	p.healthMem.replace(loc+"/"+lb.Name, nil)
	return nil
}

// Owned implements providers.Provider: the load balancers of this cluster owning anything
// in the locations (nil: the provider's project), sorted by location then name. The sweep
// deletes what it finds unclaimed, so it lists Google afresh.
func (p *Provider) Owned(ctx context.Context, locations []string) ([]providers.Ref, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if len(locations) == 0 {
		locations = []string{p.Location(nil)}
	}
	seen := map[providers.Ref]bool{}
	for _, loc := range locations {
		for _, kind := range Kinds {
			err := p.reads.cache.Refresh(ctx, loc, kind)
			var rs []plan.Resource
			if err == nil {
				rs, err = p.reads.cache.All(ctx, loc, kind)
			}
			if err != nil {
				return nil, fmt.Errorf("list owned load balancers in %s: %w", loc, err)
			}
			for _, r := range rs {
				if o, ok := providers.OwnerFromDescription(stringField(r.Fields["description"])); ok && o.ClusterID == p.opts.ClusterID {
					seen[providers.Ref{Name: o.LoadBalancer, Location: loc}] = true
				}
			}
		}
	}
	refs := make([]providers.Ref, 0, len(seen))
	for ref := range seen {
		refs = append(refs, ref)
	}
	sort.Slice(refs, func(i, j int) bool {
		return cmp.Or(cmp.Compare(refs[i].Location, refs[j].Location), cmp.Compare(refs[i].Name, refs[j].Name)) < 0
	})
	return refs, nil
}
