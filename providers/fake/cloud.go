package fake

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Cloud is the in-memory cloud. It is safe for concurrent use and outlives providers: tests
// stop one controller and start another against the same Cloud.
type Cloud struct {
	mu        sync.Mutex
	resources map[Key]*Resource
	// referrers[k] holds the resources that refer to k, so that a delete in use fails.
	referrers map[Key]map[Key]bool
	calls     []Call
	faults    []*fault
	// writeFault fails one future mutating call (FailWrite).
	writeFault *writeFault
	latency    map[opKind]time.Duration
	hook       func(Call)
}

// NewCloud returns an empty cloud.
func NewCloud() *Cloud {
	return &Cloud{
		resources: map[Key]*Resource{},
		referrers: map[Key]map[Key]bool{},
		latency:   map[opKind]time.Duration{},
	}
}

// gceName is GCE's rule for resource names.
var gceName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)

// ResourceID returns the id the Cloud gives a resource: a decimal number derived from its
// kind and name only, so the same resource has the same id in every Cloud.
func ResourceID(kind, name string) string {
	sum := sha256.Sum256([]byte(kind + "/" + name))
	return strconv.FormatUint(binary.BigEndian.Uint64(sum[:8])>>1, 10)
}

// AddressIP returns the IP the Cloud gives the address of that name: 192.0.2.(1 + h%254)
// with h a hash of the name only, so a load balancer keeps its address across restarts and
// Clouds. Beyond a few dozen addresses two will share an IP; the fake accepts that, as
// nothing routes to them.
func AddressIP(name string) string {
	sum := sha256.Sum256([]byte(name))
	return fmt.Sprintf("192.0.2.%d", 1+binary.BigEndian.Uint64(sum[:8])%254)
}

// do runs one call: it applies injected latency and faults, runs fn under the lock unless a
// fault fired (a lost answer fails the call after fn took effect), records the call, and
// tells the OnCall hook about a mutating one.
func (c *Cloud) do(ctx context.Context, op, kind, name string, fn func() ([]string, error)) error {
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
	call := Call{Op: op, Kind: kind, Name: name, Fields: fields, Err: err}
	c.record(call)
	hook := c.hook
	c.mu.Unlock()
	if hook != nil && mutating(op) {
		hook(call)
	}
	return err
}

// Insert creates a resource. It fails when the name is taken, a reference is missing or the
// spec breaks a rule of its kind.
func (c *Cloud) Insert(ctx context.Context, name, description string, spec Spec) (Resource, error) {
	if spec == nil {
		return Resource{}, apiError(CodeInvalid, "", "insert %s: no spec", name)
	}
	var out Resource
	err := c.do(ctx, OpInsert, spec.Kind(), name, func() ([]string, error) {
		r, err := c.insertLocked(name, description, spec)
		out = r
		return nil, err
	})
	return out, err
}

func (c *Cloud) insertLocked(name, description string, spec Spec) (Resource, error) {
	k := Key{spec.Kind(), name}
	if !gceName.MatchString(name) {
		return Resource{}, apiError(CodeInvalid, "", "invalid name %q: want at most 63 lowercase letters, digits and '-', starting with a letter", name)
	}
	if _, dup := c.resources[k]; dup {
		return Resource{}, apiError(CodeAlreadyExists, "", "the resource %s already exists", k)
	}
	stored, err := c.admit(k, spec)
	if err != nil {
		return Resource{}, err
	}
	switch s := stored.(type) {
	case AddressSpec:
		s.IP = AddressIP(name)
		stored = s
	case SslCertificateSpec:
		if stored, err = certificateStored(s); err != nil {
			return Resource{}, err
		}
	}
	r := &Resource{Kind: k.Kind, Name: name, ID: ResourceID(k.Kind, name), Description: description, State: StateReady, Spec: stored}
	c.resources[k] = r
	c.link(k, stored)
	return r.clone(), nil
}

// admit checks the rules every write shares: the spec's own rules and its references.
func (c *Cloud) admit(k Key, spec Spec) (Spec, error) {
	spec = spec.clone()
	if v, ok := spec.(validator); ok {
		if err := v.validate(); err != nil {
			return nil, err
		}
	}
	for _, ref := range spec.References() {
		if _, ok := c.resources[ref]; !ok {
			return nil, apiError(CodeNotFound, "", "the resource %s referred to by %s was not found", ref, k)
		}
	}
	return spec, nil
}

