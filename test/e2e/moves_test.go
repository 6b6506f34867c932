package e2e

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
)

// Moves of Ingresses between load balancers. The suite's resync is hours away, so each move
// must be done by the events alone; a load balancer left behind is a leak.

func groupKeyLB(class, ns, group string) string {
	return model.GroupKey{Kind: model.KeyKindGroup, Class: class, Namespace: ns, Name: group}.LoadBalancerName()
}

// waitGone waits until the LoadBalancer and all its cloud resources are gone.
func waitGone(t *testing.T, lbName string) {
	t.Helper()
	if err := waitFor(t, "LoadBalancer "+lbName+" and its resources to go", func() bool {
		return gone(&v1alpha1.LoadBalancer{ObjectMeta: objectMeta("", lbName)})() && len(env.Inventory(lbName)) == 0
	}); err != nil {
		t.Fatalf("%v: %d resources left", err, len(env.Inventory(lbName)))
	}
}

func servedBy(t *testing.T, ns, name, lbName string) {
	t.Helper()
	lb, err := env.WaitProgrammed(timeout(t), ns, name)
	if err != nil {
		t.Fatal(err)
	}
	if lb.Name != lbName {
		t.Fatalf("Ingress %s/%s is served by %s, want %s", ns, name, lb.Name, lbName)
	}
}

func annotate(t *testing.T, ns, name, key, value string) {
	t.Helper()
	ing := getIngress(t, ns, name)
	change := client.MergeFrom(ing.DeepCopy())
	if value == "" {
		delete(ing.Annotations, key)
	} else {
		if ing.Annotations == nil {
			ing.Annotations = map[string]string{}
		}
		ing.Annotations[key] = value
	}
	if err := env.Client.Patch(context.Background(), ing, change); err != nil {
		t.Fatal(err)
	}
}

// TestGroupAnnotationMovesTheIngress: joining, renaming and leaving a group each move the
// Ingress, and the load balancer it left goes with its cloud resources.
func TestGroupAnnotationMovesTheIngress(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "front", 80, "10.0.1.1")
	apply(t, ns, webIngress)
	servedBy(t, ns, "web", lbNameOf(ns, "web"))

	annotate(t, ns, "web", model.AnnotationGroup, "one")
	servedBy(t, ns, "web", groupKeyLB("portico", ns, "one"))
	waitGone(t, lbNameOf(ns, "web"))

	annotate(t, ns, "web", model.AnnotationGroup, "two")
	servedBy(t, ns, "web", groupKeyLB("portico", ns, "two"))
	waitGone(t, groupKeyLB("portico", ns, "one"))

	annotate(t, ns, "web", model.AnnotationGroup, "")
	servedBy(t, ns, "web", lbNameOf(ns, "web"))
	waitGone(t, groupKeyLB("portico", ns, "two"))
}

// classWithParams creates an IngressClass of portico's with IngressClassParams of the same
// name.
func classWithParams(t *testing.T, name string, spec v1alpha1.IngressClassParamsSpec) {
	t.Helper()
	ctx := context.Background()
	params := &v1alpha1.IngressClassParams{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: spec}
	if err := env.Client.Create(ctx, params); client.IgnoreAlreadyExists(err) != nil {
		t.Fatal(err)
	}
	group := "portico.dev"
	scope := networkingv1.IngressClassParametersReferenceScopeCluster
	class := &networkingv1.IngressClass{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: networkingv1.IngressClassSpec{Controller: model.ControllerName, Parameters: &networkingv1.IngressClassParametersReference{
			APIGroup: &group, Kind: "IngressClassParams", Name: name, Scope: &scope,
		}},
	}
	if err := env.Client.Create(ctx, class); err != nil {
		t.Fatal(err)
	}
}

func groupedIngress(t *testing.T, ns, name, class, host string) {
	t.Helper()
	apply(t, ns, `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: `+name+`, namespace: NAMESPACE, annotations: {portico.dev/group: shop}}
spec:
  ingressClassName: `+class+`
  rules:
  - host: `+host+`
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: front, port: {number: 80}}}}]}
`)
}

// TestDeletingTheClassKeepsTheGroupServing: a Helm upgrade deletes and re-creates an
// IngressClass; while it is missing, the group's load balancer keeps serving its members as
// they were, says why on each Ingress and on the LoadBalancer, and nothing is deleted.
func TestDeletingTheClassKeepsTheGroupServing(t *testing.T) {
	ctx := context.Background()
	class := "e2e-deleted"
	classWithParams(t, class, v1alpha1.IngressClassParamsSpec{Provider: "fake"})
	ns := newNamespace(t)
	service(t, ns, "front", 80, "10.0.1.1")
	groupedIngress(t, ns, "a", class, "a.example.com")
	groupedIngress(t, ns, "b", class, "b.example.com")
	lbName := groupKeyLB(class, ns, "shop")
	servedBy(t, ns, "a", lbName)
	servedBy(t, ns, "b", lbName)
	before := getLB(t, lbName)
	inventory := len(env.Inventory(lbName))

	if err := env.Client.Delete(ctx, &networkingv1.IngressClass{ObjectMeta: metav1.ObjectMeta{Name: class}}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b"} {
		waitEvent(t, getIngress(t, ns, n), model.ReasonIngressClassNotFound, "does not exist")
	}
	if err := waitFor(t, "LoadBalancer status.members to say both are frozen", func() bool {
		return len(getLB(t, lbName).Status.Members) == 2
	}); err != nil {
		t.Fatal(err)
	}
	after := getLB(t, lbName)
	if after.DeletionTimestamp != nil || after.Status.Address != before.Status.Address || len(after.Spec.Rules) != len(before.Spec.Rules) {
		t.Fatalf("the load balancer changed while its class was missing: %+v", after.Status)
	}
	for _, n := range []string{"a", "b"} {
		ing := getIngress(t, ns, n)
		if len(ing.Finalizers) == 0 || ing.Status.LoadBalancer.Ingress[0].IP != before.Status.Address {
			t.Errorf("Ingress %s lost its finalizer or address: %+v", n, ing.Status)
		}
	}
	if n := len(env.Inventory(lbName)); n != inventory || n == 0 {
		t.Errorf("the load balancer has %d cloud resources while its class is missing, had %d", n, inventory)
	}

	// The class comes back (the second half of the Helm upgrade): nothing is frozen any more.
	classWithParams(t, class, v1alpha1.IngressClassParamsSpec{Provider: "fake"})
	if err := waitFor(t, "the members to be served as written again", func() bool {
		return len(getLB(t, lbName).Status.Members) == 0
	}); err != nil {
		t.Fatal(err)
	}
}

