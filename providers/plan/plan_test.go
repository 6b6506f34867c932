package plan

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/portico-dev/portico/providers"
)

// The kinds of the tests, in dependency order.
const (
	hc   = "HealthCheck"
	bs   = "BackendService"
	cert = "Certificate"
	um   = "URLMap"
	px   = "Proxy"
	fr   = "ForwardingRule"
)

func engine() *Engine { return &Engine{Kinds: []string{hc, bs, cert, um, px, fr}} }

// node builds a resource: node(kind, name).set(field, value).refs(...).fixed(...).
type node Resource

func res(kind, name string) node { return node{Key: Key{kind, name}, Fields: map[string]string{}} }

func (n node) set(f, v string) node {
	fields := map[string]string{f: v}
	for k, old := range n.Fields {
		if k != f {
			fields[k] = old
		}
	}
	n.Fields = fields
	return n
}

func (n node) refs(ks ...Key) node    { n.Refs = append(append([]Key(nil), n.Refs...), ks...); return n }
func (n node) fixed(f ...string) node { n.Immutable = f; return n }
func (n node) r() Resource            { return Resource(n) }

func graph(ns ...node) Graph {
	g := Graph{Scope: "global"}
	for _, n := range ns {
		g.Resources = append(g.Resources, n.r())
	}
	return g
}

// cloud is a Client over a map, refusing what a test tells it to.
type cloud struct {
	have  map[Key]Resource
	calls []string
	fail  map[string]error // "op kind/name" -> error
}

func newCloud(rs ...node) *cloud {
	c := &cloud{have: map[Key]Resource{}, fail: map[string]error{}}
	for _, n := range rs {
		c.have[n.Key] = n.r()
	}
	return c
}

func (c *cloud) call(op string, k Key) error {
	c.calls = append(c.calls, op+" "+k.String())
	return c.fail[op+" "+k.String()]
}

func (c *cloud) Insert(_ context.Context, w Resource) error {
	if err := c.call("insert", w.Key); err != nil {
		return err
	}
	c.have[w.Key] = w
	return nil
}

func (c *cloud) Patch(_ context.Context, _, w Resource, fields []string) error {
	for _, f := range fields {
		if slicesContains(w.Immutable, f) {
			return providers.Invalid("FieldImmutable", nil, "%s cannot be patched", f)
		}
	}
	if err := c.call("patch", w.Key); err != nil {
		return err
	}
	c.have[w.Key] = w
	return nil
}

func (c *cloud) Delete(_ context.Context, h Resource) error {
	if err := c.call("delete", h.Key); err != nil {
		return err
	}
	for _, r := range c.have {
		if slicesContains(r.Refs, h.Key) {
			return fmt.Errorf("%s is in use by %s", h.Key, r.Key)
		}
	}
	delete(c.have, h.Key)
	return nil
}

func slicesContains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func (c *cloud) observed() []Resource {
	var out []Resource
	for _, r := range c.have {
		out = append(out, r)
	}
	return out
}

// lb is a load balancer: forwarding rule -> proxy -> URL map -> backend -> health check.
func lb() []node {
	return []node{
		res(hc, "hc").set("path", "/"),
		res(bs, "bs").set("protocol", "HTTP").set("timeout", "30").fixed("protocol").refs(Key{hc, "hc"}),
		res(um, "um").set("default", "bs").refs(Key{bs, "bs"}),
		res(px, "px").set("urlMap", "um").refs(Key{um, "um"}),
		res(fr, "fr").set("address", "1.2.3.4").set("target", "px").fixed("address").refs(Key{px, "px"}),
	}
}

func with(ns []node, kind string, f func(node) node) []node {
	out := append([]node(nil), ns...)
	for i := range out {
		if out[i].Kind == kind {
			out[i] = f(out[i])
		}
	}
	return out
}

func actions(p *Plan) []string {
	var out []string
	for _, a := range p.Actions() {
		out = append(out, a.Op+" "+a.Kind+"/"+a.Name)
	}
	return out
}

