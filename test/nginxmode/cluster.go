// Package nginxmode runs portico's nginx mode for tests and benchmarks without a cluster:
// Ingresses, Services, EndpointSlices and Secrets in memory (a Cluster), translated by the
// model as the controller does, rendered by nginx-fallback and served by a real nginx under
// its Supervisor on loopback ports (an Nginx), with echo backends (test/echo) as the
// Services' endpoints.
//
// The controller's wiring of the nginx provider (claims across LoadBalancers, the data-plane
// Deployment) is not used here: this package drives the nginx-fallback package directly,
// with the claims decided by nginxfallback.ClaimsInOrder, oldest LoadBalancer first.
package nginxmode

import (
	"fmt"
	"sort"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/controllers/loadbalancer"
	"github.com/portico-dev/portico/model"
	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/test/echo"
)

// ClassName is the IngressClass of portico in a Cluster, the default class: an Ingress
// without a class is portico's, one of another class is not.
const ClassName = "portico"

// ServicePort is the port every echo Service exposes, named PortName, as the conformance
// features refer to it (by number 8080 or by name http).
const (
	ServicePort = 8080
	PortName    = "http"
)

// Cluster is the objects a controller would read from the API server.
type Cluster struct {
	tb      testing.TB
	objects model.Objects
	// echoes are the endpoints of each Service, "namespace/name".
	echoes map[string][]*echo.Server
	slices int
}

// NewCluster returns a Cluster holding portico's default IngressClass.
func NewCluster(tb testing.TB) *Cluster {
	c := &Cluster{tb: tb, echoes: map[string][]*echo.Server{}}
	c.objects.IngressClasses = []networkingv1.IngressClass{{
		ObjectMeta: metav1.ObjectMeta{Name: ClassName, Annotations: map[string]string{networkingv1.AnnotationIsDefaultIngressClass: "true"}},
		Spec:       networkingv1.IngressClassSpec{Controller: model.ControllerName},
	}}
	return c
}

// AddIngress adds an Ingress; Ingresses added earlier count as older.
func (c *Cluster) AddIngress(ing *networkingv1.Ingress) {
	ing = ing.DeepCopy()
	ing.CreationTimestamp = metav1.Unix(int64(len(c.objects.Ingresses)), 0)
	c.objects.Ingresses = append(c.objects.Ingresses, ing)
}

// SetIngresses replaces every Ingress, keeping the order as age.
func (c *Cluster) SetIngresses(ings ...*networkingv1.Ingress) {
	c.objects.Ingresses = nil
	for _, ing := range ings {
		c.AddIngress(ing)
	}
}

// Echo makes Service namespace/name with n echo endpoints, each answering as pod
// NAME-i of that Ingress, and returns them. The Service exposes ServicePort (named
// PortName); each endpoint has an EndpointSlice of its own, since each listens on its own
// loopback port.
func (c *Cluster) Echo(namespace, name, ingress string, n int) []*echo.Server {
	key := namespace + "/" + name
	if _, ok := c.echoes[key]; !ok {
		c.AddService(namespace, name)
	}
	for i := 0; i < n; i++ {
		pod := fmt.Sprintf("%s-%d", name, len(c.echoes[key]))
		s := echo.New(c.tb, echo.Identity{Namespace: namespace, Ingress: ingress, Service: name, Pod: pod})
		c.echoes[key] = append(c.echoes[key], s)
		c.addSlice(namespace, name, s.IP, s.Port)
	}
	return c.echoes[key]
}

func (c *Cluster) addSlice(namespace, service, ip string, port int32) {
	c.slices++
	portName, ready := PortName, true
	c.objects.EndpointSlices = append(c.objects.EndpointSlices, discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: namespace, Name: fmt.Sprintf("%s-%d", service, c.slices),
			Labels: map[string]string{discoveryv1.LabelServiceName: service},
		},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: &portName, Port: &port}},
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{ip}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
	})
}

// AddService adds Service namespace/name exposing ServicePort, without endpoints; give it
// some with SetEndpoints.
func (c *Cluster) AddService(namespace, name string) {
	c.objects.Services = append(c.objects.Services, corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: PortName, Port: ServicePort}}},
	})
}

// SetEndpoints replaces the EndpointSlices of Service namespace/name with one that lists
// the given ports on 127.0.0.1 (the endpoint churn of a rollout).
func (c *Cluster) SetEndpoints(namespace, service string, ports ...int32) {
	kept := c.objects.EndpointSlices[:0]
	for _, s := range c.objects.EndpointSlices {
		if s.Namespace != namespace || s.Labels[discoveryv1.LabelServiceName] != service {
			kept = append(kept, s)
		}
	}
	c.objects.EndpointSlices = kept
	for _, p := range ports {
		c.addSlice(namespace, service, "127.0.0.1", p)
	}
}

