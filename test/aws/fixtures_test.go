package aws

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/testcert"
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

// service creates a Service with one port (80 → 8080) and the EndpointSlice the
// endpoint-slice controller would write for its ready pods (envtest runs no
// controller-manager).
func service(t *testing.T, ns, name string, endpoints ...string) {
	t.Helper()
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080)}}},
	}
	if err := env.Client.Create(context.Background(), svc); err != nil {
		t.Fatal(err)
	}
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Namespace: ns, Name: name + "-1", Labels: map[string]string{discoveryv1.LabelServiceName: name}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: ptr.To("http"), Port: ptr.To[int32](8080)}},
	}
	setEndpoints(slice, endpoints)
	if err := env.Client.Create(context.Background(), slice); err != nil {
		t.Fatal(err)
	}
}

// scale rewrites a Service's EndpointSlice to the endpoints, as the endpoint-slice
// controller does when its Deployment scales.
func scale(t *testing.T, ns, name string, endpoints ...string) {
	t.Helper()
	slice := &discoveryv1.EndpointSlice{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name + "-1"}, slice); err != nil {
		t.Fatal(err)
	}
	setEndpoints(slice, endpoints)
	if err := env.Client.Update(context.Background(), slice); err != nil {
		t.Fatal(err)
	}
}

func setEndpoints(slice *discoveryv1.EndpointSlice, ips []string) {
	slice.Endpoints = nil
	for _, ip := range ips {
		slice.Endpoints = append(slice.Endpoints, discoveryv1.Endpoint{Addresses: []string{ip},
			Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true)}})
	}
}

func tlsSecret(t *testing.T, ns, name string, hosts ...string) {
	t.Helper()
	cert, key, err := testcert.SelfSigned(hosts...)
	if err != nil {
		t.Fatal(err)
	}
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Type: corev1.SecretTypeTLS,
		Data: map[string][]byte{corev1.TLSCertKey: cert, corev1.TLSPrivateKeyKey: key}}
	if err := env.Client.Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

// ingressBuilder builds an Ingress of the default class, whose parameters select aws.
type ingressBuilder struct{ ing *networkingv1.Ingress }

func ingress(ns, name string) *ingressBuilder {
	return &ingressBuilder{&networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}}
}

// host starts the rules of a host; prefix and exact add paths to the last host.
func (b *ingressBuilder) host(host string) *ingressBuilder {
	b.ing.Spec.Rules = append(b.ing.Spec.Rules, networkingv1.IngressRule{Host: host,
		IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{}}})
	return b
}

func (b *ingressBuilder) prefix(path, svc string) *ingressBuilder {
	return b.path(path, networkingv1.PathTypePrefix, svc)
}

func (b *ingressBuilder) exact(path, svc string) *ingressBuilder {
	return b.path(path, networkingv1.PathTypeExact, svc)
}

func (b *ingressBuilder) path(path string, pt networkingv1.PathType, svc string) *ingressBuilder {
	http := b.ing.Spec.Rules[len(b.ing.Spec.Rules)-1].HTTP
	http.Paths = append(http.Paths, networkingv1.HTTPIngressPath{Path: path, PathType: &pt, Backend: serviceBackend(svc)})
	return b
}

func (b *ingressBuilder) defaultBackend(svc string) *ingressBuilder {
	be := serviceBackend(svc)
	b.ing.Spec.DefaultBackend = &be
	return b
}

func (b *ingressBuilder) tls(secret string, hosts ...string) *ingressBuilder {
	b.ing.Spec.TLS = append(b.ing.Spec.TLS, networkingv1.IngressTLS{Hosts: hosts, SecretName: secret})
	return b
}

func (b *ingressBuilder) annotate(key, value string) *ingressBuilder {
	if b.ing.Annotations == nil {
		b.ing.Annotations = map[string]string{}
	}
	b.ing.Annotations[key] = value
	return b
}

// apply creates the Ingress, or changes it to what the builder says, and waits until its
// load balancer serves it as it now is. The first apply deletes the Ingress when the test
// ends and waits until awstest holds nothing of its load balancer, so that each test
// starts from the emulator as the last one left it.
func (b *ingressBuilder) apply(t *testing.T) *v1alpha1.LoadBalancer {
	t.Helper()
	ctx := context.Background()
	key := client.ObjectKeyFromObject(b.ing)
	if err := env.Client.Get(ctx, key, &networkingv1.Ingress{}); apierrors.IsNotFound(err) {
		before := inventoryKeys()
		t.Cleanup(func() { deleteIngress(t, b.ing.Namespace, b.ing.Name, before) })
	}
	if err := env.Apply(ctx, b.ing.DeepCopy()); err != nil {
		t.Fatal(err)
	}
	lb, err := env.WaitProgrammed(timeout(t), b.ing.Namespace, b.ing.Name)
	if err != nil {
		t.Fatal(err)
	}
	return lb
}

// deleteIngress deletes an Ingress (if it is still there) and waits until its LoadBalancer
// is gone and awstest holds exactly what it held before (the load balancer's security
// group included).
func deleteIngress(t *testing.T, ns, name string, before map[string]bool) {
	t.Helper()
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	if err := env.Client.Delete(context.Background(), ing); client.IgnoreNotFound(err) != nil {
		t.Fatal(err)
	}
	waitDeleted(t, lbNameOf(ns, name), before)
}

// waitDeleted waits until the LoadBalancer is gone and awstest's inventory is as before.
func waitDeleted(t *testing.T, lbName string, before map[string]bool) {
	t.Helper()
	waitDeletedWithin(t, lbName, before, time.Minute)
}

func waitDeletedWithin(t *testing.T, lbName string, before map[string]bool, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var extra, missing []string
	err := testenv.WaitFor(ctx, "LoadBalancer "+lbName+" and its AWS resources to be deleted", func(ctx context.Context) (bool, error) {
		err := env.Client.Get(ctx, client.ObjectKey{Name: lbName}, &v1alpha1.LoadBalancer{})
		extra, missing = diffKeys(inventoryKeys(), before)
		return apierrors.IsNotFound(err) && len(extra) == 0, client.IgnoreNotFound(err)
	})
	if err != nil {
		t.Fatalf("%v; awstest still holds %v", err, named(extra))
	}
	if len(missing) > 0 {
		t.Errorf("deleting %s also deleted %v, which it did not own", lbName, missing)
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

func serviceBackend(svc string) networkingv1.IngressBackend {
	return networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: svc, Port: networkingv1.ServiceBackendPort{Number: 80}}}
}

// lbNameOf is the LoadBalancer name of a lone Ingress.
func lbNameOf(ns, name string) string {
	return model.GroupKey{Kind: model.KeyKindIngress, Namespace: ns, Name: name}.LoadBalancerName()
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

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	if err := testenv.WaitFor(timeout(t), what, func(context.Context) (bool, error) { return ok(), nil }); err != nil {
		t.Fatal(err)
	}
}
