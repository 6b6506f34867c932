package gcp

import (
	"context"
	"path"
	"sync"
	"time"

	"cloud.google.com/go/compute/apiv1/computepb"
	"github.com/go-logr/logr"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/ratelimit"
)

// DefaultHealthResync is how long the health of a group whose endpoints were all healthy is
// trusted before it is read again: half the controller's own health resync
// (loadbalancer.DefaultHealthResync), so that each of its passes reads it.
const DefaultHealthResync = 5 * time.Minute

// Google reads health one backend service and one endpoint group per call
// (backendServices.getHealth), so it is read only when it may have changed or matters now:
// when the group's endpoints changed, while one of them is not known healthy, when a
// readiness gate waits on the backend, and otherwise once per HealthResync. A resync with
// everything healthy and nothing changed reads no health at all.

// groupHealth is what the provider last read of one endpoint group's health.
type groupHealth struct {
	// endpoints is the group's endpoint list when it was read.
	endpoints string
	// states maps "ip:port" to a providers.Health state; nil when never read.
	states map[string]string
	// at is when it was read, or first seen.
	at time.Time
	// failed is true when the read failed: what was known stands, and the next pass reads.
	failed bool
}

// settled reports whether the group needs no read before its resync: every endpoint was
// healthy, or it was first seen by a provider that just started and has no reason to read
// yet (reading every group on a restart would double its reads).
func (g groupHealth) settled() bool {
	if g.failed {
		return false
	}
	for _, s := range g.states {
		if s != providers.HealthHealthy {
			return false
		}
	}
	return true
}

// healthMemory holds the groups' health, per load balancer ("location/name"), so that a
// deleted load balancer's memory goes with it.
type healthMemory struct {
	mu  sync.Mutex
	lbs map[string]map[string]groupHealth
}

func (m *healthMemory) get(lb, group string) (groupHealth, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	g, ok := m.lbs[lb][group]
	return g, ok
}

// replace keeps exactly the groups a load balancer has now.
func (m *healthMemory) replace(lb string, groups map[string]groupHealth) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lbs == nil {
		m.lbs = map[string]map[string]groupHealth{}
	}
	if len(groups) == 0 {
		delete(m.lbs, lb)
		return
	}
	m.lbs[lb] = groups
}

// negGroup is one endpoint group of a backend service, as the pass left it.
type negGroup struct {
	link    string
	spec    negSpec
	changed bool
}

// health reports the health of every target of every backend of want, reading from Google
// only the groups that need it.
func (p *Provider) health(ctx context.Context, loc string, want *providers.Desired, after []plan.Resource, changes []providers.Change) map[string][]providers.TargetHealth {
	byKey := make(map[plan.Key]plan.Resource, len(after))
	for _, r := range after {
		byKey[r.Key] = r
	}
	changed := map[string]bool{}
	for _, c := range changes {
		if c.Kind == KindNetworkEndpointGroup {
			changed[c.Name] = true
		}
	}
	lb := loc + "/" + want.Ref.Name
	kept := map[string]groupHealth{}
	out := make(map[string][]providers.TargetHealth, len(want.Spec.Backends))
	for _, be := range want.Spec.Backends {
		bs := p.namer.Name(kinds[KindBackendService].abbrev, want.Ref.Name, be.Name)
		states := map[string]string{}
		for _, g := range groupsOf(byKey, bs, changed) {
			key := bs + "/" + g.spec.Group.GetName()
			h := p.groupHealth(ctx, loc, lb, key, bs, g, want.AwaitingHealth[be.Name])
			kept[key] = h
			for ep, s := range h.states {
				states[ep] = s
			}
		}
		out[be.Name] = targetHealth(want.Targets[be.Name], states)
	}
	p.healthMem.replace(lb, kept)
	return out
}

// groupsOf returns the endpoint groups of a backend service after the pass.
func groupsOf(byKey map[plan.Key]plan.Resource, bs string, changed map[string]bool) []negGroup {
	r, ok := byKey[plan.Key{Kind: KindBackendService, Name: bs}]
	if !ok {
		return nil
	}
	svc, ok := r.Spec.(*computepb.BackendService)
	if !ok {
		return nil
	}
	var out []negGroup
	for _, b := range svc.GetBackends() {
		name := path.Base(b.GetGroup())
		neg, ok := byKey[plan.Key{Kind: KindNetworkEndpointGroup, Name: name}]
		if !ok {
			continue
		}
		if spec, ok := neg.Spec.(negSpec); ok {
			out = append(out, negGroup{link: b.GetGroup(), spec: spec, changed: changed[name]})
		}
	}
	return out
}

