package fake

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Cloud is the in-memory cloud. It is safe for concurrent use and outlives providers: tests
// stop one controller and start another against the same Cloud.
//
// Resources live in locations (a region name, or "global"), as GCE's regional and global
// resources do: a name is unique per location and kind, and a resource refers only to
// resources of its own location. The Cloud's own methods act in the global location; In
// returns the methods of another.
type Cloud struct {
	mu        sync.Mutex
	resources map[locKey]*Resource
	// referrers[k] holds the resources that refer to k, so that a delete in use fails.
	referrers map[locKey]map[locKey]bool
	calls     []Call
	faults    []*fault
	// writeFault fails one future mutating call (FailWrite).
	writeFault *writeFault
	latency    map[opKind]time.Duration
	hook       func(Call)
	// health holds the states SetTargetHealth set, by "ip:port".
	health map[string]string
}

// GlobalLocation is the location of global resources, and of a class without a fake
// location parameter.
const GlobalLocation = "global"

// locKey identifies a resource in the whole Cloud.
type locKey struct {
	loc string
	Key
}

func (k locKey) String() string {
	if k.loc == GlobalLocation {
		return k.Key.String()
	}
	return k.loc + "/" + k.Key.String()
}

// locationOr returns loc, or the global location when loc is empty.
func locationOr(loc string) string {
	if loc == "" {
		return GlobalLocation
	}
	return loc
}

// NewCloud returns an empty cloud.
func NewCloud() *Cloud {
	return &Cloud{
		resources: map[locKey]*Resource{},
		referrers: map[locKey]map[locKey]bool{},
		latency:   map[opKind]time.Duration{},
	}
}

// gceName is GCE's rule for resource names.
var gceName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)

// ResourceID returns the id the Cloud gives a resource: a decimal number derived from its
// location, kind and name only, so the same resource has the same id in every Cloud. A
// global resource's id depends on its kind and name alone.
func ResourceID(location, kind, name string) string {
	sum := sha256.Sum256([]byte(scoped(location, kind+"/"+name)))
	return strconv.FormatUint(binary.BigEndian.Uint64(sum[:8])>>1, 10)
}

// AddressIP returns the IP the Cloud gives the address of that name in that location:
// 192.0.2.(1 + h%254) with h a hash of the location and name only, so a load balancer keeps
// its address across restarts and Clouds (a global address hashes its name alone). Beyond a
// few dozen addresses two will share an IP; the fake accepts that, as nothing routes to them.
func AddressIP(location, name string) string {
	sum := sha256.Sum256([]byte(scoped(location, name)))
	return fmt.Sprintf("192.0.2.%d", 1+binary.BigEndian.Uint64(sum[:8])%254)
}

// scoped prefixes s with a location other than global.
func scoped(location, s string) string {
	if loc := locationOr(location); loc != GlobalLocation {
		return loc + "/" + s
	}
	return s
}

// do runs one call: it applies injected latency and faults, runs fn under the lock unless a
// fault fired (a lost answer fails the call after fn took effect), records the call, and
// tells the OnCall hook about a mutating one.
func (c *Cloud) do(ctx context.Context, op, loc, kind, name string, fn func() ([]string, error)) error {
	err := c.before(ctx, op, kind)
	c.mu.Lock()
	var fields []string
	var lost error
	if err == nil && mutating(op) {
		err, lost = c.takeWriteFault()
	}
	if err == nil {
		if kindRank(kind) < 0 {
			err = apiError(CodeInvalid, "", "unknown resource kind %q", kind)
		} else if fields, err = fn(); err == nil {
			err = lost
		}
	}
	call := Call{Op: op, Location: loc, Kind: kind, Name: name, Fields: fields, Err: err}
	c.record(call)
	hook := c.hook
	c.mu.Unlock()
	if hook != nil && mutating(op) {
		hook(call)
	}
	return err
}

// Scope is the Cloud's API in one location.
type Scope struct {
	c   *Cloud
	loc string
}

// In returns the Cloud's API in a location; "" is the global location.
func (c *Cloud) In(location string) *Scope { return &Scope{c: c, loc: locationOr(location)} }

