package e2e

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/providers/fake"
)

// errCrashed stands for the controller process dying: every cloud call after the k-th
// fails, as if nothing more reached the cloud.
var errCrashed = errors.New("the controller crashed")

// TestRestartMidCreateConverges stops the controller after k cloud writes of a create, starts
// a new one, and checks that it converges to the same resources an uninterrupted create
// makes: nothing duplicated, nothing leaked, for several k.
func TestRestartMidCreateConverges(t *testing.T) {
	want := uninterruptedKinds(t)
	for _, k := range []int{1, 2, 4, 7, len(want)} {
		t.Run(fmt.Sprintf("after %d writes", k), func(t *testing.T) {
			ns := newNamespace(t)
			service(t, ns, "cart", 80, "10.0.0.1")
			service(t, ns, "front", 80, "10.0.1.1")

			crashed := make(chan struct{})
			var mu sync.Mutex
			writes := 0
			env.Cloud.OnCall(func(c fake.Call) {
				mu.Lock()
				defer mu.Unlock()
				if c.Err != nil {
					return
				}
				writes++
				if writes == k {
					env.Cloud.InjectError("", "", errCrashed, -1)
					close(crashed)
				}
			})
			t.Cleanup(func() { env.Cloud.OnCall(nil); env.Cloud.ClearFaults() })

			apply(t, ns, webIngress)
			select {
			case <-crashed:
			case <-time.After(60 * time.Second):
				t.Fatalf("the create made fewer than %d cloud writes", k)
			}
			if err := env.StopController(); err != nil {
				t.Fatal(err)
			}
			env.Cloud.OnCall(nil)
			env.Cloud.ClearFaults()
			if err := env.StartController(context.Background()); err != nil {
				t.Fatal(err)
			}
			lb, err := env.WaitProgrammed(timeout(t), ns, "web")
			if err != nil {
				t.Fatal(err)
			}
			if got := kindsOf(env.Inventory(lb.Name)); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("after a restart at write %d the cloud has %v, an uninterrupted create makes %v", k, got, want)
			}
			if len(lb.Status.Resources) != len(env.Inventory(lb.Name)) {
				t.Errorf("the status lists %d resources, the cloud has %d", len(lb.Status.Resources), len(env.Inventory(lb.Name)))
			}
			deleteIngress(t, ns, "web")
			if err := waitFor(t, "every resource to go", func() bool { return len(env.Inventory(lb.Name)) == 0 }); err != nil {
				t.Fatalf("%v: left %+v", err, env.Inventory(lb.Name))
			}
		})
	}
}

// uninterruptedKinds creates the Ingress once without a fault and returns its resource kinds.
func uninterruptedKinds(t *testing.T) []string {
	t.Helper()
	_, lb := servedWeb(t)
	return kindsOf(env.Inventory(lb.Name))
}

func kindsOf(rs []fake.Resource) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Kind)
	}
	sort.Strings(out)
	return out
}

// TestFakeCloudLostOnRestartChangesNothingVisible: a restarted `portico controller
// --providers fake` starts with an empty fake cloud; it recreates every resource with the
// same names, ids and address, and the user sees no change: no status write, no Event.
func TestFakeCloudLostOnRestartChangesNothingVisible(t *testing.T) {
	ns, lb := servedWeb(t)
	settle(t)
	ing := getIngress(t, ns, "web")
	before := len(eventsOf(t, ing)) + len(eventsOf(t, lb))

	if err := env.StopController(); err != nil {
		t.Fatal(err)
	}
	old := env.Cloud
	t.Cleanup(func() {
		_ = env.StopController()
		_ = env.ReplaceCloud(old)
		_ = env.StartController(context.Background())
	})
	fresh := fake.NewCloud()
	for _, r := range old.Inventory() {
		if r.Kind == fake.KindAddress && r.Description == "" { // reserved by a user, not by portico
			if _, err := fresh.ReserveAddress(r.Name); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := env.ReplaceCloud(fresh); err != nil {
		t.Fatal(err)
	}
	env.ResetAPIWrites()
	baseline := reconciles(t)
	if err := env.StartController(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, "the fresh cloud to hold the load balancer again", func() bool {
		return len(env.Inventory(lb.Name)) == len(lb.Status.Resources)
	}); err != nil {
		t.Fatal(err)
	}
	quiesce(t, baseline, 2)
	for _, w := range env.APIWrites() {
		// Other tests' load balancers may be failing on purpose; this one's must write nothing.
		if strings.Contains(w, lb.Name) || strings.Contains(w, "/namespaces/"+ns+"/") {
			t.Errorf("the restart wrote %s", w)
		}
	}
	if after := len(eventsOf(t, ing)) + len(eventsOf(t, lb)); after != before {
		t.Errorf("the restart added %d Events: %v", after-before, eventsOf(t, lb))
	}
	cur := getLB(t, lb.Name)
	if cur.Status.Address != lb.Status.Address || len(cur.Status.Resources) != len(lb.Status.Resources) {
		t.Errorf("the status changed: %+v", cur.Status)
	}
}
