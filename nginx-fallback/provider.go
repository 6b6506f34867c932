package nginxfallback

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// Location is where every load balancer of the nginx mode lives: in the cluster, on the
// controller's own nginx.
const Location = "cluster"

// ReasonRejected is the condition reason of a configuration nginx refused.
const ReasonRejected = "NginxRejected"

// AddressFunc returns the address every LoadBalancer of the nginx mode shares: that of the
// Service in front of the data plane, or one given by a flag.
type AddressFunc func(ctx context.Context) ([]v1alpha1.Address, error)

// ProviderOptions configure a Provider.
type ProviderOptions struct {
	Supervisor Options
	Coalescer  CoalescerOptions
	// Addresses is the shared address put into every Observed; nil reports none.
	Addresses AddressFunc
}

// Provider is the provider nginx: every LoadBalancer it is given is served by one nginx,
// which a Supervisor runs and a Coalescer loads. Ensure returns once the load that included
// the load balancer ended: nil when nginx serves it, nginx's refusal as an invalid error.
type Provider struct {
	sup       *Supervisor
	coalescer *Coalescer
	addresses AddressFunc

	mu     sync.Mutex
	served served
	// synced is set once Synced handed the staged set over.
	synced bool
}

var (
	_ providers.Provider = (*Provider)(nil)
	_ providers.Shared   = (*Provider)(nil)
)

// NewProvider returns the provider; nothing runs until Run.
func NewProvider(o ProviderOptions) (*Provider, error) {
	sup, err := NewSupervisor(o.Supervisor)
	if err != nil {
		return nil, err
	}
	if o.Coalescer.Metrics == nil {
		o.Coalescer.Metrics = o.Supervisor.Metrics
	}
	p := &Provider{sup: sup, addresses: o.Addresses, served: newServed()}
	p.coalescer = NewCoalescer(sup.Apply, o.Coalescer)
	return p, nil
}

// Name is nginx.
func (p *Provider) Name() string { return v1alpha1.ProviderNginx }

// Location is "cluster", whatever the class says.
func (p *Provider) Location(*v1alpha1.IngressClassParamsSpec) string { return Location }

// Start runs nginx and loads configurations until ctx ends, then stops nginx gracefully; the
// controller runs it as a manager runnable on every replica.
func (p *Provider) Start(ctx context.Context) error {
	errs := make(chan error, 2)
	go func() { errs <- p.coalescer.Run(ctx) }()
	go func() { errs <- p.sup.Run(ctx) }()
	return errors.Join(<-errs, <-errs)
}

// NeedLeaderElection is false: every replica of the data plane serves.
func (p *Provider) NeedLeaderElection() bool { return false }

// Check is the replica's readiness: nil once nginx answers on its status server, that is
// serves a configuration of the controller's, so that a Service sends traffic only to a
// replica that routes it.
func (p *Provider) Check(req *http.Request) error {
	if p.sup.probe.generation(req.Context()) == "" {
		return errors.New("nginx serves no configuration yet")
	}
	return nil
}

// Synced lets the coalescer load: every load balancer has been staged. The set is handed
// over once for all of them (a restart with 10,000 costs one pass, not one per load
// balancer), and even when it is empty, so that nginx starts and answers 404.
func (p *Provider) Synced() {
	p.mu.Lock()
	p.synced = true
	pending := p.coalescer.UpdateFunc(p.input)
	for _, name := range p.served.names() {
		if e := p.served.get(name); e.pending == nil {
			e.pending = pending
			go p.recordLoad(e)
		}
	}
	p.mu.Unlock()
	p.coalescer.Synced()
}

// Stage records want to be served with the first load, which Synced starts. It checks
// nothing alone: the caches have just synced, and an nginx -t per load balancer would slow a
// restart.
func (p *Provider) Stage(want *providers.Desired) error {
	e, err := newEntry(want)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.served.put(e)
	if p.synced {
		e.pending = p.coalescer.UpdateFunc(p.input)
		go p.recordLoad(e)
	}
	return nil
}

// Ensure serves want and waits for the load that included it.
func (p *Provider) Ensure(ctx context.Context, want *providers.Desired) (*providers.Observed, error) {
	e, err := p.stage(ctx, want, true)
	if err != nil {
		return nil, stageError(err)
	}
	if err := e.wait(ctx); err != nil {
		p.revert(want.Ref.Name, e)
		return nil, loadError(err)
	}
	obs, err := p.observe(ctx, want.Ref.Name)
	obs.Changes = p.report(e)
	return obs, err
}