// Location is the scope's location.
func (s *Scope) Location() string { return s.loc }

func (s *Scope) key(kind, name string) locKey { return locKey{s.loc, Key{kind, name}} }

// Insert creates a resource in the global location.
func (c *Cloud) Insert(ctx context.Context, name, description string, spec Spec) (Resource, error) {
	return c.In(GlobalLocation).Insert(ctx, name, description, spec)
}

// Insert creates a resource. It fails when the name is taken, a reference is missing or the
// spec breaks a rule of its kind.
func (s *Scope) Insert(ctx context.Context, name, description string, spec Spec) (Resource, error) {
	if spec == nil {
		return Resource{}, apiError(CodeInvalid, "", "insert %s: no spec", name)
	}
	var out Resource
	err := s.c.do(ctx, OpInsert, s.loc, spec.Kind(), name, func() ([]string, error) {
		r, err := s.c.insertLocked(s.key(spec.Kind(), name), description, spec)
		out = r
		return nil, err
	})
	return out, err
}

func (c *Cloud) insertLocked(k locKey, description string, spec Spec) (Resource, error) {
	if !gceName.MatchString(k.Name) {
		return Resource{}, apiError(CodeInvalid, "", "invalid name %q: want at most 63 lowercase letters, digits and '-', starting with a letter", k.Name)
	}
	if _, dup := c.resources[k]; dup {
		return Resource{}, apiError(CodeAlreadyExists, "", "the resource %s already exists", k)
	}
	stored, err := c.admit(k, spec)
	if err != nil {
		return Resource{}, err
	}
	switch s := stored.(type) {
	case ForwardingRuleSpec:
		if err := c.portFree(k, s); err != nil {
			return Resource{}, err
		}
	case AddressSpec:
		s.IP = AddressIP(k.loc, k.Name)
		stored = s
	case SslCertificateSpec:
		if stored, err = certificateStored(s); err != nil {
			return Resource{}, err
		}
	case NetworkEndpointGroupSpec:
		if len(s.Endpoints) > 0 || s.Zone == "" {
			return Resource{}, apiError(CodeInvalid, "", "%s: a network endpoint group is created empty, in a zone; attach its endpoints after", k)
		}
	}
	r := &Resource{Location: k.loc, Kind: k.Kind, Name: k.Name, ID: ResourceID(k.loc, k.Kind, k.Name), Description: description, State: StateReady, Spec: stored}
	c.resources[k] = r
	c.link(k, stored)
	return r.clone(), nil
}

// admit checks the rules every write shares: the spec's own rules and its references.
func (c *Cloud) admit(k locKey, spec Spec) (Spec, error) {
	spec = spec.clone()
	if v, ok := spec.(validator); ok {
		if err := v.validate(); err != nil {
			return nil, err
		}
	}
	for _, ref := range spec.References() {
		if _, ok := c.resources[locKey{k.loc, ref}]; !ok {
			return nil, apiError(CodeNotFound, "", "the resource %s referred to by %s was not found", locKey{k.loc, ref}, k)
		}
	}
	return spec, nil
}

// fieldsChanged reports whether any of the fields named differs between two specs.
func fieldsChanged(old, new Spec, fields ...string) bool {
	for _, f := range changedFields(old, new) {
		if slices.Contains(fields, f) {
			return true
		}
	}
	return false
}

// SetTarget points a forwarding rule at another target proxy, the one way GCE changes a
// rule's target.
func (s *Scope) SetTarget(ctx context.Context, name, targetKind, target string) (Resource, error) {
	var out Resource
	err := s.c.do(ctx, OpSetTarget, s.loc, KindForwardingRule, name, func() ([]string, error) {
		k := s.key(KindForwardingRule, name)
		r, ok := s.c.resources[k]
		if !ok {
			return nil, notFound(k)
		}
		spec := r.Spec.(ForwardingRuleSpec)
		spec.TargetKind, spec.Target = targetKind, target
		stored, err := s.c.admit(k, spec)
		if err != nil {
			return nil, err
		}
		changed := changedFields(r.Spec, stored)
		s.c.unlink(k, r.Spec)
		r.Spec = stored
		s.c.link(k, stored)
		out = r.clone()
		return changed, nil
	})
	return out, err
}

