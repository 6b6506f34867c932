package e2e

import (
	"sort"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

// ownedIn returns the resources a cloud holds for a load balancer of this suite.
func ownedIn(c *fake.Cloud, lbName string) []string {
	var out []string
	for _, r := range c.Inventory() {
		if o, ok := providers.OwnerFromDescription(r.Description); ok && o.ClusterID == env.ClusterID && o.LoadBalancer == lbName {
			out = append(out, r.Kind+"/"+r.Name)
		}
	}
	sort.Strings(out)
	return out
}

// TestMovingToAnotherProvider: the load balancer is created in the new provider first, then
// deleted from the old one; the status names the provider that serves it.
func TestMovingToAnotherProvider(t *testing.T) {
	ns, lb := servedWeb(t)
	annotate(t, ns, "web", model.AnnotationProvider, "nginx")
	if err := waitFor(t, "the move to provider nginx", func() bool {
		cur := getLB(t, lb.Name)
		return cur.Status.Provider == "nginx" && len(ownedIn(env.Cloud, lb.Name)) == 0 && len(ownedIn(other, lb.Name)) > 0
	}); err != nil {
		t.Fatalf("%v: status.provider %q, fake holds %v, nginx holds %v", err, getLB(t, lb.Name).Status.Provider,
			ownedIn(env.Cloud, lb.Name), ownedIn(other, lb.Name))
	}
	if _, err := env.WaitProgrammed(timeout(t), ns, "web"); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, getLB(t, lb.Name), "ProviderChanged", "moved from provider fake to nginx")
	deleteIngress(t, ns, "web")
	waitGone(t, lb.Name)
	if left := ownedIn(other, lb.Name); len(left) != 0 {
		t.Errorf("provider nginx still holds %v", left)
	}
}

// TestFailedMoveKeepsTheAddressAndLeaksNothing: while the new provider fails half-way, the
// old one still serves and its address stays in the status; deleting the Ingress then
// cleans both providers.
func TestFailedMoveKeepsTheAddressAndLeaksNothing(t *testing.T) {
	ns, lb := servedWeb(t)
	other.InjectError(fake.OpInsert, fake.KindURLMap, providers.Retryable("CloudUnavailable", nil, "503"), -1)
	t.Cleanup(other.ClearFaults)
	annotate(t, ns, "web", model.AnnotationProvider, "nginx")
	if _, err := env.WaitCondition(timeout(t), lb.Name, v1alpha1.ConditionProgrammed, "False", "CloudUnavailable"); err != nil {
		t.Fatal(err)
	}
	if len(ownedIn(other, lb.Name)) == 0 {
		t.Fatal("the new provider created nothing before failing; the scenario did not happen")
	}
	cur := getLB(t, lb.Name)
	if cur.Status.Address != lb.Status.Address || cur.Status.Provider != "fake" || len(cur.Status.Resources) != len(lb.Status.Resources) {
		t.Errorf("during the failed move the status says %q via %s with %d resources; the old provider still serves %s with %d",
			cur.Status.Address, cur.Status.Provider, len(cur.Status.Resources), lb.Status.Address, len(lb.Status.Resources))
	}
	if addr := getIngress(t, ns, "web").Status.LoadBalancer.Ingress; len(addr) == 0 || addr[0].IP != lb.Status.Address {
		t.Errorf("the Ingress lost its address during the failed move: %+v", addr)
	}
	deleteIngress(t, ns, "web")
	waitGone(t, lb.Name)
	if left := ownedIn(other, lb.Name); len(left) != 0 {
		t.Errorf("provider nginx still holds %v", left)
	}
}
