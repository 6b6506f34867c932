package nginxfallback

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// entry is one load balancer as the provider serves it: what the controller resolved, the
// claims it lost, and the load that included this state.
type entry struct {
	lb      LoadBalancer
	refused map[v1alpha1.Hostname]string // claim → the LoadBalancer that won it
	// print is a hash of everything rendered from the entry, to tell an unchanged one;
	// shape leaves out the targets: what can make nginx refuse the configuration.
	print   string
	shape   string
	pending *Pending
}

func newEntry(want *providers.Desired) (*entry, error) {
	e := &entry{
		lb:      LoadBalancer{Name: want.Ref.Name, Spec: want.Spec, Targets: want.Targets, Certificates: want.Certificates},
		refused: map[v1alpha1.Hostname]string{},
	}
	for _, c := range want.Refused {
		e.refused[c.Host] = c.Winner
	}
	// Certificates print as their hash (CertPEM and the key loader are never marshalled).
	b, err := json.Marshal(struct {
		Spec    v1alpha1.LoadBalancerSpec
		Targets map[string][]providers.Target
		Certs   map[string]providers.Certificate
		Refused []providers.RefusedClaim
	}{want.Spec, want.Targets, want.Certificates, want.Refused})
	if err != nil {
		return nil, fmt.Errorf("fingerprint of loadbalancer %s: %w", want.Ref.Name, err)
	}
	sum := sha256.Sum256(b)
	e.print = hex.EncodeToString(sum[:])
	e.shape = hashOf(want.Spec, want.Certificates)
	return e, nil
}

// wait returns the result of the load that included the entry.
func (e *entry) wait(ctx context.Context) error {
	if e.pending == nil {
		return nil
	}
	return e.pending.Wait(ctx)
}

// served is the set of load balancers nginx serves, with the owner of every claim.
type served struct {
	entries map[string]*entry
	// good is the last state of each load balancer that loaded, to go back to when nginx
	// refuses a newer one.
	good map[string]*entry
	// reported is the state of each load balancer that Ensure last reported, so that its
	// changes are told once, whichever replica's controller staged them.
	reported map[string]*entry
	owners   map[v1alpha1.Hostname]string
	catchAll string
}

func newServed() served {
	return served{
		entries: map[string]*entry{}, good: map[string]*entry{}, reported: map[string]*entry{},
		owners: map[v1alpha1.Hostname]string{},
	}
}

func (s *served) get(name string) *entry { return s.entries[name] }

func (s *served) put(e *entry) { s.entries[e.lb.Name] = e }

func (s *served) remove(name string) {
	delete(s.entries, name)
	delete(s.good, name)
	delete(s.reported, name)
}

func (s *served) revert(name string) {
	if g := s.good[name]; g != nil {
		s.entries[name] = g
	} else {
		delete(s.entries, name)
	}
}

// loaded records e as the last state of its load balancer that nginx served.
func (s *served) loaded(e *entry) { s.good[e.lb.Name] = e }

func (s *served) names() []string { return sortedKeys(s.entries) }

// arbitrate gives each claim an owner among the load balancers that did not lose it. The
// controller decided who wins; while its decisions reach the load balancers one at a time,
// two may both hold a claim for a moment, and then the one serving it keeps it (else the
// first by name), so that a claim never flaps.
func (s *served) arbitrate() {
	owners := map[v1alpha1.Hostname]string{}
	for _, name := range s.names() {
		e := s.entries[name]
		for _, claim := range providers.Claims(&e.lb.Spec) {
			if _, lost := e.refused[claim]; lost {
				continue
			}
			cur, taken := owners[claim]
			if !taken || (s.ownerOf(claim) == name && cur != name) {
				owners[claim] = name
			}
		}
	}
	s.catchAll = owners[""]
	delete(owners, "")
	s.owners = owners
}

// ownerOf returns who owned a claim before this arbitration.
func (s *served) ownerOf(claim v1alpha1.Hostname) string {
	if claim == "" {
		return s.catchAll
	}
	return s.owners[claim]
}

