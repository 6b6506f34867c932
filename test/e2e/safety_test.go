package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers/fake"
)

// These tests are the "what was seen" of issue 7: a mistake by the user must never delete a
// load balancer or give up its address; only a deliberate act does.

// frozenMember waits until the LoadBalancer lists the Ingress as Frozen for the reason.
func frozenMember(t *testing.T, lbName, name, reason string) v1alpha1.MemberStatus {
	t.Helper()
	var got v1alpha1.MemberStatus
	if err := waitFor(t, "LoadBalancer "+lbName+" to list "+name+" as Frozen ("+reason+")", func() bool {
		for _, m := range getLB(t, lbName).Status.Members {
			if m.Name == name && m.State == v1alpha1.MemberFrozen && m.Reason == reason {
				got = m
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("%v; status.members is %+v", err, getLB(t, lbName).Status.Members)
	}
	return got
}

// assertStillServing checks that the load balancer kept its address, its cloud resources
// and the Ingress's status.
func assertStillServing(t *testing.T, ns, name string, before *v1alpha1.LoadBalancer, resources int) {
	t.Helper()
	lb := getLB(t, before.Name)
	if lb.DeletionTimestamp != nil || lb.Status.Address != before.Status.Address {
		t.Fatalf("LoadBalancer %s was deleted or lost its address %s: %+v", before.Name, before.Status.Address, lb.Status)
	}
	if n := len(env.Inventory(before.Name)); n != resources {
		t.Errorf("the load balancer has %d cloud resources, had %d", n, resources)
	}
	ing := getIngress(t, ns, name)
	if len(ing.Status.LoadBalancer.Ingress) == 0 || ing.Status.LoadBalancer.Ingress[0].IP != before.Status.Address {
		t.Errorf("Ingress %s lost its address: %+v", name, ing.Status.LoadBalancer)
	}
	if ing.Annotations[model.AnnotationLoadBalancer] != before.Name || !controllerutil.ContainsFinalizer(ing, v1alpha1.Finalizer) {
		t.Errorf("Ingress %s lost its annotation or finalizer: %v %v", name, ing.Annotations, ing.Finalizers)
	}
}

// TestAnnotationTypoKeepsTheLoadBalancer: `allow-http=flase` on a single-Ingress load
// balancer used to delete it with every cloud resource and its IP address.
func TestAnnotationTypoKeepsTheLoadBalancer(t *testing.T) {
	ns, lb := servedWeb(t)
	resources := len(env.Inventory(lb.Name))
	accepted := getIngress(t, ns, "web").Generation

	annotate(t, ns, "web", model.AnnotationAllowHTTP, "flase")
	ing := getIngress(t, ns, "web")
	waitEvent(t, ing, model.ReasonInvalidAnnotation, "flase")
	waitEvent(t, ing, model.ReasonServingLastAccepted, "generation")
	frozenMember(t, lb.Name, "web", model.ReasonInvalidAnnotation)
	assertStillServing(t, ns, "web", lb, resources)
	for _, m := range getLB(t, lb.Name).Spec.Members {
		if m.Name == "web" && m.Generation != accepted {
			t.Errorf("spec.members says generation %d is served, want %d (the last accepted)", m.Generation, accepted)
		}
	}

	annotate(t, ns, "web", model.AnnotationAllowHTTP, "false")
	if err := waitFor(t, "the fixed Ingress to be served as written", func() bool {
		return len(getLB(t, lb.Name).Status.Members) == 0 && !getLB(t, lb.Name).Spec.Frontends.HTTP
	}); err != nil {
		t.Fatal(err)
	}
}

// TestDeletedParametersKeepTheLoadBalancer: deleting the class's IngressClassParams froze
// nothing before; it deleted the load balancer.
func TestDeletedParametersKeepTheLoadBalancer(t *testing.T) {
	class := "e2e-params-gone"
	classWithParams(t, class, v1alpha1.IngressClassParamsSpec{Provider: "fake"})
	ns := newNamespace(t)
	service(t, ns, "front", 80, "10.0.1.1")
	groupedIngress(t, ns, "a", class, "a.example.com")
	lbName := groupKeyLB(class, ns, "shop")
	servedBy(t, ns, "a", lbName)
	lb := getLB(t, lbName)
	resources := len(env.Inventory(lbName))

	if err := env.Client.Delete(context.Background(), &v1alpha1.IngressClassParams{ObjectMeta: objectMeta("", class)}); err != nil {
		t.Fatal(err)
	}
	frozenMember(t, lbName, "a", model.ReasonInvalidClassParameters)
	waitEvent(t, getIngress(t, ns, "a"), model.ReasonInvalidClassParameters, "does not exist")
	assertStillServing(t, ns, "a", lb, resources)
}

// TestMoveCreatesBeforeItDeletes: renaming a group moves the Ingress to a new load
// balancer; the old one serves it, with its address, until the new one is Programmed.
func TestMoveCreatesBeforeItDeletes(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "front", 80, "10.0.1.1")
	apply(t, ns, webIngress)
	annotate(t, ns, "web", model.AnnotationGroup, "one")
	oldName, newName := groupKeyLB("portico", ns, "one"), groupKeyLB("portico", ns, "two")
	servedBy(t, ns, "web", oldName)
	old := getLB(t, oldName)

	// The new load balancer cannot be programmed: its forwarding rules fail.
	env.Cloud.InjectError(fake.OpInsert, fake.KindForwardingRule, errors.New("backend unavailable"), 1000)
	defer env.Cloud.ClearFaults()
	annotate(t, ns, "web", model.AnnotationGroup, "two")
	ing := getIngress(t, ns, "web")
	waitEvent(t, ing, model.ReasonLoadBalancerChanging, newName)
	if err := waitFor(t, "the old load balancer to list web as Moving", func() bool {
		m := getLB(t, oldName).Status.Members
		return len(m) == 1 && m[0].State == v1alpha1.MemberMoving
	}); err != nil {
		t.Fatal(err)
	}
	assertStillServing(t, ns, "web", old, len(env.Inventory(oldName)))

	env.Cloud.ClearFaults()
	servedBy(t, ns, "web", newName)
	waitEvent(t, ing, ReasonAddressChangingEvent, oldName)
	waitGone(t, oldName)
}

// ReasonAddressChangingEvent is the Warning an Ingress gets when it leaves an address.
const ReasonAddressChangingEvent = "AddressChanging"

// TestReplaceForceNeverAdoptsADyingLoadBalancer: `kubectl replace --force` deletes an
// Ingress and creates it again at once; the new Ingress must not be shown the address of a
// load balancer that is about to vanish, and gets a new one once the old one is gone.
func TestReplaceForceNeverAdoptsADyingLoadBalancer(t *testing.T) {
	ctx := context.Background()
	ns, lb := servedWeb(t)
	// Another finalizer keeps the old LoadBalancer in deletion for as long as the test wants.
	hold := "e2e.portico.dev/hold"
	live := getLB(t, lb.Name)
	change := client.MergeFrom(live.DeepCopy())
	controllerutil.AddFinalizer(live, hold)
	if err := env.Client.Patch(ctx, live, change); err != nil {
		t.Fatal(err)
	}
	if err := env.Client.Delete(ctx, getIngress(t, ns, "web")); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, "the old LoadBalancer to be deleting", func() bool {
		return getLB(t, lb.Name).DeletionTimestamp != nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, "the old Ingress to go", gone(&networkingv1.Ingress{ObjectMeta: objectMeta(ns, "web")})); err != nil {
		t.Fatal(err)
	}
	apply(t, ns, webIngress)
	// The controller has looked at it once it tells it its problems or its assignment; give
	// it a moment either way, then check it was not given the dying load balancer.
	settleCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	_ = waitForCtx(settleCtx, "the re-created Ingress to be given an address", func() bool {
		return len(getIngress(t, ns, "web").Status.LoadBalancer.Ingress) > 0
	})
	again := getIngress(t, ns, "web")
	if again.Annotations[model.AnnotationLoadBalancer] != "" || len(again.Status.LoadBalancer.Ingress) != 0 {
		t.Fatalf("the re-created Ingress was given the dying load balancer: %v %+v", again.Annotations, again.Status.LoadBalancer)
	}

	live = getLB(t, lb.Name)
	change = client.MergeFrom(live.DeepCopy())
	controllerutil.RemoveFinalizer(live, hold)
	if err := env.Client.Patch(ctx, live, change); err != nil {
		t.Fatal(err)
	}
	fresh, err := env.WaitProgrammed(timeout(t), ns, "web")
	if err != nil {
		t.Fatal(err)
	}
	if fresh.UID == lb.UID {
		t.Errorf("the re-created Ingress is served by the old LoadBalancer object")
	}
}

// TestDisabledProviderGetsNoFinalizer: an Ingress whose provider this controller does not
// run is told so, and gets no finalizer that nothing would ever remove.
func TestDisabledProviderGetsNoFinalizer(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "front", 80, "10.0.1.1")
	apply(t, ns, strings.Replace(webIngress, "metadata: {name: web, namespace: NAMESPACE}",
		"metadata: {name: web, namespace: NAMESPACE, annotations: {portico.dev/provider: aws}}", 1))
	ing := getIngress(t, ns, "web")
	waitEvent(t, ing, model.ReasonProviderNotEnabled, "aws")
	if got := getIngress(t, ns, "web"); controllerutil.ContainsFinalizer(got, v1alpha1.Finalizer) {
		t.Errorf("a finalizer was added for a provider that is not enabled: %v", got.Finalizers)
	}
}