func TestPlanOrdersEveryKindOfChange(t *testing.T) {
	rotated := with(with(lb(), px, func(n node) node {
		return n.set("certs", "new").refs(Key{cert, "new"})
	}), hc, func(n node) node { return n })
	rotated = append(rotated, res(cert, "new").set("pem", "B"))
	before := append(with(lb(), px, func(n node) node { return n.set("certs", "old").refs(Key{cert, "old"}) }), res(cert, "old").set("pem", "A"))

	cases := []struct {
		name       string
		have, want []node
		steps      []string
		detail     string // of the update, if any
	}{
		{"create in dependency order", nil, lb(), []string{
			"Create HealthCheck/hc", "Create BackendService/bs", "Create URLMap/um", "Create Proxy/px", "Create ForwardingRule/fr"}, ""},
		{"delete in reverse order", lb(), nil, []string{
			"Delete ForwardingRule/fr", "Delete Proxy/px", "Delete URLMap/um", "Delete BackendService/bs", "Delete HealthCheck/hc"}, ""},
		{"nothing changed, nothing to do", lb(), lb(), nil, ""},
		{"update in place names the field", lb(), with(lb(), bs, func(n node) node { return n.set("timeout", "60") }),
			[]string{"Update BackendService/bs"}, "changed timeout"},
		{"an immutable field replaces the resource", lb(), with(lb(), fr, func(n node) node { return n.set("address", "5.6.7.8") }),
			[]string{"Delete ForwardingRule/fr", "Create ForwardingRule/fr"}, ""},
		{"a replaced resource takes its referrers along, so nothing dangles", lb(),
			with(lb(), bs, func(n node) node { return n.set("protocol", "HTTPS") }), []string{
				"Delete ForwardingRule/fr", "Delete Proxy/px", "Delete URLMap/um", "Delete BackendService/bs",
				"Create BackendService/bs", "Create URLMap/um", "Create Proxy/px", "Create ForwardingRule/fr"}, ""},
		{"a certificate in use is created before the old one is deleted", before, rotated, []string{
			"Create Certificate/new", "Update Proxy/px", "Delete Certificate/old"}, "changed certs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := engine()
			c := newCloud(tc.have...)
			p := e.Plan(graph(tc.want...), c.observed())
			if got := actions(p); !reflect.DeepEqual(got, tc.steps) {
				t.Fatalf("plan\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.steps, "\n"))
			}
			for _, s := range p.Steps {
				if s.Op == providers.OpUpdate && s.Detail != tc.detail {
					t.Errorf("update detail %q, want %q", s.Detail, tc.detail)
				}
			}
			res := e.Apply(context.Background(), c, p)
			if res.Err != nil {
				t.Fatalf("apply: %v (calls %v)", res.Err, c.calls)
			}
			if len(res.Changes) != len(tc.steps) {
				t.Errorf("applied %v, planned %v", res.Changes, tc.steps)
			}
			if again := e.Plan(graph(tc.want...), c.observed()); len(again.Steps) != 0 {
				t.Errorf("a second pass plans %v", actions(again))
			}
		})
	}
}

func TestAFailedStepSkipsOnlyWhatNeedsIt(t *testing.T) {
	e := engine()
	c := newCloud()
	c.fail["insert URLMap/um"] = providers.Retryable("CloudUnavailable", nil, "503")
	want := append(lb(), res(hc, "other").set("path", "/healthz"))
	res := e.Apply(context.Background(), c, e.Plan(graph(want...), nil))
	if !providers.IsRetryable(res.Err) || !strings.Contains(res.Err.Error(), "URLMap/um") {
		t.Errorf("error %v, want the URL map's", res.Err)
	}
	for _, k := range []Key{{um, "um"}, {px, "px"}, {fr, "fr"}} {
		if !errors.Is(res.Broken[k], c.fail["insert URLMap/um"]) {
			t.Errorf("%s: %v, want skipped for the URL map's failure", k, res.Broken[k])
		}
	}
	for _, k := range []Key{{hc, "hc"}, {bs, "bs"}, {hc, "other"}} {
		if _, ok := c.have[k]; !ok {
			t.Errorf("%s was not created although it needs nothing that failed", k)
		}
	}
	if slicesContains(c.calls, "insert Proxy/px") {
		t.Error("the proxy was sent although its URL map failed")
	}
}