// input is the state to load: every load balancer, and the owner of every host (a host that
// no load balancer may serve gets an owner that is none of them, so nobody renders it). It
// arbitrates the claims first: only here, once per load, not once per change.
func (s *served) input() Input {
	s.arbitrate()
	in := Input{HostOwners: map[v1alpha1.Hostname]string{}, CatchAll: s.catchAll}
	for _, name := range s.names() {
		e := s.entries[name]
		in.LoadBalancers = append(in.LoadBalancers, e.lb)
		for _, r := range e.lb.Spec.Rules {
			if r.Host != "" {
				in.HostOwners[r.Host] = s.owners[r.Host]
			}
		}
	}
	return in
}

// Kinds of the resources the provider reports in a LoadBalancer's status.
const (
	KindServer   = "NginxServer"
	KindUpstream = "NginxUpstream"
	// catchAllName names the catch-all server, as nginx's own server_name convention does.
	catchAllName = "_"
)

// servedResources lists the servers (one per claim) and upstreams of e. A server's state
// follows the controller's decision (a claim it lost is served by the winner), not who serves
// it this instant: while the decisions reach the load balancers one at a time the two may
// differ for a moment, and nothing would report the end of that moment.
func servedResources(e *entry) []v1alpha1.CloudResource {
	if e == nil {
		return nil
	}
	var out []v1alpha1.CloudResource
	for _, claim := range providers.Claims(&e.lb.Spec) {
		name := string(claim)
		if claim == "" {
			name = catchAllName
		}
		state := "Serving"
		if winner, lost := e.refused[claim]; lost {
			state = "ServedBy " + winner
		}
		out = append(out, v1alpha1.CloudResource{Kind: KindServer, Name: name, State: state})
	}
	for _, be := range e.lb.Spec.Backends {
		state := "Ready"
		if len(e.lb.Targets[be.Name]) == 0 {
			state = "NoTargets"
		}
		out = append(out, v1alpha1.CloudResource{Kind: KindUpstream, Name: upstreamName(e.lb.Name, be.Name), State: state})
	}
	return out
}

// resourcesOf maps each server and upstream of e to a hash of what it renders from.
func resourcesOf(e *entry) map[[2]string]string {
	out := map[[2]string]string{}
	if e == nil {
		return out
	}
	paths := map[v1alpha1.Hostname][]v1alpha1.PathRule{}
	for _, r := range e.lb.Spec.Rules {
		paths[r.Host] = append(paths[r.Host], r.Paths...)
	}
	for _, claim := range providers.Claims(&e.lb.Spec) {
		name := string(claim)
		if claim == "" {
			name = catchAllName
		}
		out[[2]string{KindServer, name}] = hashOf(paths[claim], e.refused[claim], e.lb.Spec.DefaultBackend, e.lb.Spec.TLS)
	}
	for _, be := range e.lb.Spec.Backends {
		out[[2]string{KindUpstream, upstreamName(e.lb.Name, be.Name)}] = hashOf(be, e.lb.Targets[be.Name])
	}
	return out
}

// diff lists the actions that turn the resources from into to, by kind and name.
func diff(from, to map[[2]string]string) []providers.Action {
	var out []providers.Action
	for k, h := range to {
		switch old, ok := from[k]; {
		case !ok:
			out = append(out, providers.Action{Op: providers.OpCreate, Kind: k[0], Name: k[1]})
		case old != h:
			out = append(out, providers.Action{Op: providers.OpUpdate, Kind: k[0], Name: k[1]})
		}
	}
	for k := range from {
		if _, ok := to[k]; !ok {
			out = append(out, providers.Action{Op: providers.OpDelete, Kind: k[0], Name: k[1]})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Kind != b.Kind {
			return a.Kind > b.Kind // upstreams before the servers that use them
		}
		return a.Name < b.Name
	})
	return out
}

func hashOf(vs ...any) string {
	b, _ := json.Marshal(vs) // plain data: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
