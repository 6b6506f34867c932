package fake

import (
	"fmt"
	"testing"

	"github.com/portico-dev/portico/providers/snapshot"
)

// lists counts the list calls of the log.
func lists(c *Cloud) int {
	n := 0
	for _, call := range c.Calls() {
		if call.Op == OpList {
			n++
		}
	}
	return n
}

// TestReadsDoNotGrowWithTheLoadBalancers: ensuring N load balancers in a row reads each
// kind once, shared by all of them; a resync of all N after the snapshot's TTL reads each
// kind once more and writes nothing.
func TestReadsDoNotGrowWithTheLoadBalancers(t *testing.T) {
	const n = 200
	c := NewCloud()
	clk := &clock{}
	p := New(c, Options{ClusterID: testCluster, Clock: clk})
	wants := make([]string, n)
	for i := range n {
		d := shop()
		d.Ref.Name = fmt.Sprintf("lb-%03d", i)
		wants[i] = d.Ref.Name
		ensure(t, p, d)
	}
	if got := lists(c); got > len(Kinds) {
		t.Errorf("creating %d load balancers made %d list calls, want at most one per kind (%d)", n, got, len(Kinds))
	}
	if got := len(kindCounts(c.Inventory())); got == 0 {
		t.Fatal("nothing was created")
	}

	clk.now = clk.now.Add(snapshot.DefaultTTL)
	c.ResetCalls()
	for _, name := range wants {
		d := shop()
		d.Ref.Name = name
		if obs := ensure(t, p, d); len(obs.Changes) != 0 {
			t.Fatalf("a resync of %s changed %+v", name, obs.Changes)
		}
	}
	if got := lists(c); got != len(Kinds) {
		t.Errorf("a resync of %d load balancers made %d list calls, want one per kind (%d)", n, got, len(Kinds))
	}
	if w := writes(c); len(w) != 0 {
		t.Errorf("a resync wrote %v", w)
	}
}

// TestDriftOutsideIsSeenAtTheNextRefresh: a resource deleted behind portico's back is
// recreated by the first Ensure after the snapshot's TTL.
func TestDriftOutsideIsSeenAtTheNextRefresh(t *testing.T) {
	c := NewCloud()
	clk := &clock{}
	p := New(c, Options{ClusterID: testCluster, Clock: clk})
	ensure(t, p, shop())
	var rule Resource
	for _, r := range c.Inventory() {
		if r.Kind == KindForwardingRule {
			rule = r
		}
	}
	if err := c.Delete(t.Context(), rule.Kind, rule.Name); err != nil {
		t.Fatal(err)
	}
	clk.now = clk.now.Add(snapshot.DefaultTTL)
	ensure(t, p, shop())
	if _, ok := c.Lookup(rule.Kind, rule.Name); !ok {
		t.Error("the forwarding rule deleted outside portico was not recreated")
	}
}
