package e2e

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers/fake"
)

// node creates a node with an internal IP and the given readiness.
func node(t *testing.T, name, ip string, ready bool, labels map[string]string) {
	t.Helper()
	ctx := context.Background()
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	if err := env.Client.Create(ctx, n); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(context.Background(), n) })
	setNodeReady(t, name, ip, ready)
}

func setNodeReady(t *testing.T, name, ip string, ready bool) {
	t.Helper()
	n := &corev1.Node{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Name: name}, n); err != nil {
		t.Fatal(err)
	}
	status := corev1.ConditionFalse
	if ready {
		status = corev1.ConditionTrue
	}
	n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ip}}
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: status}}
	if err := env.Client.Status().Update(context.Background(), n); err != nil {
		t.Fatal(err)
	}
}

// TestInstanceTargetsFollowTheNodes: target type instance sends traffic to every ready node
// on the Service's NodePort, leaves out excluded nodes, and follows readiness changes.
func TestInstanceTargetsFollowTheNodes(t *testing.T) {
	ns := newNamespace(t)
	node(t, ns+"-a", "172.16.0.1", true, nil)
	node(t, ns+"-b", "172.16.0.2", true, nil)
	node(t, ns+"-excluded", "172.16.0.3", true, map[string]string{"node.kubernetes.io/exclude-from-external-load-balancers": ""})
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "app"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Ports: []corev1.ServicePort{{
			Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080), NodePort: 30080,
		}}},
	}
	if err := env.Client.Create(context.Background(), svc); err != nil {
		t.Fatal(err)
	}
	apply(t, ns, `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: app, namespace: NAMESPACE, annotations: {portico.dev/target-type: instance}}
spec:
  defaultBackend: {service: {name: app, port: {number: 80}}}
`)
	lb, err := env.WaitProgrammed(timeout(t), ns, "app")
	if err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, "an instance group with both ready nodes on the NodePort", func() bool {
		return hasResource(lb.Name, fake.KindInstanceGroup, "172.16.0.1:30080") && hasResource(lb.Name, fake.KindInstanceGroup, "172.16.0.2:30080")
	}); err != nil {
		t.Fatalf("%v: %+v", err, env.Inventory(lb.Name))
	}
	if hasResource(lb.Name, fake.KindInstanceGroup, "172.16.0.3") || hasResource(lb.Name, fake.KindNetworkEndpointGroup, "") {
		t.Errorf("an excluded node or an endpoint group is in: %+v", env.Inventory(lb.Name))
	}
	setNodeReady(t, ns+"-b", "172.16.0.2", false)
	if err := waitFor(t, "the not-ready node to leave the instance group", func() bool {
		return !hasResource(lb.Name, fake.KindInstanceGroup, "172.16.0.2:30080")
	}); err != nil {
		t.Fatal(err)
	}
}

// TestProviderNotEnabledIsAnErrorOnTheIngress: an Ingress that asks for a provider this
// controller does not run is told so, and nothing is created.
func TestProviderNotEnabledIsAnErrorOnTheIngress(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "front", 80, "10.0.1.1")
	apply(t, ns, `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: gcp, namespace: NAMESPACE, annotations: {portico.dev/provider: gcp}}
spec:
  defaultBackend: {service: {name: front, port: {number: 80}}}
`)
	ing := getIngress(t, ns, "gcp")
	waitEvent(t, ing, model.ReasonProviderNotEnabled, "runs fake")
	if len(env.Inventory(lbNameOf(ns, "gcp"))) != 0 {
		t.Error("resources were created for an Ingress whose provider is not enabled")
	}
}
