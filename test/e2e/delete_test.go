package e2e

import (
	"context"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

func deleteIngress(t *testing.T, ns, name string) {
	t.Helper()
	ing := &networkingv1.Ingress{}
	ing.Namespace, ing.Name = ns, name
	if err := env.Client.Delete(context.Background(), ing); err != nil {
		t.Fatal(err)
	}
}

func gone(obj client.Object) func() bool {
	return func() bool {
		err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(obj), obj)
		return apierrors.IsNotFound(err)
	}
}

// TestDeletingAMemberKeepsTheRestServing: the deleted member's routes leave the URL map, the
// other member keeps serving, and the deleted Ingress goes.
func TestDeletingAMemberKeepsTheRestServing(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "blog", 80, "10.0.0.2")
	apply(t, ns, member("cart", "/cart", "cart"))
	apply(t, ns, member("blog", "/blog", "blog"))
	for _, n := range []string{"cart", "blog"} {
		if _, err := env.WaitProgrammed(timeout(t), ns, n); err != nil {
			t.Fatal(err)
		}
	}
	lbName := groupLB(ns)
	um := urlMapOf(t, lbName)
	deleteIngress(t, ns, "blog")
	if err := waitFor(t, "the Ingress to go", gone(&networkingv1.Ingress{ObjectMeta: objectMeta(ns, "blog")})); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, "/blog to leave the URL map", func() bool {
		_, ok := fake.RouteURLMap(env.Cloud, um, "shop.example.com", "/blog")
		return !ok
	}); err != nil {
		t.Fatal(err)
	}
	if _, ok := fake.RouteURLMap(env.Cloud, um, "shop.example.com", "/cart"); !ok {
		t.Error("/cart stopped serving when another member was deleted")
	}
	lb := getLB(t, lbName)
	if len(lb.Spec.Members) != 1 || lb.Spec.Members[0].Name != "cart" {
		t.Errorf("members %v, want only cart", lb.Spec.Members)
	}
}

// TestDeletingTheLastMemberRemovesEverything: the LoadBalancer and every cloud resource go.
func TestDeletingTheLastMemberRemovesEverything(t *testing.T) {
	ns, lb := servedWeb(t)
	deleteIngress(t, ns, "web")
	if err := waitFor(t, "the LoadBalancer to go", gone(&v1alpha1.LoadBalancer{ObjectMeta: objectMeta("", lb.Name)})); err != nil {
		t.Fatal(err)
	}
	if inv := env.Inventory(lb.Name); len(inv) != 0 {
		t.Errorf("cloud resources leaked: %+v", inv)
	}
}

// TestDeletingWhileTheProviderFails: the LoadBalancer keeps its finalizer and says why while
// deletes fail, and nothing is left once the fault clears.
func TestDeletingWhileTheProviderFails(t *testing.T) {
	ns, lb := servedWeb(t)
	env.Cloud.InjectError(fake.OpDelete, "", providers.Retryable("CloudUnavailable", nil, "delete refused"), -1)
	t.Cleanup(env.Cloud.ClearFaults)
	deleteIngress(t, ns, "web")
	if _, err := env.WaitCondition(timeout(t), lb.Name, v1alpha1.ConditionProgrammed, "False", v1alpha1.ReasonDeleteError); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, getLB(t, lb.Name), v1alpha1.ReasonDeleteError, "delete refused")
	if len(env.Inventory(lb.Name)) == 0 {
		t.Fatal("the resources are gone although every delete failed")
	}
	env.Cloud.ClearFaults()
	if err := waitFor(t, "the LoadBalancer to go", gone(&v1alpha1.LoadBalancer{ObjectMeta: objectMeta("", lb.Name)})); err != nil {
		t.Fatal(err)
	}
	if inv := env.Inventory(lb.Name); len(inv) != 0 {
		t.Errorf("cloud resources leaked: %+v", inv)
	}
}