// ReasonFieldImmutable is the reason of a patch of a field the Cloud sets only at creation.
const ReasonFieldImmutable = "FieldImmutable"

// setAtCreation returns the fields of changed that a kind sets only at creation.
func setAtCreation(kind string, changed []string) []string {
	var out []string
	for _, f := range changed {
		if slices.Contains(immutableFields[kind], f) {
			out = append(out, f)
		}
	}
	return out
}

// portFree refuses a second forwarding rule on one address and port, as GCE does. The rule
// is checked per Address resource: the fake's IPs may repeat across addresses (see AddressIP),
// a real cloud's never do.
func (c *Cloud) portFree(k locKey, s ForwardingRuleSpec) error {
	for other, r := range c.resources {
		fr, ok := r.Spec.(ForwardingRuleSpec)
		if !ok || other.loc != k.loc || other == k || fr.Address != s.Address || fr.Port != s.Port {
			continue
		}
		return apiError(CodeIPInUse, "", "address %s port %d is already used by forwarding rule %s; free it or use another address",
			s.Address, s.Port, other.Name)
	}
	return nil
}

// ReserveAddress reserves a global address outside portico, as a user does before naming it
// in spec.staticAddress. It records no call.
func (c *Cloud) ReserveAddress(name string) (Resource, error) {
	return c.In(GlobalLocation).ReserveAddress(name)
}

// ReserveAddress reserves an address in the scope's location outside portico. It records
// no call.
func (s *Scope) ReserveAddress(name string) (Resource, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	return s.c.insertLocked(s.key(KindAddress, name), "", AddressSpec{})
}

// Get returns one global resource.
func (c *Cloud) Get(ctx context.Context, kind, name string) (Resource, error) {
	return c.In(GlobalLocation).Get(ctx, kind, name)
}

// Get returns one resource.
func (s *Scope) Get(ctx context.Context, kind, name string) (Resource, error) {
	var out Resource
	err := s.c.do(ctx, OpGet, s.loc, kind, name, func() ([]string, error) {
		r, ok := s.c.resources[s.key(kind, name)]
		if !ok {
			return nil, notFound(s.key(kind, name))
		}
		out = r.clone()
		return nil, nil
	})
	return out, err
}

func notFound(k locKey) error {
	return apiError(CodeNotFound, "", "the resource %s was not found", k)
}

// Patch replaces the spec of a global resource.
func (c *Cloud) Patch(ctx context.Context, name string, spec Spec) (Resource, []string, error) {
	return c.In(GlobalLocation).Patch(ctx, name, spec)
}

// Patch replaces the spec of a resource and returns the resource and the fields that
// changed. Certificates are immutable; an address keeps its IP.
func (s *Scope) Patch(ctx context.Context, name string, spec Spec) (Resource, []string, error) {
	if spec == nil {
		return Resource{}, nil, apiError(CodeInvalid, "", "patch %s: no spec", name)
	}
	var out Resource
	var changed []string
	err := s.c.do(ctx, OpPatch, s.loc, spec.Kind(), name, func() ([]string, error) {
		k := s.key(spec.Kind(), name)
		r, ok := s.c.resources[k]
		if !ok {
			return nil, notFound(k)
		}
		switch k.Kind {
		case KindSslCertificate:
			return nil, apiError(CodeInvalid, "", "%s: certificates are immutable; create a new one", k)
		case KindNetworkEndpointGroup:
			return nil, apiError(CodeInvalid, "", "%s: network endpoint groups cannot be patched; attach or detach endpoints", k)
		case KindForwardingRule:
			if fieldsChanged(r.Spec, spec, "targetKind", "target") {
				return nil, apiError(CodeInvalid, "", "%s: a forwarding rule's target changes with setTarget, not patch", k)
			}
		}
		stored, err := s.c.admit(k, spec)
		if err != nil {
			return nil, err
		}
		if a, ok := stored.(AddressSpec); ok {
			a.IP = r.Spec.(AddressSpec).IP
			stored = a
		}
		changed = changedFields(r.Spec, stored)
		if fixed := setAtCreation(k.Kind, changed); len(fixed) > 0 {
			return nil, apiError(CodeInvalid, ReasonFieldImmutable,
				"%s: %s can be set only at creation; delete the resource and create it again", k, strings.Join(fixed, ", "))
		}
		s.c.unlink(k, r.Spec)
		r.Spec = stored
		s.c.link(k, stored)
		out = r.clone()
		return changed, nil
	})
	return out, changed, err
}

