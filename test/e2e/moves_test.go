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
	if err := env.Client.Create(ctx, params); err != nil {
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

// TestDeletingTheClassReleasesTheGroup: once the IngressClass is gone its Ingresses are no
// longer portico's: they are released and their group's load balancer goes.
func TestDeletingTheClassReleasesTheGroup(t *testing.T) {
	class := "e2e-deleted"
	classWithParams(t, class, v1alpha1.IngressClassParamsSpec{Provider: "fake"})
	ns := newNamespace(t)
	service(t, ns, "front", 80, "10.0.1.1")
	groupedIngress(t, ns, "a", class, "a.example.com")
	groupedIngress(t, ns, "b", class, "b.example.com")
	lbName := groupKeyLB(class, ns, "shop")
	servedBy(t, ns, "a", lbName)
	servedBy(t, ns, "b", lbName)

	if err := env.Client.Delete(context.Background(), &networkingv1.IngressClass{ObjectMeta: metav1.ObjectMeta{Name: class}}); err != nil {
		t.Fatal(err)
	}
	waitGone(t, lbName)
	for _, n := range []string{"a", "b"} {
		if err := waitFor(t, "Ingress "+n+" to be released", func() bool {
			ing := getIngress(t, ns, n)
			return len(ing.Finalizers) == 0 && len(ing.Status.LoadBalancer.Ingress) == 0
		}); err != nil {
			t.Fatal(err)
		}
	}
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
