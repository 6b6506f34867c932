package e2e

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers/fake"
)

// TestNameConflictFixedInTheCloudRecovers: a user made, by hand, a cloud resource with the
// name portico wants. The load balancer reports the conflict on both objects; once the user
// deletes that resource in the cloud, the load balancer is programmed without any change in
// Kubernetes (the suite's resync is hours away, so only the slow retry can notice).
func TestNameConflictFixedInTheCloudRecovers(t *testing.T) {
	ns, lb := servedWeb(t)
	address := ""
	for _, r := range lb.Status.Resources {
		if r.Kind == fake.KindAddress {
			address = r.Name
		}
	}
	if address == "" {
		t.Fatalf("the load balancer lists no address: %+v", lb.Status.Resources)
	}
	deleteIngress(t, ns, "web")
	waitGone(t, lb.Name)
	if _, err := env.Cloud.ReserveAddress(address); err != nil { // by hand, no owner
		t.Fatal(err)
	}

	apply(t, ns, webIngress)
	conflicted, err := env.WaitCondition(timeout(t), lb.Name, v1alpha1.ConditionProgrammed, "False", "NameConflict")
	if err != nil {
		t.Fatal(err)
	}
	waitEvent(t, conflicted, "ProgrammingFailed", address)
	waitEvent(t, getIngress(t, ns, "web"), "ProgrammingFailed", "NameConflict")

	if err := env.Cloud.Delete(context.Background(), fake.KindAddress, address); err != nil {
		t.Fatal(err)
	}
	if _, err := env.WaitProgrammed(timeout(t), ns, "web"); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, getLB(t, lb.Name), "Programmed", "Programmed")
}
