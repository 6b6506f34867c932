package e2e

import (
	"context"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
)

// TestOtherClassIsNeverTouched: an Ingress of another controller's class, or of a class
// that does not exist, gets no finalizer, no annotation, no address and no Event, while an
// Ingress of portico's class created after it is served.
func TestOtherClassIsNeverTouched(t *testing.T) {
	ctx := context.Background()
	other := &networkingv1.IngressClass{
		ObjectMeta: metav1.ObjectMeta{Name: "someone-else"},
		Spec:       networkingv1.IngressClassSpec{Controller: "example.com/other-controller"},
	}
	if err := env.Client.Create(ctx, other); client.IgnoreAlreadyExists(err) != nil {
		t.Fatal(err)
	}
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "front", 80, "10.0.1.1")
	for _, class := range []string{"someone-else", "some-invalid-class-name"} {
		apply(t, ns, `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: `+class+`, namespace: NAMESPACE}
spec:
  ingressClassName: `+class+`
  rules:
  - host: other.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: front, port: {number: 80}}}}]}
`)
	}
	// An Ingress of portico's class, created after them, is the barrier: once it is served,
	// the controller has seen the others.
	apply(t, ns, webIngress)
	if _, err := env.WaitProgrammed(timeout(t), ns, "web"); err != nil {
		t.Fatal(err)
	}
	settle(t)
	for _, name := range []string{"someone-else", "some-invalid-class-name"} {
		ing := getIngress(t, ns, name)
		if len(ing.Finalizers) != 0 || ing.Annotations[model.AnnotationLoadBalancer] != "" || len(ing.Status.LoadBalancer.Ingress) != 0 {
			t.Errorf("Ingress %s was touched: finalizers %v, annotations %v, status %+v", name, ing.Finalizers, ing.Annotations, ing.Status)
		}
		if ev := eventsOf(t, ing); len(ev) != 0 {
			t.Errorf("Ingress %s got Events: %v", name, ev)
		}
		lb := &v1alpha1.LoadBalancer{}
		if err := env.Client.Get(ctx, client.ObjectKey{Name: lbNameOf(ns, name)}, lb); err == nil {
			t.Errorf("a LoadBalancer exists for Ingress %s of another class", name)
		}
	}
}

// TestLeavingPorticoReleasesTheIngress: an Ingress whose class changes to another
// controller's loses portico's finalizer, annotation and address, and its load balancer goes.
func TestLeavingPorticoReleasesTheIngress(t *testing.T) {
	ctx := context.Background()
	other := &networkingv1.IngressClass{
		ObjectMeta: metav1.ObjectMeta{Name: "someone-else"},
		Spec:       networkingv1.IngressClassSpec{Controller: "example.com/other-controller"},
	}
	if err := env.Client.Create(ctx, other); client.IgnoreAlreadyExists(err) != nil {
		t.Fatal(err)
	}
	ns, lb := servedWeb(t)
	ing := getIngress(t, ns, "web")
	patch := client.MergeFrom(ing.DeepCopy())
	ing.Spec.IngressClassName = &other.Name
	if err := env.Client.Patch(context.Background(), ing, patch); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, "the Ingress to be released", func() bool {
		ing := getIngress(t, ns, "web")
		return len(ing.Finalizers) == 0 && ing.Annotations[model.AnnotationLoadBalancer] == "" && len(ing.Status.LoadBalancer.Ingress) == 0
	}); err != nil {
		t.Fatalf("%v: %+v", err, getIngress(t, ns, "web"))
	}
	if err := waitFor(t, "the LoadBalancer to go", gone(&v1alpha1.LoadBalancer{ObjectMeta: objectMeta("", lb.Name)})); err != nil {
		t.Fatal(err)
	}
	if inv := env.Inventory(lb.Name); len(inv) != 0 {
		t.Errorf("cloud resources leaked: %+v", inv)
	}
}
