package gcp

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/testenv"
)

// newNamespace creates a namespace of its own for one test.
func newNamespace(t *testing.T) string {
	t.Helper()
	name := strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	if err := env.Client.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
		t.Fatal(err)
	}
	return name
}

// service creates a Service with one port and the EndpointSlice the endpoint-slice
// controller would write (envtest runs no controller-manager).
func service(t *testing.T, ns, name string, endpoints ...string) {
	t.Helper()
	ctx := context.Background()
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080)}}},
	}
	portName, port := "http", int32(8080)
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Namespace: ns, Name: name + "-1", Labels: map[string]string{discoveryv1.LabelServiceName: name}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: &portName, Port: &port}},
	}
	for _, ip := range endpoints {
		slice.Endpoints = append(slice.Endpoints, discoveryv1.Endpoint{Addresses: []string{ip}})
	}
	for _, obj := range []client.Object{svc, slice} {
		if err := env.Client.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
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

// eventsOf returns the Events about an object, as "Reason: note".
func eventsOf(t *testing.T, obj client.Object) []string {
	t.Helper()
	list := &eventsv1.EventList{}
	if err := env.Client.List(context.Background(), list, client.InNamespace(obj.GetNamespace())); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list.Items {
		if e.Regarding.UID == obj.GetUID() {
			out = append(out, e.Reason+": "+e.Note)
		}
	}
	return out
}

// waitEvent waits until an Event about the object has the reason and contains the text.
func waitEvent(t *testing.T, obj client.Object, reason, text string) {
	t.Helper()
	err := testenv.WaitFor(timeout(t), fmt.Sprintf("an Event %s naming %q", reason, text), func(context.Context) (bool, error) {
		for _, e := range eventsOf(t, obj) {
			if strings.HasPrefix(e, reason+": ") && strings.Contains(e, text) {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("%v; the Events are:\n%s", err, strings.Join(eventsOf(t, obj), "\n"))
	}
}

// lbNameOf is the LoadBalancer name of a lone Ingress.
func lbNameOf(ns, name string) string {
	return model.GroupKey{Kind: model.KeyKindIngress, Namespace: ns, Name: name}.LoadBalancerName()
}
