package fake

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/snapshot"
)

// ProviderName is the fake provider's name, as LoadBalancer spec.provider says it.
const ProviderName = "fake"

// Options configure a Provider.
type Options struct {
	// ClusterID names this cluster in resource names and ownership records; required.
	ClusterID string
	// Observer is told about every cloud call; nil observes nothing.
	Observer providers.CallObserver
	// SnapshotTTL is how long the shared reads serve before the cloud is listed again:
	// 0 is snapshot.DefaultTTL; a negative TTL lists on every read.
	SnapshotTTL time.Duration
	// Clock is the time source of the snapshot; nil is the wall clock.
	Clock snapshot.Clock
}

// Provider realises LoadBalancers in a Cloud. Everything it knows it reads from the Cloud,
// through a snapshot shared by all its load balancers, so any number of Providers can share
// one Cloud in turn; its only memory besides is the writes the Cloud refused as invalid.
type Provider struct {
	cloud    *Cloud
	cluster  string
	namer    providers.Namer
	observer providers.CallObserver
	engine   *plan.Engine
	snap     *snapshot.Cache[Resource]
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider that works in cloud.
func New(cloud *Cloud, opts Options) *Provider {
	obs := opts.Observer
	if obs == nil {
		obs = providers.NopObserver{}
	}
	p := &Provider{
		cloud:    cloud,
		cluster:  opts.ClusterID,
		namer:    providers.Namer{ClusterID: opts.ClusterID, MaxLength: 63},
		observer: obs,
		engine:   newEngine(),
	}
	p.snap = p.newSnapshot(opts)
	return p
}

// Name implements providers.Provider.
func (p *Provider) Name() string { return ProviderName }

// Plan implements providers.Provider. It reads the cloud and returns what Ensure would do;
// a plan whose part cannot be realised (a TLS Secret not resolved, say) comes with that error.
func (p *Provider) Plan(ctx context.Context, want *providers.Desired) (*providers.Plan, error) {
	d, st, err := p.prepare(ctx, want)
	if err != nil {
		return nil, err
	}
	pl := p.engine.Plan(d.graph(), st.observed())
	return &providers.Plan{Actions: pl.Actions()}, pl.Err()
}

// Ensure implements providers.Provider.
func (p *Provider) Ensure(ctx context.Context, want *providers.Desired) (*providers.Observed, error) {
	d, st, err := p.prepare(ctx, want)
	if err != nil {
		obs := &providers.Observed{}
		if st != nil {
			obs = observe(d, st, nil, func(Key) error { return nil }, err)
		}
		return obs, err
	}
	pl := p.engine.Plan(d.graph(), st.observed())
	res := p.engine.Apply(ctx, client{p, d}, pl)
	after, rerr := p.readState(ctx, d)
	if rerr != nil {
		return &providers.Observed{Changes: res.Changes}, errors.Join(res.Err, rerr)
	}
	cause := func(k Key) error { return pl.Cause(res.Broken, plan.Key(k)) }
	obs := observe(d, after, res.Changes, cause, res.Err)
	obs.Health = p.cloud.healthOf(want)
	return obs, res.Err
}

// prepare builds the desired state and reads the current one. The state is returned with an
// error when the desired state cannot be realised at all, to report what exists.
func (p *Provider) prepare(ctx context.Context, want *providers.Desired) (*desired, *state, error) {
	if err := p.checkCluster(); err != nil {
		return nil, nil, err
	}
	d, err := p.desired(want)
	if err != nil {
		return nil, nil, err
	}
	st, err := p.readState(ctx, d)
	if err != nil {
		return d, nil, err
	}
	err = p.check(ctx, d, st)
	for _, kind := range d.stale {
		p.snap.Invalidate(d.loc, kind)
	}
	return d, st, err
}

func (p *Provider) checkCluster() error {
	if p.cluster == "" {
		return providers.Invalid("ClusterIDMissing", nil, "the fake provider needs a cluster ID to name and own resources")
	}
	return nil
}

// Delete implements providers.Provider: it deletes every resource whose description names
// this cluster and load balancer in lb.Location, in reverse dependency order. It reads the
// shared snapshot; a resource it misses (made by another provider in the last TTL) is
// found by the orphan sweep, whose Owned reads the cloud afresh.
func (p *Provider) Delete(ctx context.Context, lb providers.Ref) error {
	if err := p.checkCluster(); err != nil {
		return err
	}
	loc := locationOr(lb.Location)
	owned, err := p.ownedIn(ctx, loc, lb.Name)
	if err != nil {
		return fmt.Errorf("delete load balancer %s: %w", lb.Name, err)
	}
	keys := slices.Collect(maps.Keys(owned))
	sortKeys(keys)
	slices.Reverse(keys)
	for _, k := range keys {
		if err := p.deleteIn(ctx, loc, k); err != nil && !providers.IsNotFound(err) {
			return fmt.Errorf("delete load balancer %s: %w", lb.Name, err)
		}
	}
	return nil
}

// Location implements providers.Provider: spec.fake.location of the parameters, else global.
func (p *Provider) Location(params *v1alpha1.IngressClassParamsSpec) string {
	if params != nil && params.Fake != nil && params.Fake.Location != "" {
		return params.Fake.Location
	}
	return GlobalLocation
}

// locationOf is where a load balancer's resources live: where they were made, when the
// caller knows it, else where its parameters say.
func (p *Provider) locationOf(want *providers.Desired) string {
	if want.Ref.Location != "" {
		return want.Ref.Location
	}
	return p.Location(want.Params)
}

// Owned implements providers.Provider: the load balancers of this cluster that own any
// resource in the given locations (nil: global only), sorted by location then name.
func (p *Provider) Owned(ctx context.Context, locations []string) ([]providers.Ref, error) {
	if err := p.checkCluster(); err != nil {
		return nil, err
	}
	if len(locations) == 0 {
		locations = []string{GlobalLocation}
	}
	seen := map[providers.Ref]bool{}
	for _, loc := range locations {
		for _, kind := range Kinds {
			// The sweep deletes what it finds unclaimed: it reads the cloud, not the snapshot.
			err := p.snap.Refresh(ctx, locationOr(loc), kind)
			var rs []Resource
			if err == nil {
				rs, err = p.snap.All(ctx, locationOr(loc), kind)
			}
			if err != nil {
				return nil, fmt.Errorf("list owned load balancers in %s: %w", locationOr(loc), err)
			}
			for _, r := range rs {
				if o, ok := providers.OwnerFromDescription(r.Description); ok && o.ClusterID == p.cluster {
					seen[providers.Ref{Name: o.LoadBalancer, Location: r.Location}] = true
				}
			}
		}
	}
	refs := make([]providers.Ref, 0, len(seen))
	for ref := range seen {
		refs = append(refs, ref)
	}
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].Location != refs[j].Location {
			return refs[i].Location < refs[j].Location
		}
		return refs[i].Name < refs[j].Name
	})
	return refs, nil
}

// portStatus reports a frontend port: a CamelCase reason in Error, as the Ingress API wants
// for status.loadBalancer.ingress[].ports[].error, and what failed in Message.
func portStatus(port int32, err error) v1alpha1.PortStatus {
	ps := v1alpha1.PortStatus{Port: port, Protocol: "TCP"}
	if err != nil {
		ps.Error, ps.Message = providers.ReasonOf(err), err.Error()
	}
	return ps
}