// groupHealth returns a group's health, read from Google when it may have changed.
func (p *Provider) groupHealth(ctx context.Context, loc, lb, key, bs string, g negGroup, awaited bool) groupHealth {
	eps := endpointList(g.spec.Endpoints)
	now := p.now()
	last, known := p.healthMem.get(lb, key)
	due := !known && (g.changed || awaited) ||
		known && (last.endpoints != eps || !last.settled() || (awaited && last.states == nil) || now.Sub(last.at) >= p.healthResync())
	if !due {
		if !known {
			return groupHealth{endpoints: eps, at: now}
		}
		return last
	}
	if len(g.spec.Endpoints) == 0 {
		return groupHealth{endpoints: eps, states: map[string]string{}, at: now}
	}
	states, err := p.readHealth(ctx, loc, bs, g.link)
	if err != nil {
		// Health is a report, not a change: a failed read keeps what was known and is
		// tried again on the next pass, as the group is not settled.
		logr.FromContextOrDiscard(ctx).Info("Failed to read endpoint health", "backendService", bs, "group", g.link, "error", err.Error())
		last.endpoints, last.at, last.failed = eps, now, true
		return last
	}
	return groupHealth{endpoints: eps, states: states, at: now}
}

// readHealth calls backendServices.getHealth for one group of one backend service.
func (p *Provider) readHealth(ctx context.Context, loc, bs, group string) (map[string]string, error) {
	api, err := p.conn.get(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.opts.Limiter.Wait(ctx, ratelimit.Read); err != nil {
		return nil, err
	}
	res, err := api.BackendServices.GetHealth(ctx, &computepb.GetHealthBackendServiceRequest{
		Project: projectOf(loc), BackendService: bs,
		ResourceGroupReferenceResource: &computepb.ResourceGroupReference{Group: proto.String(group)},
	})
	err = classify("read the health of "+path.Base(group), err)
	p.opts.Observer.ObserveCall(ProviderName, "backendServices.getHealth", err)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, s := range res.GetHealthStatus() {
		ep := &computepb.NetworkEndpoint{IpAddress: s.IpAddress, Port: s.Port}
		out[endpointKey(ep)] = stateOfHealth(s.GetHealthState())
	}
	return out, nil
}

// stateOfHealth maps Google's health states: a draining endpoint is on its way out and an
// unknown one not yet checked; neither is a failure.
func stateOfHealth(s string) string {
	switch s {
	case "HEALTHY":
		return providers.HealthHealthy
	case "UNHEALTHY", "TIMEOUT":
		return providers.HealthUnhealthy
	}
	return providers.HealthUnknown
}

// targetHealth lists a backend's targets with their states, Unknown where none was read.
func targetHealth(targets []providers.Target, states map[string]string) []providers.TargetHealth {
	out := make([]providers.TargetHealth, 0, len(targets))
	for _, t := range targets {
		ep := &computepb.NetworkEndpoint{IpAddress: proto.String(t.IP), Port: proto.Int32(t.Port)}
		s, ok := states[endpointKey(ep)]
		if !ok {
			s = providers.HealthUnknown
		}
		out = append(out, providers.TargetHealth{IP: t.IP, Port: t.Port, State: s})
	}
	return out
}

func (p *Provider) healthResync() time.Duration {
	if p.opts.HealthResync > 0 {
		return p.opts.HealthResync
	}
	return DefaultHealthResync
}

func (p *Provider) now() time.Time {
	if p.opts.Clock != nil {
		return p.opts.Clock.Now()
	}
	return time.Now()
}

// HealthHint implements providers.HealthHinter: Google's health checkers and proxies come
// from two ranges a firewall rule must allow, and probe the health check's path.
func (p *Provider) HealthHint() string {
	return "check the health check path, that the pods answer it with 200, and that the firewall allows 130.211.0.0/22 and 35.191.0.0/16 to reach them"
}