// ReserveAddress reserves an address outside portico, as a user does before naming it in
// spec.staticAddress. It records no call.
func (c *Cloud) ReserveAddress(name string) (Resource, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.insertLocked(name, "", AddressSpec{})
}

// Get returns one resource.
func (c *Cloud) Get(ctx context.Context, kind, name string) (Resource, error) {
	var out Resource
	err := c.do(ctx, OpGet, kind, name, func() ([]string, error) {
		r, ok := c.resources[Key{kind, name}]
		if !ok {
			return nil, notFound(Key{kind, name})
		}
		out = r.clone()
		return nil, nil
	})
	return out, err
}

func notFound(k Key) error {
	return apiError(CodeNotFound, "", "the resource %s was not found", k)
}

// Patch replaces the spec of a resource and returns the resource and the fields that
// changed. Certificates are immutable; an address keeps its IP.
func (c *Cloud) Patch(ctx context.Context, name string, spec Spec) (Resource, []string, error) {
	if spec == nil {
		return Resource{}, nil, apiError(CodeInvalid, "", "patch %s: no spec", name)
	}
	var out Resource
	var changed []string
	err := c.do(ctx, OpPatch, spec.Kind(), name, func() ([]string, error) {
		k := Key{spec.Kind(), name}
		r, ok := c.resources[k]
		if !ok {
			return nil, notFound(k)
		}
		if k.Kind == KindSslCertificate {
			return nil, apiError(CodeInvalid, "", "%s: certificates are immutable; create a new one", k)
		}
		stored, err := c.admit(k, spec)
		if err != nil {
			return nil, err
		}
		if a, ok := stored.(AddressSpec); ok {
			a.IP = r.Spec.(AddressSpec).IP
			stored = a
		}
		changed = changedFields(r.Spec, stored)
		c.unlink(k, r.Spec)
		r.Spec = stored
		c.link(k, stored)
		out = r.clone()
		return changed, nil
	})
	return out, changed, err
}

// Delete removes a resource. It fails while another resource refers to it.
func (c *Cloud) Delete(ctx context.Context, kind, name string) error {
	return c.do(ctx, OpDelete, kind, name, func() ([]string, error) {
		k := Key{kind, name}
		r, ok := c.resources[k]
		if !ok {
			return nil, notFound(k)
		}
		if users := c.sortedReferrers(k); len(users) > 0 {
			return nil, apiError(CodeInUse, "", "the resource %s is in use by %s", k, users[0])
		}
		c.unlink(k, r.Spec)
		delete(c.resources, k)
		return nil, nil
	})
}

// List returns every resource of a kind, sorted by name; callers filter by name or owner,
// as with a real cloud's list call.
func (c *Cloud) List(ctx context.Context, kind string) ([]Resource, error) {
	var out []Resource
	err := c.do(ctx, OpList, kind, "", func() ([]string, error) {
		for k, r := range c.resources {
			if k.Kind == kind {
				out = append(out, r.clone())
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return nil, nil
	})
	return out, err
}

func (c *Cloud) link(from Key, spec Spec) {
	for _, to := range spec.References() {
		if c.referrers[to] == nil {
			c.referrers[to] = map[Key]bool{}
		}
		c.referrers[to][from] = true
	}
}

func (c *Cloud) unlink(from Key, spec Spec) {
	for _, to := range spec.References() {
		delete(c.referrers[to], from)
		if len(c.referrers[to]) == 0 {
			delete(c.referrers, to)
		}
	}
}

func (c *Cloud) sortedReferrers(k Key) []Key {
	var out []Key
	for from := range c.referrers[k] {
		out = append(out, from)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// Inventory returns every resource, sorted by kind then name. It records no call.
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
		return out[i].Name < out[j].Name
	})
	return out
}

// Lookup returns one resource without recording a call, for tests.
func (c *Cloud) Lookup(kind, name string) (Resource, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.resources[Key{kind, name}]
	if !ok {
		return Resource{}, false
	}
	return r.clone(), true
}
