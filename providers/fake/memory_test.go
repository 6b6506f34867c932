package fake

import (
	"context"
	"errors"
	"testing"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/snapshot"
)

// calls counts the calls of op on kind in the log.
func callsOf(c *Cloud, op, kind string) int {
	n := 0
	for _, call := range c.Calls() {
		if call.Op == op && call.Kind == kind {
			n++
		}
	}
	return n
}

// TestRefusedWriteIsNotRepeatedButDriftIsRepaired: a write the cloud refused as invalid is
// not sent again while its input is unchanged, yet a resync still repairs every other
// resource of the load balancer; a conflict is sent again at every pass.
func TestRefusedWriteIsNotRepeatedButDriftIsRepaired(t *testing.T) {
	ctx := context.Background()
	c := NewCloud()
	clk := &clock{}
	p := New(c, Options{ClusterID: testCluster, Clock: clk})
	refused := providers.Invalid("URLMapInvalid", nil, "the URL map has too many rules")
	c.InjectError(OpInsert, KindURLMap, refused, -1)
	if _, err := p.Ensure(ctx, shop()); !errors.Is(err, refused) {
		t.Fatalf("got %v", err)
	}
	var bs Resource
	for _, r := range c.Inventory() {
		if r.Kind == KindBackendService {
			bs = r
		}
	}
	if err := c.Delete(ctx, bs.Kind, bs.Name); err != nil {
		t.Fatal(err)
	}
	clk.now = clk.now.Add(snapshot.DefaultTTL)
	c.ResetCalls()
	plan, planErr := p.Plan(ctx, shop())
	_, err := p.Ensure(ctx, shop())
	if !errors.Is(err, refused) || !errors.Is(planErr, refused) {
		t.Errorf("ensure %v, plan %v: want the remembered refusal", err, planErr)
	}
	if n := callsOf(c, OpInsert, KindURLMap); n != 0 {
		t.Errorf("the refused URL map was sent %d more times", n)
	}
	if len(plan.Actions) != 1 || plan.Actions[0].Kind != KindBackendService {
		t.Errorf("plan %+v: want only the drift repaired", plan.Actions)
	}
	if _, ok := c.Lookup(bs.Kind, bs.Name); !ok {
		t.Error("the backend service deleted outside portico was not recreated")
	}

	// A conflict, which a person fixes outside, is tried again at every pass.
	c.ClearFaults()
	c.InjectError(OpInsert, KindURLMap, providers.Conflict(ReasonNameConflict, nil, "taken"), -1)
	want := shop()
	want.Spec.DefaultBackend = "cart" // new input: the refusal no longer applies
	for range 2 {
		if _, err := p.Ensure(ctx, want); !providers.IsConflict(err) {
			t.Fatalf("got %v", err)
		}
	}
	if n := callsOf(c, OpInsert, KindURLMap); n != 2 {
		t.Errorf("a conflicting write was sent %d times in two passes, want 2", n)
	}
}
