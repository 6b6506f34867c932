package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/providers/fake"
)

// callsWhere returns the cloud calls since the last reset that match.
func callsWhere(match func(fake.Call) bool) []fake.Call {
	var out []fake.Call
	for _, c := range env.Cloud.Calls() {
		if match(c) {
			out = append(out, c)
		}
	}
	return out
}

// mutatingCalls returns the cloud calls since the last reset that changed something.
func mutatingCalls() []fake.Call {
	return callsWhere(func(c fake.Call) bool { return c.Op != fake.OpGet && c.Op != fake.OpList })
}

// settle waits until the controller has stopped writing: no API write and no mutating cloud
// call for two sync periods.
func settle(t *testing.T) {
	t.Helper()
	for i := 0; i < 30; i++ {
		env.ResetAPIWrites()
		env.Cloud.ResetCalls()
		time.Sleep(2 * syncPeriod)
		if len(env.APIWrites()) == 0 && len(mutatingCalls()) == 0 {
			return
		}
	}
	t.Fatalf("the controller never settled: still writing %v and calling %v", env.APIWrites(), mutatingCalls())
}

// TestResyncWithNothingChangedWritesNothing: with the whole suite's objects in place, several
// resyncs read the cloud and write nothing to it or to the API server.
func TestResyncWithNothingChangedWritesNothing(t *testing.T) {
	withSyncPeriod(t, syncPeriod)
	servedWeb(t)
	settle(t)
	env.ResetAPIWrites()
	env.Cloud.ResetCalls()
	time.Sleep(3 * syncPeriod)
	if w := env.APIWrites(); len(w) != 0 {
		t.Errorf("resyncs wrote to the API server: %v", w)
	}
	if m := mutatingCalls(); len(m) != 0 {
		t.Errorf("resyncs changed the cloud: %v", m)
	}
	if len(callsWhere(func(c fake.Call) bool { return c.Op == fake.OpList })) == 0 {
		t.Error("no resync read the cloud: drift would go unnoticed")
	}
}

// TestChangingOnePathUpdatesOnlyTheURLMap: the provider patches the URL map and nothing else.
func TestChangingOnePathUpdatesOnlyTheURLMap(t *testing.T) {
	ns, _ := servedWeb(t)
	settle(t)
	lbName := lbNameOf(ns, "web")
	um := urlMapOf(t, lbName)
	cart, ok := fake.RouteURLMap(env.Cloud, um, "shop.example.com", "/cart/x")
	if !ok {
		t.Fatal("the URL map does not route /cart")
	}
	env.Cloud.ResetCalls()
	apply(t, ns, strings.Replace(webIngress, "path: /cart,", "path: /basket,", 1))
	if err := waitFor(t, "the URL map to route /basket", func() bool {
		backend, ok := fake.RouteURLMap(env.Cloud, um, "shop.example.com", "/basket/x")
		return ok && backend == cart
	}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * syncPeriod) // anything else the change caused would happen by now
	calls := mutatingCalls()
	if len(calls) != 1 || calls[0].Op != fake.OpPatch || calls[0].Kind != fake.KindURLMap || calls[0].Name != um {
		t.Errorf("changing one path made these writes: %+v; want one patch of URL map %s", calls, um)
	}
	if b, _ := fake.RouteURLMap(env.Cloud, um, "shop.example.com", "/cart"); b == cart {
		t.Errorf("the old path /cart still routes to the cart backend %s", b)
	}
}

func urlMapOf(t *testing.T, lbName string) string {
	t.Helper()
	for _, r := range env.Inventory(lbName) {
		if r.Kind == fake.KindURLMap {
			return r.Name
		}
	}
	t.Fatalf("LoadBalancer %s has no URL map", lbName)
	return ""
}
