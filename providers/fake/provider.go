package fake

import (
	"context"
	"fmt"
	"sort"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// ProviderName is the fake provider's name, as LoadBalancer spec.provider says it.
const ProviderName = "fake"

// Options configure a Provider.
type Options struct {
	// ClusterID names this cluster in resource names and ownership records; required.
	ClusterID string
	// Observer is told about every cloud call; nil observes nothing.
	Observer providers.CallObserver
}

// Provider realises LoadBalancers in a Cloud. It keeps no state of its own: everything it
// knows it reads from the Cloud, so any number of Providers can share one Cloud in turn.
type Provider struct {
	cloud    *Cloud
	cluster  string
	namer    providers.Namer
	observer providers.CallObserver
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider that works in cloud.
func New(cloud *Cloud, opts Options) *Provider {
	obs := opts.Observer
	if obs == nil {
		obs = providers.NopObserver{}
	}
	return &Provider{
		cloud:    cloud,
		cluster:  opts.ClusterID,
		namer:    providers.Namer{ClusterID: opts.ClusterID, MaxLength: 63},
		observer: obs,
	}
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
	pl := diff(d, st)
	out := &providers.Plan{Actions: []providers.Action{}}
	for _, s := range pl.steps {
		out.Actions = append(out.Actions, s.action())
	}
	return out, firstError(pl.errs)
}

// Ensure implements providers.Provider.
func (p *Provider) Ensure(ctx context.Context, want *providers.Desired) (*providers.Observed, error) {
	d, st, err := p.prepare(ctx, want)
	if err != nil {
		obs := &providers.Observed{}
		if st != nil {
			obs = observe(d, st.owned, st.others, nil, nil, err)
		}
		return obs, err
	}
	return p.apply(ctx, d, st, diff(d, st))
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
	if err := d.check(st); err != nil {
		return d, st, err
	}
	return d, st, nil
}

func (p *Provider) checkCluster() error {
	if p.cluster == "" {
		return providers.Invalid("ClusterIDMissing", nil, "the fake provider needs a cluster ID to name and own resources")
	}
	return nil
}

// Delete implements providers.Provider: it deletes every resource whose description names
// this cluster and load balancer, in reverse dependency order.
func (p *Provider) Delete(ctx context.Context, lb providers.Ref) error {
	if err := p.checkCluster(); err != nil {
		return err
	}
	owner := providers.Owner{ClusterID: p.cluster, LoadBalancer: lb.Name}
	loc := locationOr(lb.Location)
	for i := len(Kinds) - 1; i >= 0; i-- {
		rs, err := p.list(ctx, loc, Kinds[i])
		if err != nil {
			return fmt.Errorf("delete load balancer %s: %w", lb.Name, err)
		}
		for _, r := range rs {
			if o, ok := providers.OwnerFromDescription(r.Description); !ok || o != owner {
				continue
			}
			// A resource gone already is what Delete wants.
			if err := p.delete(ctx, loc, r.Key()); err != nil && !providers.IsNotFound(err) {
				return fmt.Errorf("delete load balancer %s: %w", lb.Name, err)
			}
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
			rs, err := p.list(ctx, locationOr(loc), kind)
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

func firstError(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errs[0]
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