// Delete removes a global resource.
func (c *Cloud) Delete(ctx context.Context, kind, name string) error {
	return c.In(GlobalLocation).Delete(ctx, kind, name)
}

// Delete removes a resource. It fails while another resource refers to it.
func (s *Scope) Delete(ctx context.Context, kind, name string) error {
	return s.c.do(ctx, OpDelete, s.loc, kind, name, func() ([]string, error) {
		k := s.key(kind, name)
		r, ok := s.c.resources[k]
		if !ok {
			return nil, notFound(k)
		}
		if users := s.c.sortedReferrers(k); len(users) > 0 {
			return nil, apiError(CodeInUse, "", "the resource %s is in use by %s", k, users[0])
		}
		s.c.unlink(k, r.Spec)
		delete(s.c.resources, k)
		return nil, nil
	})
}

// List returns every global resource of a kind.
func (c *Cloud) List(ctx context.Context, kind string) ([]Resource, error) {
	return c.In(GlobalLocation).List(ctx, kind)
}

// List returns every resource of a kind in the location, sorted by name; callers filter by
// name or owner, as with a real cloud's list call.
func (s *Scope) List(ctx context.Context, kind string) ([]Resource, error) {
	var out []Resource
	err := s.c.do(ctx, OpList, s.loc, kind, "", func() ([]string, error) {
		for k, r := range s.c.resources {
			if k.Kind == kind && k.loc == s.loc {
				out = append(out, r.clone())
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return nil, nil
	})
	return out, err
}

func (c *Cloud) link(from locKey, spec Spec) {
	for _, ref := range spec.References() {
		to := locKey{from.loc, ref}
		if c.referrers[to] == nil {
			c.referrers[to] = map[locKey]bool{}
		}
		c.referrers[to][from] = true
	}
}

func (c *Cloud) unlink(from locKey, spec Spec) {
	for _, ref := range spec.References() {
		to := locKey{from.loc, ref}
		delete(c.referrers[to], from)
		if len(c.referrers[to]) == 0 {
			delete(c.referrers, to)
		}
	}
}

func (c *Cloud) sortedReferrers(k locKey) []locKey {
	var out []locKey
	for from := range c.referrers[k] {
		out = append(out, from)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// Inventory returns every resource of every location, sorted by kind, name, then location.
// It records no call.
func (c *Cloud) Inventory() []Resource {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Resource, 0, len(c.resources))
	for _, r := range c.resources {
		out = append(out, r.clone())
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Location < out[j].Location
	})
	return out
}

// Lookup returns one resource without recording a call, for tests: the global one, else
// the one of that kind and name in the first location by name.
func (c *Cloud) Lookup(kind, name string) (Resource, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.resources[locKey{GlobalLocation, Key{kind, name}}]; ok {
		return r.clone(), true
	}
	var found *Resource
	for k, r := range c.resources {
		if k.Key == (Key{kind, name}) && (found == nil || r.Location < found.Location) {
			found = r
		}
	}
	if found == nil {
		return Resource{}, false
	}
	return found.clone(), true
}

// Lookup returns one resource of the scope's location without recording a call.
func (s *Scope) Lookup(kind, name string) (Resource, bool) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	r, ok := s.c.resources[s.key(kind, name)]
	if !ok {
		return Resource{}, false
	}
	return r.clone(), true
}