// TestLeavingForAnotherControllerReleases: an Ingress whose class becomes another
// controller's is let go, after a Warning that its load balancer and address are released.
func TestLeavingForAnotherControllerReleases(t *testing.T) {
	ctx := context.Background()
	class := "e2e-leaving"
	classWithParams(t, class, v1alpha1.IngressClassParamsSpec{Provider: "fake"})
	other := &networkingv1.IngressClass{ObjectMeta: metav1.ObjectMeta{Name: "e2e-someone-else"},
		Spec: networkingv1.IngressClassSpec{Controller: "example.com/other"}}
	if err := env.Client.Create(ctx, other); client.IgnoreAlreadyExists(err) != nil {
		t.Fatal(err)
	}
	ns := newNamespace(t)
	service(t, ns, "front", 80, "10.0.1.1")
	groupedIngress(t, ns, "a", class, "a.example.com")
	lbName := groupKeyLB(class, ns, "shop")
	servedBy(t, ns, "a", lbName)

	ing := getIngress(t, ns, "a")
	change := client.MergeFrom(ing.DeepCopy())
	ing.Spec.IngressClassName = &other.Name
	if err := env.Client.Patch(ctx, ing, change); err != nil {
		t.Fatal(err)
	}
	waitGone(t, lbName)
	if err := waitFor(t, "Ingress a to be released", func() bool {
		ing := getIngress(t, ns, "a")
		return len(ing.Finalizers) == 0 && len(ing.Status.LoadBalancer.Ingress) == 0
	}); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, ing, "AddressReleasing", lbName)
}

// TestNamespaceSelectorMovesGroups: selecting namespaces in the class's parameters merges
// their groups into one shared load balancer, and the per-namespace ones go; labelling
// another namespace brings its group in; deselecting splits them again.
func TestNamespaceSelectorMovesGroups(t *testing.T) {
	ctx := context.Background()
	class := "e2e-shared"
	classWithParams(t, class, v1alpha1.IngressClassParamsSpec{Provider: "fake"})
	ns1, ns2, ns3 := newNamespace(t), newNamespace(t), newNamespace(t)
	for _, ns := range []string{ns1, ns2, ns3} {
		service(t, ns, "front", 80, "10.0.1.1")
	}
	for _, ns := range []string{ns1, ns2} {
		labelNamespace(t, ns, "e2e-edge", "yes")
	}
	groupedIngress(t, ns1, "a", class, "a.example.com")
	groupedIngress(t, ns2, "b", class, "b.example.com")
	groupedIngress(t, ns3, "c", class, "c.example.com")
	servedBy(t, ns1, "a", groupKeyLB(class, ns1, "shop"))
	servedBy(t, ns2, "b", groupKeyLB(class, ns2, "shop"))

	params := &v1alpha1.IngressClassParams{}
	if err := env.Client.Get(ctx, client.ObjectKey{Name: class}, params); err != nil {
		t.Fatal(err)
	}
	params.Spec.Group = &v1alpha1.GroupParams{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"e2e-edge": "yes"}}}
	if err := env.Client.Update(ctx, params); err != nil {
		t.Fatal(err)
	}
	shared := groupKeyLB(class, "", "shop")
	servedBy(t, ns1, "a", shared)
	servedBy(t, ns2, "b", shared)
	waitGone(t, groupKeyLB(class, ns1, "shop"))
	waitGone(t, groupKeyLB(class, ns2, "shop"))
	servedBy(t, ns3, "c", groupKeyLB(class, ns3, "shop")) // not selected: it keeps its own

	labelNamespace(t, ns3, "e2e-edge", "yes")
	servedBy(t, ns3, "c", shared)
	waitGone(t, groupKeyLB(class, ns3, "shop"))

	if err := env.Client.Get(ctx, client.ObjectKey{Name: class}, params); err != nil {
		t.Fatal(err)
	}
	params.Spec.Group = nil
	if err := env.Client.Update(ctx, params); err != nil {
		t.Fatal(err)
	}
	servedBy(t, ns1, "a", groupKeyLB(class, ns1, "shop"))
	servedBy(t, ns2, "b", groupKeyLB(class, ns2, "shop"))
	servedBy(t, ns3, "c", groupKeyLB(class, ns3, "shop"))
	waitGone(t, shared)
}

func labelNamespace(t *testing.T, name, key, value string) {
	t.Helper()
	ns := &corev1.Namespace{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Name: name}, ns); err != nil {
		t.Fatal(err)
	}
	if ns.Labels == nil {
		ns.Labels = map[string]string{}
	}
	ns.Labels[key] = value
	if err := env.Client.Update(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
}