// Serve stages want and waits for the load that included it, reporting nothing: every
// replica serves, and the leader's Ensure reports the changes in the status and Events.
func (p *Provider) Serve(ctx context.Context, want *providers.Desired) error {
	e, err := p.stage(ctx, want, true)
	if err != nil {
		return stageError(err)
	}
	if err := e.wait(ctx); err != nil {
		p.revert(want.Ref.Name, e)
		return loadError(err)
	}
	return nil
}

// report returns what changed since the last Ensure reported its load balancer, whoever
// staged the change, and remembers e as reported.
func (p *Provider) report(e *entry) []providers.Change {
	p.mu.Lock()
	defer p.mu.Unlock()
	changes := diff(resourcesOf(p.served.reported[e.lb.Name]), resourcesOf(e))
	p.served.reported[e.lb.Name] = e
	return changes
}

// stage records want and hands the served set to the coalescer, unless want is what is
// already served or being loaded: then it returns that entry, so that the second call of
// two replicas' controllers (or of a resync) loads nothing.
func (p *Provider) stage(ctx context.Context, want *providers.Desired, check bool) (*entry, error) {
	e, err := newEntry(want)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	cur := p.served.get(want.Ref.Name)
	// A load balancer only staged (no pending load yet) goes the normal way.
	loading := cur != nil && cur.pending != nil
	p.mu.Unlock()
	if loading && cur.print == e.print {
		return cur, nil
	}
	if check {
		if err := p.checkAlone(ctx, e, cur); err != nil {
			return nil, err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.served.put(e)
	e.pending = p.coalescer.UpdateFunc(p.input)
	go p.recordLoad(e)
	return e, nil
}

// input builds the state to load from the served set, when the coalescer loads it.
func (p *Provider) input() Input {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.served.input()
}

// recordLoad remembers e as its load balancer's last good state once a load included it.
func (p *Provider) recordLoad(e *entry) {
	<-e.pending.Done()
	if e.pending.err != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.served.get(e.lb.Name) == e {
		p.served.loaded(e)
	}
}

// revert puts back the last state of a load balancer that loaded, after nginx refused a
// load that included e, so that one bad load balancer does not fail every later load.
func (p *Provider) revert(name string, e *entry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if cur := p.served.get(name); cur == e {
		p.served.revert(name)
	}
}

// Delete stops serving the load balancer and waits for the load without it.
func (p *Provider) Delete(ctx context.Context, lb providers.Ref) error {
	p.mu.Lock()
	if p.served.get(lb.Name) == nil && p.served.good[lb.Name] == nil {
		p.mu.Unlock()
		return nil
	}
	p.served.remove(lb.Name)
	pending := p.coalescer.UpdateFunc(p.input)
	p.mu.Unlock()
	return loadError(pending.Wait(ctx))
}

// Owned lists the load balancers the running configuration serves (or is loading).
func (p *Provider) Owned(_ context.Context, _ []string) ([]providers.Ref, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []providers.Ref
	for _, name := range p.served.names() {
		out = append(out, providers.Ref{Name: name, Location: Location})
	}
	return out, nil
}

// Plan lists the servers and upstreams Ensure would add, change or remove for want.
func (p *Provider) Plan(_ context.Context, want *providers.Desired) (*providers.Plan, error) {
	e, err := newEntry(want)
	if err != nil {
		return nil, providers.Invalid(v1alpha1.ReasonInvalid, err, "%v", err)
	}
	p.mu.Lock()
	cur := p.served.get(want.Ref.Name)
	p.mu.Unlock()
	return &providers.Plan{Actions: diff(resourcesOf(cur), resourcesOf(e))}, nil
}

func (p *Provider) observe(ctx context.Context, name string) (*providers.Observed, error) {
	p.mu.Lock()
	e := p.served.get(name)
	p.mu.Unlock()
	obs := &providers.Observed{Resources: servedResources(e)}
	if p.addresses == nil {
		return obs, nil
	}
	addrs, err := p.addresses(ctx)
	if err != nil {
		return obs, providers.Retryable(v1alpha1.ReasonRetrying, err, "reading the data plane's address: %v", err)
	}
	obs.Addresses = addrs
	return obs, nil
}

// stageError is the error of a load balancer that could not join the served set: nginx
// refused it alone, or it cannot be rendered; both are the user's to fix.
func stageError(err error) error {
	if IsRejected(err) {
		return loadError(err)
	}
	return providers.Invalid(v1alpha1.ReasonInvalid, err, "%v", err)
}

// loadError makes nginx's refusal an invalid error, whose message goes into the
// LoadBalancer's condition; anything else is retried.
func loadError(err error) error {
	var rejected *RejectedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &rejected):
		return providers.Invalid(ReasonRejected, err, "%s", rejected.Error())
	default:
		return providers.Retryable(v1alpha1.ReasonRetrying, err, "loading the nginx configuration: %v", err)
	}
}
