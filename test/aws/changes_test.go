package aws

import (
	"context"
	"slices"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/aws/awstest"
	"github.com/portico-dev/portico/testenv"
)

// TestChangingOnePathChangesOnlyRules: moving one path of an Ingress changes the listener
// rules and nothing else in AWS (no target group, listener or load balancer is touched, so
// no connection is dropped), and requests follow the new path at once.
func TestChangingOnePathChangesOnlyRules(t *testing.T) {
	ns := newNamespace(t)
	shopServices(t, ns)
	lb := shop(ns).apply(t)
	start := callCount()
	changed := shopWithCartAt(ns, "/basket").apply(t)
	w := writesSince(start)
	if len(w) == 0 {
		t.Fatal("changing a path wrote nothing to AWS")
	}
	if extra := only(w, "CreateRule", "ModifyRule", "DeleteRule", "SetRulePriorities"); len(extra) > 0 {
		t.Errorf("changing one path also called %v; want rule writes only (all: %v)", extra, w)
	}
	if albOf(t, changed) != albOf(t, lb) {
		t.Errorf("the ALB was replaced: %s, then %s", albOf(t, lb), albOf(t, changed))
	}
	for path, want := range map[string]string{"/basket/x": "cart", "/basket": "cart", "/cart": "front"} {
		if got := reached(t, changed, 443, "shop.example.com", path); got != ns+"/"+want+":80" {
			t.Errorf("shop.example.com%s reaches %q, want Service %s", path, got, want)
		}
	}
}

// TestResyncWritesNothing: a controller restarted with a new provider, which has read
// nothing yet, passes over a load balancer with nothing changed and makes no write, to AWS
// nor to the API server, and tells no Event.
func TestResyncWritesNothing(t *testing.T) {
	ns := newNamespace(t)
	shopServices(t, ns)
	shop(ns).apply(t)
	// AWS answers a create with the ALB provisioning; the status says so until the
	// controller reads it again. Then nothing is left to change.
	lb := waitALBState(t, lbNameOf(ns, "web"), "active")
	if err := env.StopController(); err != nil {
		t.Fatal(err)
	}
	prov.restart()
	events := len(eventsOf(t, lb))
	start := callCount()
	env.ResetAPIWrites()
	if err := env.StartController(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the restarted controller to pass over "+lb.Name, func() bool { return prov.passes(lb.Name) > 0 })
	if w := writesSince(start); len(w) > 0 {
		t.Errorf("the restart wrote %v to AWS", w)
	}
	if w := env.APIWrites(); len(w) > 0 {
		t.Errorf("the restart wrote %v to the API server", w)
	}
	if got := eventsOf(t, lb); len(got) != events {
		t.Errorf("the restart told %v", got[events:])
	}
	again := &v1alpha1.LoadBalancer{}
	if err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(lb), again); err != nil {
		t.Fatal(err)
	}
	if again.Status.Address != lb.Status.Address || len(again.Status.Resources) != len(lb.Status.Resources) {
		t.Errorf("after the restart the status says %s with %d resources, before %s with %d",
			again.Status.Address, len(again.Status.Resources), lb.Status.Address, len(lb.Status.Resources))
	}
}

// TestDeleteWaitsForAStillUsedSecurityGroup: an ALB's network interfaces hold its security
// group for a while after the ALB is deleted, and AWS answers DependencyViolation until they
// go. The LoadBalancer stays, with a Warning Event naming the error, and only the security
// groups are left in AWS (its own, and the cluster's backend group, which goes with the
// cluster's last load balancer); once the interface lets go, the retried delete removes
// both and the LoadBalancer goes.
func TestDeleteWaitsForAStillUsedSecurityGroup(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "front", "10.0.2.1")
	before := inventoryKeys()
	lb := ingress(ns, "web").defaultBackend("front").apply(t)
	own, backend := ownSecurityGroup(t, lb), backendSecurityGroup(t, lb)
	// awstest lets the group go after dependencyDelay deletes; this interface plays one
	// that AWS keeps until the test lets it go, so that the test sees the state between.
	const eni = "eni-0d0000000000000a1"
	srv.AddNetworkInterface(eni, awstest.DefaultVPC, awstest.DefaultPublicSubnets[0], "10.0.15.250", own)

	if err := env.Client.Delete(context.Background(), getIngress(t, ns, "web")); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, lb, v1alpha1.ReasonDeleteError, "DependencyViolation")
	var extra []string
	err := testenv.WaitFor(timeout(t), "everything but the security groups to be deleted", func(context.Context) (bool, error) {
		extra, _ = diffKeys(inventoryKeys(), before)
		return slices.Equal(extra, sorted("SecurityGroup "+own, "SecurityGroup "+backend)), nil
	})
	if err != nil {
		t.Fatalf("%v: awstest holds %v", err, extra)
	}
	if err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(lb), &v1alpha1.LoadBalancer{}); err != nil {
		t.Fatalf("the LoadBalancer went while its security group is left in AWS: %v", err)
	}

	// The interface lets the group go (awstest replaces an interface added again).
	srv.AddNetworkInterface(eni, awstest.DefaultVPC, awstest.DefaultPublicSubnets[0], "10.0.15.250")
	// Each DependencyViolation doubled the controller's wait before the next try, and the
	// backend group answers it dependencyDelay more times: longer than a test's usual wait.
	waitDeletedWithin(t, lb.Name, before, 3*time.Minute)
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}

// waitALBState waits until the LoadBalancer's status shows its ALB in the state, and
// returns the LoadBalancer.
func waitALBState(t *testing.T, name, state string) *v1alpha1.LoadBalancer {
	t.Helper()
	lb := &v1alpha1.LoadBalancer{}
	waitUntil(t, "the ALB of "+name+" to be "+state, func() bool {
		if err := env.Client.Get(context.Background(), client.ObjectKey{Name: name}, lb); err != nil {
			t.Fatal(err)
		}
		for _, r := range lb.Status.Resources {
			if r.Kind == aws.KindLoadBalancer {
				return r.State == state
			}
		}
		return false
	})
	return lb
}
