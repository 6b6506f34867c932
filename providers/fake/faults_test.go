package fake

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// TestConvergesAfterAFailureAtAnyWrite interrupts Ensure at its k-th write, for every k, with
// a retryable error or by stopping the controller (its context ends after k writes), then
// runs a fresh provider without faults: the cloud must end exactly as a run without faults
// leaves it, with no duplicate and no leaked resource, and a resync must write nothing.
func TestConvergesAfterAFailureAtAnyWrite(t *testing.T) {
	certA, certB := testCertificate(t, "shop.example.com"), testCertificate(t, "shop.example.com")
	full := func() *providers.Desired { return withTLS(shop(), certA) }
	transitions := []struct {
		name     string
		from, to func() *providers.Desired
	}{
		{"create", nil, full},
		{"rotate, retarget, drop a backend", full, func() *providers.Desired {
			d := withTLS(shop(), certB)
			d.Spec.Backends[1].TargetType = v1alpha1.TargetTypeIP
			d.Spec.Rules[0].Paths = d.Spec.Rules[0].Paths[1:]
			d.Spec.Backends = d.Spec.Backends[1:]
			return d
		}},
		{"static address, no HTTP", full, func() *providers.Desired {
			d := full()
			d.Spec.StaticAddress = "shop-ip"
			d.Spec.Frontends.HTTP = false
			return d
		}},
	}
	throttled := providers.Retryable("Throttled", nil, "rate limit exceeded")
	for _, tr := range transitions {
		start := func() *Cloud {
			c := NewCloud()
			if _, err := c.ReserveAddress("shop-ip"); err != nil {
				t.Fatal(err)
			}
			if tr.from != nil {
				ensure(t, newProvider(c), tr.from())
			}
			c.ResetCalls()
			return c
		}
		ref := start()
		ensure(t, newProvider(ref), tr.to())
		n := len(writes(ref))
		if n < 3 {
			t.Fatalf("%s: only %d writes; the test needs more", tr.name, n)
		}
		for k := 1; k <= n; k++ {
			for _, mode := range []string{"error", "stop"} {
				t.Run(fmt.Sprintf("%s/%s at write %d of %d", tr.name, mode, k, n), func(t *testing.T) {
					c := start()
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					count := 0
					arm := func() {
						for _, op := range []string{OpInsert, OpPatch, OpDelete} {
							c.InjectError(op, "", throttled, -1)
						}
					}
					switch {
					case mode == "error" && k == 1:
						arm()
					case mode == "error":
						c.OnCall(func(Call) {
							if count++; count == k-1 {
								arm()
							}
						})
					default:
						c.OnCall(func(Call) {
							if count++; count == k {
								cancel()
							}
						})
					}
					obs, err := newProvider(c).Ensure(ctx, tr.to())
					if err == nil && (mode != "stop" || k != n) {
						t.Fatal("the interrupted ensure reported no error")
					}
					if err != nil && !providers.IsRetryable(err) {
						t.Fatalf("got %v, want a retryable error", err)
					}
					if got, want := observedKeys(obs), keysOf(c.Inventory()); !reflect.DeepEqual(got, want) {
						t.Errorf("observed %v\nbut the cloud holds %v", got, want)
					}

					c.ClearFaults()
					c.OnCall(nil)
					ensure(t, newProvider(c), tr.to())
					assertSameInventory(t, c, ref)
					c.ResetCalls()
					ensure(t, newProvider(c), tr.to())
					if w := writes(c); len(w) != 0 {
						t.Errorf("a resync after recovery wrote %v", w)
					}
				})
			}
		}
	}
}

// observedKeys returns the observed resources, minus the reserved address, sorted as
// Inventory sorts.
func observedKeys(obs *providers.Observed) []string {
	out := []string{Key{KindAddress, "shop-ip"}.String()}
	for _, r := range obs.Resources {
		out = append(out, Key{r.Kind, r.Name}.String())
	}
	slices.Sort(out)
	return out
}

func TestObserverSeesEveryCall(t *testing.T) {
	c := NewCloud()
	rec := &recorder{}
	p := New(c, Options{ClusterID: testCluster, Observer: rec})
	c.InjectError(OpInsert, KindURLMap, providers.Retryable("Throttled", nil, "rate limit exceeded"), 1)
	_, err := p.Ensure(context.Background(), shop())
	if !providers.IsRetryable(err) || providers.ReasonOf(err) != "Throttled" {
		t.Fatalf("got %v, want the injected Throttled error", err)
	}
	ensure(t, p, shop())
	if err := p.Delete(context.Background(), shop().Ref); err != nil {
		t.Fatal(err)
	}
	calls := c.Calls()
	if len(rec.ops) != len(calls) {
		t.Fatalf("observed %d calls, the cloud logged %d", len(rec.ops), len(calls))
	}
	failed := 0
	for i, call := range calls {
		if rec.ops[i] != Operation(call.Op, call.Kind) || (rec.errs[i] == nil) != (call.Err == nil) {
			t.Errorf("call %d: observed %s (%v), logged %+v", i, rec.ops[i], rec.errs[i], call)
		}
		if rec.errs[i] != nil {
			failed++
			if rec.ops[i] != "urlMaps.insert" || !providers.IsRetryable(rec.errs[i]) {
				t.Errorf("observed a failed %s: %v", rec.ops[i], rec.errs[i])
			}
		}
	}
	if failed != 1 {
		t.Errorf("observed %d failed calls, want 1", failed)
	}
	for _, op := range []string{"forwardingRules.list", "urlMaps.insert", "networkEndpointGroups.insert", "targetHttpProxies.delete"} {
		if !slices.Contains(rec.ops, op) {
			t.Errorf("never observed %s in %v", op, rec.ops)
		}
	}
}

func TestCloudErrorsBecomeTypedProviderErrors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		setup  func(c *Cloud, p *Provider)
		check  func(error) bool
		reason string
	}{
		{"a desired name taken by hand", func(c *Cloud, p *Provider) {
			name := p.namer.Name("hc", shop().Ref.Name, "cart")
			if _, err := c.Insert(ctx, name, "made by hand", healthCheckFor(nil)); err != nil {
				t.Fatal(err)
			}
		}, providers.IsConflict, "NameConflict"},
		{"in use by a resource portico does not own", func(c *Cloud, p *Provider) {
			ensure(t, p, shop())
			if _, err := c.Insert(ctx, "my-map", "", URLMapSpec{DefaultService: p.namer.Name("bs", shop().Ref.Name, "cart")}); err != nil {
				t.Fatal(err)
			}
		}, providers.IsRetryable, "ResourceInUse"},
		{"a slow cloud and a deadline", func(c *Cloud, p *Provider) { c.InjectLatency(OpList, "", time.Hour) }, providers.IsRetryable, "CloudCallCanceled"},
		{"an unclassified error", func(c *Cloud, p *Provider) { c.InjectError(OpInsert, "", errors.New("connection reset"), 1) }, providers.IsRetryable, "CloudError"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCloud()
			p := newProvider(c)
			tc.setup(c, p)
			want := shop()
			if tc.reason == "ResourceInUse" {
				want.Spec.Rules[0].Paths = want.Spec.Rules[0].Paths[1:]
				want.Spec.Backends = want.Spec.Backends[1:]
			}
			ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			_, err := p.Ensure(ctx, want)
			if !tc.check(err) || providers.ReasonOf(err) != tc.reason {
				t.Errorf("got %v (reason %s), want reason %s", err, providers.ReasonOf(err), tc.reason)
			}
		})
	}
}
