package loadbalancer

import (
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

// takeName makes, by hand and without portico's ownership, the address the load balancer
// will want, as a user who picked the same name in the cloud would.
func (f *fixture) takeName(lbName string) string {
	f.t.Helper()
	lb := f.get(lbName)
	plan, err := f.provider.Plan(f.ctx, &providers.Desired{Ref: providers.Ref{Name: lb.Name}, Spec: lb.Spec})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, a := range plan.Actions {
		if a.Kind == fake.KindAddress && a.Op == providers.OpCreate {
			if _, err := f.cloud.ReserveAddress(a.Name); err != nil {
				f.t.Fatal(err)
			}
			return a.Name
		}
	}
	f.t.Fatalf("the plan creates no address: %+v", plan.Actions)
	return ""
}

// TestConflictFixedInTheCloudIsRetriedSlowly: a name taken in the cloud is reported with
// its reason and retried with growing waits, without the status changing at each retry;
// once the user frees the name in the cloud, the next retry programs the load balancer, and
// the waits start again from the first.
func TestConflictFixedInTheCloudIsRetriedSlowly(t *testing.T) {
	f := newFixture(t)
	name := f.loadBalancer("web").create(f)
	taken := f.takeName(name)

	var waits []time.Duration
	var messages []string
	for i := 0; i < 5; i++ {
		res := f.reconcile(name)
		waits = append(waits, res.RequeueAfter.Round(100*time.Millisecond))
		c := f.programmed(name)
		if c.Status != "False" || c.Reason != "NameConflict" {
			t.Fatalf("Programmed %+v, want False/NameConflict", c)
		}
		messages = append(messages, c.Message)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v: slow, doubling, capped", waits, want)
		}
	}
	for _, m := range messages[1:] {
		if m != messages[0] {
			t.Errorf("the message changed between retries (%q, then %q): each retry would write the status", messages[0], m)
		}
	}

	if err := f.cloud.Delete(f.ctx, fake.KindAddress, taken); err != nil {
		t.Fatal(err)
	}
	res := f.reconcileUntil(name, "Programmed after the name was freed in the cloud", func() bool {
		return f.programmed(name).Status == "True"
	})
	if res.RequeueAfter != 0 {
		t.Errorf("after the success a retry is still planned in %v", res.RequeueAfter)
	}

	// A new conflict starts from the first wait again.
	f.provider.ensureErr = providers.Conflict("", nil, "taken again")
	if res := f.reconcile(name); res.RequeueAfter.Round(100*time.Millisecond) != time.Second {
		t.Errorf("the first retry after a success waits %v, want the first wait 1s", res.RequeueAfter)
	}
}

// TestInvalidInputIsNotRequeuedButStillEnsured: invalid input plans no retry, but every
// reconcile (a resync, an event) still runs Ensure, so the valid part is repaired.
func TestInvalidInputIsNotRequeuedButStillEnsured(t *testing.T) {
	f := newFixture(t)
	name := f.loadBalancer("web").create(f)
	f.cloud.InjectError(fake.OpInsert, fake.KindURLMap, providers.Invalid("URLMapInvalid", nil, "too many rules"), -1)
	for i := 0; i < 2; i++ {
		if res := f.reconcile(name); res.RequeueAfter != 0 {
			t.Fatalf("invalid input is retried: %+v", res)
		}
		if c := f.programmed(name); c.Reason != "URLMapInvalid" || c.Status != "False" {
			t.Fatalf("Programmed %+v", c)
		}
	}
	if got := f.provider.calls(); got != "Ensure global, Ensure global" {
		t.Errorf("provider calls %q: each reconcile must run Ensure", got)
	}
	// Drift of the valid part: the backend service, made before the URL map, is repaired.
	bs := ""
	for _, r := range f.cloud.Inventory() {
		if r.Kind == fake.KindBackendService {
			bs = r.Name
		}
	}
	if bs == "" {
		t.Fatal("no backend service was created before the URL map failed")
	}
	if err := f.cloud.Delete(f.ctx, fake.KindBackendService, bs); err != nil {
		t.Fatal(err)
	}
	f.reconcileUntil(name, "the backend service deleted behind portico's back recreated while the URL map stays invalid", func() bool {
		_, ok := f.cloud.Lookup(fake.KindBackendService, bs)
		return ok
	})
}

// TestStatusWriteKeepsMembers: the ingress controller writes status.members; this
// controller's status write never clears it.
func TestStatusWriteKeepsMembers(t *testing.T) {
	f := newFixture(t)
	name := f.loadBalancer("web").create(f)
	lb := f.get(name)
	change := client.MergeFrom(lb.DeepCopy())
	lb.Status.Members = []v1alpha1.MemberStatus{{Namespace: f.ns, Name: "old", State: "Frozen", Reason: "InvalidAnnotation", Message: "frozen at generation 1"}}
	if err := apiServer.Status().Patch(f.ctx, lb, change); err != nil {
		t.Fatal(err)
	}
	f.reconcile(name)
	got := f.get(name)
	if len(got.Status.Conditions) == 0 {
		t.Fatal("the reconcile wrote no status")
	}
	if len(got.Status.Members) != 1 || got.Status.Members[0].Name != "old" {
		t.Errorf("status.members %+v after the status write, want the ingress controller's entry kept", got.Status.Members)
	}
}
