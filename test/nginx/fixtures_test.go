package nginx

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/test/nginxcluster"
	"github.com/portico-dev/portico/testenv"
)

// echo is what a backend answers, as the conformance suite's echo server does.
type echo struct {
	Path      string `json:"path"`
	Host      string `json:"host"`
	Namespace string `json:"namespace"`
	Service   string `json:"service"`
}

// newNamespace creates a namespace of its own for one test.
func newNamespace(t *testing.T) string {
	t.Helper()
	name := strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	if err := env.Client.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
		t.Fatal(err)
	}
	return name
}

// backend starts an echo server on loopback and creates its Service and the EndpointSlice
// the endpoint-slice controller would write (envtest runs no controller-manager).
func backend(t *testing.T, ns, name string) {
	t.Helper()
	ip := hostIP(t)
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(echo{Path: r.URL.Path, Host: r.Host, Namespace: ns, Service: name})
	}))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	port := int32(srv.Listener.Addr().(*net.TCPAddr).Port)
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(port)}}},
	}
	portName, ready := "http", true
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Namespace: ns, Name: name + "-1", Labels: map[string]string{discoveryv1.LabelServiceName: name}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: &portName, Port: &port}},
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{ip}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
	}
	for _, obj := range []client.Object{svc, slice} {
		if err := env.Client.Create(context.Background(), obj); err != nil {
			t.Fatal(err)
		}
	}
}

// hostIP is the address the echo backends listen on (nginxcluster.HostIP).
func hostIP(t *testing.T) string {
	t.Helper()
	ip, err := nginxcluster.HostIP()
	if err != nil {
		t.Fatal(err)
	}
	return ip
}

// ingressBuilder builds an Ingress of the default class (provider nginx).
type ingressBuilder struct{ ing *networkingv1.Ingress }

func ingress(ns, name string) *ingressBuilder {
	return &ingressBuilder{&networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}}
}

func (b *ingressBuilder) prefix(host, path, svc string) *ingressBuilder {
	pt := networkingv1.PathTypePrefix
	b.ing.Spec.Rules = append(b.ing.Spec.Rules, networkingv1.IngressRule{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{
		HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{Path: path, PathType: &pt, Backend: serviceBackend(svc)}}},
	}})
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

func (b *ingressBuilder) create(t *testing.T) *networkingv1.Ingress {
	t.Helper()
	if err := env.Client.Create(context.Background(), b.ing); err != nil {
		t.Fatal(err)
	}
	return b.ing
}

func serviceBackend(svc string) networkingv1.IngressBackend {
	return networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: svc, Port: networkingv1.ServiceBackendPort{Number: 80}}}
}

// lbNameOf is the LoadBalancer name of a lone Ingress.
func lbNameOf(ns, name string) string {
	return nginxcluster.LoadBalancerName(ns, name)
}

// get sends GET path with the Host header to nginx's HTTP port; status 0 means no answer.
func get(host, path string) (int, echo) {
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(settings.HTTPPort)+path, nil)
	if err != nil {
		return 0, echo{}
	}
	req.Host = host
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return 0, echo{}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var e echo
	_ = json.Unmarshal(body, &e)
	return resp.StatusCode, e
}

// waitServed waits until nginx answers host and path from the Service svc (or, for svc "",
// with a 404).
func waitServed(t *testing.T, host, path, ns, svc string) {
	t.Helper()
	var code int
	var got echo
	err := testenv.WaitFor(timeout(t), fmt.Sprintf("nginx to serve %s%s from %s/%s", host, path, ns, svc), func(context.Context) (bool, error) {
		code, got = get(host, path)
		if svc == "" {
			return code == http.StatusNotFound, nil
		}
		return code == http.StatusOK && got.Namespace == ns && got.Service == svc, nil
	})
	if err != nil {
		t.Fatalf("%v; the last answer was %d %+v", err, code, got)
	}
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

// published reads the data plane's Service.
func published(t *testing.T) *corev1.Service {
	t.Helper()
	svc := &corev1.Service{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: publishNamespace, Name: publishName}, svc); err != nil {
		t.Fatal(err)
	}
	return svc
}

func conditionMessage(lb *v1alpha1.LoadBalancer, typ string) string {
	if c := meta.FindStatusCondition(lb.Status.Conditions, typ); c != nil {
		return c.Message
	}
	return ""
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// waitEventNaming waits until an Event about the object has the reason and names text.
func waitEventNaming(t *testing.T, obj client.Object, reason, text string) {
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
