package e2e

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers/fake"
)

const webIngress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: NAMESPACE}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
      - {path: /, pathType: Prefix, backend: {service: {name: front, port: {name: http}}}}
`

// TestCreateShowsAddressResourcesAndEvents: an Ingress gets its address, the LoadBalancer
// lists the cloud resources behind it, and both carry Events that name them.
func TestCreateShowsAddressResourcesAndEvents(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1", "10.0.0.2")
	service(t, ns, "front", 80, "10.0.1.1")
	apply(t, ns, webIngress)

	lb, err := env.WaitProgrammed(timeout(t), ns, "web")
	if err != nil {
		t.Fatal(err)
	}
	if lb.Name != lbNameOf(ns, "web") {
		t.Errorf("LoadBalancer %s, want %s", lb.Name, lbNameOf(ns, "web"))
	}
	ing := getIngress(t, ns, "web")
	if ing.Annotations[model.AnnotationLoadBalancer] != lb.Name {
		t.Errorf("the Ingress does not name its LoadBalancer: %v", ing.Annotations)
	}
	addr := ing.Status.LoadBalancer.Ingress
	if len(addr) != 1 || !strings.HasPrefix(addr[0].IP, "192.0.2.") || addr[0].IP != lb.Status.Address {
		t.Fatalf("Ingress address %+v, LoadBalancer address %q", addr, lb.Status.Address)
	}
	if len(addr[0].Ports) != 1 || addr[0].Ports[0].Port != 80 || addr[0].Ports[0].Error != nil {
		t.Errorf("want port 80 without error, got %+v", addr[0].Ports)
	}

	// The status lists exactly the resources the cloud has for this load balancer.
	inventory := env.Inventory(lb.Name)
	if len(lb.Status.Resources) != len(inventory) || int(lb.Status.ResourceCount) != len(inventory) {
		t.Fatalf("status lists %d resources, the cloud has %d", len(lb.Status.Resources), len(inventory))
	}
	kinds := map[string]int{}
	for _, r := range lb.Status.Resources {
		kinds[r.Kind]++
		if r.ID == "" || r.State != fake.StateReady {
			t.Errorf("resource %s/%s has no id or is not Ready: %+v", r.Kind, r.Name, r)
		}
	}
	for kind, n := range map[string]int{fake.KindForwardingRule: 1, fake.KindURLMap: 1, fake.KindBackendService: 2,
		fake.KindNetworkEndpointGroup: 2, fake.KindHealthCheck: 2, fake.KindAddress: 1, fake.KindTargetHTTPProxy: 1} {
		if kinds[kind] != n {
			t.Errorf("%d %s in the status, want %d (all: %v)", kinds[kind], kind, n, kinds)
		}
	}
	lb, err = env.WaitCondition(timeout(t), lb.Name, v1alpha1.ConditionReady, "True", v1alpha1.ReasonReady)
	if err != nil {
		t.Fatal(err)
	}

	waitEvent(t, ing, "LoadBalancerAssigned", lb.Name)
	waitEvent(t, ing, "AddressAssigned", lb.Status.Address)
	waitEvent(t, ing, "ResourceCreated", "URLMap")
	waitEvent(t, lb, "ResourceCreated", "ForwardingRule")
}

// TestNoReadyTargetsIsReported: a backend without endpoints leaves the load balancer
// programmed but not Ready, and the condition names the backend.
func TestNoReadyTargetsIsReported(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", 80)
	service(t, ns, "front", 80, "10.0.1.1")
	apply(t, ns, webIngress)
	lbName := lbNameOf(ns, "web")
	lb, err := env.WaitCondition(timeout(t), lbName, v1alpha1.ConditionReady, "False", v1alpha1.ReasonNoReadyTargets)
	if err != nil {
		t.Fatal(err)
	}
	if msg := readyMessage(lb); !strings.Contains(msg, ns+"/cart:80") || strings.Contains(msg, "front") {
		t.Errorf("the Ready message must name the backend without targets only: %q", msg)
	}
	// The member that routes to it is told too, naming the Service.
	waitEvent(t, getIngress(t, ns, "web"), "NoReadyTargets", "Service "+ns+"/cart")
	setEndpoints(t, ns, "cart", "10.0.0.9")
	if _, err := env.WaitCondition(timeout(t), lbName, v1alpha1.ConditionReady, "True", v1alpha1.ReasonReady); err != nil {
		t.Fatal(err)
	}
	if !hasResource(lbName, fake.KindNetworkEndpointGroup, "10.0.0.9") {
		t.Errorf("no endpoint group lists the new endpoint: %+v", env.Inventory(lbName))
	}
}

func readyMessage(lb *v1alpha1.LoadBalancer) string {
	for _, c := range lb.Status.Conditions {
		if c.Type == v1alpha1.ConditionReady {
			return c.Message
		}
	}
	return ""
}

// hasResource reports whether the load balancer has a resource of that kind whose summary
// contains text.
func hasResource(lbName, kind, text string) bool {
	for _, r := range env.Inventory(lbName) {
		if r.Kind == kind && strings.Contains(r.Spec.Summary(), text) {
			return true
		}
	}
	return false
}
