package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
)

var nsCounter atomic.Int32

// newNamespace creates a namespace of its own for one test.
func newNamespace(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("%s-%d", strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name())), nsCounter.Add(1))
	if len(name) > 63 {
		name = name[len(name)-63:]
	}
	name = strings.Trim(name, "-")
	if err := env.Client.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
		t.Fatal(err)
	}
	return name
}

// service creates a Service with one port and an EndpointSlice with ready endpoints, as the
// endpoint-slice controller would (envtest runs no controller-manager).
func service(t *testing.T, ns, name string, port int32, endpoints ...string) {
	t.Helper()
	ctx := context.Background()
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{
			Name: "http", Port: port, TargetPort: intstr.FromInt32(8080),
		}}},
	}
	if err := env.Client.Create(ctx, svc); err != nil {
		t.Fatal(err)
	}
	setEndpoints(t, ns, name, endpoints...)
}

// setEndpoints creates or replaces the Service's EndpointSlice.
func setEndpoints(t *testing.T, ns, svc string, ips ...string) {
	t.Helper()
	ctx := context.Background()
	portName, port := "http", int32(8080)
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Namespace: ns, Name: svc + "-slice", Labels: map[string]string{discoveryv1.LabelServiceName: svc}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: &portName, Port: &port}},
	}
	for _, ip := range ips {
		slice.Endpoints = append(slice.Endpoints, discoveryv1.Endpoint{Addresses: []string{ip}})
	}
	existing := &discoveryv1.EndpointSlice{}
	err := env.Client.Get(ctx, client.ObjectKeyFromObject(slice), existing)
	if err == nil {
		existing.Endpoints = slice.Endpoints
		if err := env.Client.Update(ctx, existing); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err := env.Client.Create(ctx, slice); err != nil {
		t.Fatal(err)
	}
}

// ingressYAML applies an Ingress manifest in the namespace.
func apply(t *testing.T, ns, manifest string) {
	t.Helper()
	manifest = strings.ReplaceAll(manifest, "NAMESPACE", ns)
	if err := env.ApplyYAML(context.Background(), manifest); err != nil {
		t.Fatal(err)
	}
}

func getIngress(t *testing.T, ns, name string) *networkingv1.Ingress {
	t.Helper()
	ing := &networkingv1.Ingress{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, ing); err != nil {
		t.Fatal(err)
	}
	return ing
}

func getLB(t *testing.T, name string) *v1alpha1.LoadBalancer {
	t.Helper()
	lb := &v1alpha1.LoadBalancer{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Name: name}, lb); err != nil {
		t.Fatal(err)
	}
	return lb
}

// eventsOf returns the Events about an object, as "Type Reason: note".
func eventsOf(t *testing.T, obj client.Object) []string {
	t.Helper()
	list := &eventsv1.EventList{}
	if err := env.Client.List(context.Background(), list, client.InNamespace(obj.GetNamespace())); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list.Items {
		if e.Regarding.UID == obj.GetUID() {
			out = append(out, e.Type+" "+e.Reason+": "+e.Note)
		}
	}
	return out
}

// waitEvent waits until an Event about the object has the reason and contains the text.
func waitEvent(t *testing.T, obj client.Object, reason, text string) string {
	t.Helper()
	var found string
	err := waitFor(t, fmt.Sprintf("an Event %s containing %q", reason, text), func() bool {
		for _, e := range eventsOf(t, obj) {
			if strings.Contains(e, " "+reason+": ") && strings.Contains(e, text) {
				found = e
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("%v; the Events are:\n%s", err, strings.Join(eventsOf(t, obj), "\n"))
	}
	return found
}

func waitFor(t *testing.T, what string, ok func() bool) error {
	t.Helper()
	return waitForCtx(timeout(t), what, ok)
}

func waitForCtx(ctx context.Context, what string, ok func() bool) error {
	return testenvWait(ctx, what, ok)
}

// lbNameOf is the LoadBalancer name of a lone Ingress.
func lbNameOf(ns, name string) string {
	return model.GroupKey{Kind: model.KeyKindIngress, Namespace: ns, Name: name}.LoadBalancerName()
}

func objectMeta(ns, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ns, Name: name}
}

// servedWeb creates the Services of webIngress and the Ingress in a new namespace, and
// waits until it is served.
func servedWeb(t *testing.T) (string, *v1alpha1.LoadBalancer) {
	t.Helper()
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "front", 80, "10.0.1.1")
	apply(t, ns, webIngress)
	lb, err := env.WaitProgrammed(timeout(t), ns, "web")
	if err != nil {
		t.Fatal(err)
	}
	return ns, lb
}