// EchoBackends makes one echo endpoint for every Service an Ingress refers to that has none.
func (c *Cluster) EchoBackends(ing *networkingv1.Ingress) {
	for _, name := range ServicesOf(ing) {
		if _, ok := c.echoes[ing.Namespace+"/"+name]; !ok {
			c.Echo(ing.Namespace, name, ing.Name, 1)
		}
	}
}

// ServicesOf lists the Services an Ingress routes to, sorted.
func ServicesOf(ing *networkingv1.Ingress) []string {
	seen := map[string]bool{}
	add := func(b *networkingv1.IngressBackend) {
		if b != nil && b.Service != nil {
			seen[b.Service.Name] = true
		}
	}
	add(ing.Spec.DefaultBackend)
	for _, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for i := range r.HTTP.Paths {
			add(&r.HTTP.Paths[i].Backend)
		}
	}
	out := make([]string, 0, len(seen))
	for name := range seen {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// AddTLSSecret adds a kubernetes.io/tls Secret.
func (c *Cluster) AddTLSSecret(namespace, name string, cert, key []byte) {
	c.objects.Secrets = append(c.objects.Secrets, corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Type:       corev1.SecretTypeTLS,
		Data:       map[string][]byte{corev1.TLSCertKey: cert, corev1.TLSPrivateKeyKey: key},
	})
}

// Translate translates every Ingress as the controller does; the problems of each result
// are the test's to check.
func (c *Cluster) Translate() (results []*model.Result, ignored []model.Ignored) {
	return model.TranslateAll(c.objects.Ingresses, &c.objects.Snapshot, model.Config{})
}

// Input is what the nginx mode serves for the Cluster: every LoadBalancer with an accepted
// member, oldest first, with the ready endpoints of its Services and its TLS Secrets. It
// fails the test on a translation error, since a test's Ingresses are meant to be valid.
func (c *Cluster) Input() nginxfallback.Input {
	c.tb.Helper()
	results, _ := c.Translate()
	return c.InputOf(results)
}

// InputOf is Input for results the caller translated.
func (c *Cluster) InputOf(results []*model.Result) nginxfallback.Input {
	c.tb.Helper()
	idx := c.index()
	var in nginxfallback.Input
	for _, r := range results {
		for _, p := range r.Problems {
			if p.Severity == model.SeverityError {
				c.tb.Fatalf("translating %s: %s", r.Name, p)
			}
		}
		if len(r.Accepted()) > 0 {
			in.LoadBalancers = append(in.LoadBalancers, idx.loadBalancerOf(r))
		}
	}
	in.HostOwners, in.CatchAll, _ = nginxfallback.ClaimsInOrder(in.LoadBalancers)
	return in
}

// index maps each Service, its EndpointSlices and each Secret by "namespace/name", as the
// controller's field indexes do, so that resolving costs the same whatever the size.
type index struct {
	services map[string]*corev1.Service
	slices   map[string][]discoveryv1.EndpointSlice
	secrets  map[string]*corev1.Secret
}

func (c *Cluster) index() index {
	idx := index{services: map[string]*corev1.Service{}, slices: map[string][]discoveryv1.EndpointSlice{}, secrets: map[string]*corev1.Secret{}}
	for i := range c.objects.Services {
		s := &c.objects.Services[i]
		idx.services[s.Namespace+"/"+s.Name] = s
	}
	for _, s := range c.objects.EndpointSlices {
		key := s.Namespace + "/" + s.Labels[discoveryv1.LabelServiceName]
		idx.slices[key] = append(idx.slices[key], s)
	}
	for i := range c.objects.Secrets {
		s := &c.objects.Secrets[i]
		idx.secrets[s.Namespace+"/"+s.Name] = s
	}
	return idx
}

func (idx index) loadBalancerOf(r *model.Result) nginxfallback.LoadBalancer {
	lb := nginxfallback.LoadBalancer{Name: r.Name, Spec: *r.Spec.DeepCopy(),
		Targets: map[string][]providers.Target{}, Certificates: map[string]providers.Certificate{}}
	for _, be := range r.Spec.Backends {
		key := be.Service.Namespace + "/" + be.Service.Name
		if svc := idx.services[key]; svc != nil {
			if port := loadbalancer.PortOf(svc, be.Service); port != nil {
				lb.Targets[be.Name] = loadbalancer.TargetsOf(idx.slices[key], port)
			}
		}
	}
	for _, t := range r.Spec.TLS {
		if t.SecretRef == nil {
			continue
		}
		ref := t.SecretRef.Namespace + "/" + t.SecretRef.Name
		if s := idx.secrets[ref]; s != nil {
			cert, key := s.Data[corev1.TLSCertKey], s.Data[corev1.TLSPrivateKeyKey]
			lb.Certificates[ref] = providers.Certificate{
				CertPEM: cert, Key: providers.StaticKey(key), Hash: providers.CertificateHash(cert, key)}
		}
	}
	return lb
}