func TestBlockedResourceKeepsWhatServes(t *testing.T) {
	e := engine()
	before := append(with(lb(), px, func(n node) node { return n.set("certs", "old").refs(Key{cert, "old"}) }), res(cert, "old").set("pem", "A"))
	c := newCloud(before...)
	bad := errors.New("the TLS Secret does not parse")
	g := graph(append(with(lb(), px, func(n node) node { return n.set("certs", "new").refs(Key{cert, "new"}) }),
		res(bs, "bs2").set("protocol", "HTTP").refs(Key{hc, "hc"}))...)
	g.Blocked = map[Key]error{{cert, "new"}: bad}
	p := e.Plan(g, c.observed())
	if got := actions(p); !reflect.DeepEqual(got, []string{"Create BackendService/bs2"}) {
		t.Errorf("plan %v: want only the unrelated create; the proxy and its old certificate stay", got)
	}
	if !errors.Is(p.Err(), bad) || !errors.Is(p.Blocked[Key{px, "px"}], bad) || !errors.Is(p.Blocked[Key{fr, "fr"}], bad) {
		t.Errorf("blocked %v", p.Blocked)
	}
}

func TestRefusedWriteIsNotRepeatedUntilItsInputChanges(t *testing.T) {
	e := engine()
	c := newCloud()
	refused := providers.Invalid("URLMapInvalid", nil, "too many rules")
	c.fail["insert URLMap/um"] = refused
	ctx := context.Background()
	res := e.Apply(ctx, c, e.Plan(graph(lb()...), nil))
	if !errors.Is(res.Err, refused) {
		t.Fatalf("error %v", res.Err)
	}
	// Drift elsewhere: the health check is deleted outside portico.
	delete(c.have, Key{hc, "hc"})
	c.calls = nil
	p := e.Plan(graph(lb()...), c.observed())
	if got := actions(p); !reflect.DeepEqual(got, []string{"Create HealthCheck/hc"}) {
		t.Errorf("plan %v: want the drift repaired and the refused write left out", got)
	}
	res = e.Apply(ctx, c, p)
	if !errors.Is(res.Err, refused) || slicesContains(c.calls, "insert URLMap/um") {
		t.Errorf("error %v, calls %v: want the remembered refusal and no call", res.Err, c.calls)
	}
	if _, ok := c.have[Key{hc, "hc"}]; !ok {
		t.Error("the drift was not repaired")
	}
	// The input changes: the write is sent again, and succeeds.
	delete(c.fail, "insert URLMap/um")
	fixed := with(lb(), um, func(n node) node { return n.set("rules", "fewer") })
	res = e.Apply(ctx, c, e.Plan(graph(fixed...), c.observed()))
	if res.Err != nil || !slicesContains(c.calls, "insert URLMap/um") {
		t.Errorf("error %v, calls %v: want the changed write sent", res.Err, c.calls)
	}
}

func TestConflictIsRetriedEveryPass(t *testing.T) {
	e := engine()
	c := newCloud()
	c.fail["insert URLMap/um"] = providers.Conflict("NameConflict", nil, "the name is taken")
	ctx := context.Background()
	for i := range 2 {
		c.calls = nil
		res := e.Apply(ctx, c, e.Plan(graph(lb()...), c.observed()))
		if !providers.IsConflict(res.Err) || !slicesContains(c.calls, "insert URLMap/um") {
			t.Errorf("pass %d: error %v, calls %v: a conflict must be tried again", i, res.Err, c.calls)
		}
	}
}

func TestImmutablePatchIsNeverSent(t *testing.T) {
	e := engine()
	c := newCloud(lb()...)
	p := e.Plan(graph(with(lb(), fr, func(n node) node { return n.set("address", "9.9.9.9") })...), c.observed())
	for _, s := range p.Steps {
		if s.Op == providers.OpUpdate {
			t.Errorf("planned a patch of %s, which the cloud refuses", s.Key)
		}
	}
	if res := e.Apply(context.Background(), c, p); res.Err != nil {
		t.Fatal(res.Err)
	}
	if got := c.have[Key{fr, "fr"}].Fields["address"]; got != "9.9.9.9" {
		t.Errorf("address %s after the replace", got)
	}
}
