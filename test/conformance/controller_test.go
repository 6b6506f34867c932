package conformance_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/test/echo"
	"github.com/portico-dev/portico/test/nginxcluster"
	"github.com/portico-dev/portico/test/nginxmode"
	"github.com/portico-dev/portico/testenv"
)

// TestConformanceNginx runs every conformance scenario through portico's nginx mode as a
// cluster runs it: a real kube-apiserver and etcd (envtest), portico's controller with the
// provider nginx (the default IngressClass's), and the real nginx it supervises on loopback
// ports. Each scenario's Ingress, Secrets and Services go to the API server as its steps say,
// each in the scenario's own namespace; the Services are backed by echo backends through
// EndpointSlices the test writes (envtest runs no endpoint-slice controller); each request
// goes over HTTP or HTTPS to nginx once the Ingress shows its address and its LoadBalancer
// is Programmed. One control plane and one nginx serve every scenario, in sequence; after
// each, its Ingresses are deleted and the run waits until their LoadBalancers are gone, so
// that no scenario's claims (hosts, the catch-all) outlive it.
func TestConformanceNginx(t *testing.T) {
	featurePaths(t) // skips, without the features, before the control plane starts
	env, err := nginxcluster.Start(context.Background(), "conformance")
	if errors.Is(err, nginxcluster.ErrNoNginx) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Error(err)
		}
	})
	ip, err := nginxcluster.HostIP()
	if err != nil {
		t.Fatal(err)
	}
	// The client's view of nginx: its ports on loopback, as DNS would send each host to the
	// load balancer's address (the published Service's cluster IP, which envtest cannot route).
	front := &nginxmode.Nginx{Settings: env.Settings}
	runFeatures(t, "nginx", func() stage {
		return &controlled{env: env, ip: ip, front: front}
	}, func(w *world) error {
		return w.stage.(*controlled).cleanup()
	})
}

// deadline bounds each wait for the controller and nginx: generous, since the machine may be
// busy, and a scenario only waits that long when it is about to fail.
const deadline = 2 * time.Minute

func waitContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), deadline)
}

// controlled is a stage on the API server, served by the controller.
type controlled struct {
	env   *nginxcluster.Env
	ip    string
	front *nginxmode.Nginx
	ns    string
	// ingresses are those the scenario created, deleted after it.
	ingresses []*networkingv1.Ingress
	// pods are the echo backends of each Service, closed after the scenario.
	pods map[string][]*echo.Server
}

func (c *controlled) create(obj client.Object) error {
	ctx, cancel := waitContext()
	defer cancel()
	if err := c.env.Client.Create(ctx, obj); err != nil {
		return fmt.Errorf("creating %T %s/%s: %w", obj, obj.GetNamespace(), obj.GetName(), err)
	}
	return nil
}

func (c *controlled) namespace(ns string) error {
	c.ns = ns
	return c.create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
}

// ingress creates a Service with one echo pod for every Service the Ingress names that does
// not exist yet, as the conformance suite deploys them with the Ingress, then the Ingress.
func (c *controlled) ingress(ing *networkingv1.Ingress) error {
	for _, svc := range nginxmode.ServicesOf(ing) {
		if len(c.pods[svc]) > 0 {
			continue
		}
		if err := c.service(ing, svc); err != nil {
			return err
		}
	}
	if err := c.create(ing); err != nil {
		return err
	}
	c.ingresses = append(c.ingresses, ing)
	return nil
}

// service creates Service name of the Ingress's namespace, exposing the port the features
// name (8080, named http), with one echo pod.
func (c *controlled) service(ing *networkingv1.Ingress, name string) error {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ing.Namespace, Name: name},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{
			Name: nginxmode.PortName, Port: nginxmode.ServicePort, TargetPort: intstr.FromString(nginxmode.PortName),
		}}},
	}
	if err := c.create(svc); err != nil {
		return err
	}
	_, err := c.pod(ing, name)
	return err
}

// pod starts one more echo pod of the Service and writes its EndpointSlice (one per pod,
// since each pod listens on a port of its own).
func (c *controlled) pod(ing *networkingv1.Ingress, service string) (*echo.Server, error) {
	if c.pods == nil {
		c.pods = map[string][]*echo.Server{}
	}
	i := len(c.pods[service])
	id := echo.Identity{Namespace: ing.Namespace, Ingress: ing.Name, Service: service, Pod: fmt.Sprintf("%s-%d", service, i)}
	s, err := echo.StartOn(c.ip, id)
	if err != nil {
		return nil, err
	}
	c.pods[service] = append(c.pods[service], s)
	portName, ready := nginxmode.PortName, true
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: ing.Namespace, Name: id.Pod,
			Labels: map[string]string{discoveryv1.LabelServiceName: service},
		},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: &portName, Port: &s.Port}},
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{s.IP}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
	}
	return s, c.create(slice)
}

func (c *controlled) secret(ns, name string, cert, key []byte) error {
	return c.create(&corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Type:       corev1.SecretTypeTLS,
		Data:       map[string][]byte{corev1.TLSCertKey: cert, corev1.TLSPrivateKeyKey: key},
	})
}

// exposed waits until the Ingress is served: its status shows the LoadBalancer's address,
// and the LoadBalancer is Programmed with the Ingress's current translation (the provider
// nginx programs it once nginx serves the configuration that includes it).
func (c *controlled) exposed(ing *networkingv1.Ingress) error {
	ctx, cancel := waitContext()
	defer cancel()
	lb, err := c.env.WaitProgrammed(ctx, ing.Namespace, ing.Name)
	if err != nil {
		return err
	}
	if lb.Status.Address == "" {
		return fmt.Errorf("LoadBalancer %s is programmed without an address", lb.Name)
	}
	return nil
}

// barrier is the Ingress of portico's class that notExposed creates after the one it checks.
const barrier = "conformance-barrier"

// notExposed checks that the controller left the Ingress alone. So that the check means
// something, it first waits until the controller served an Ingress of its own class created
// after it in the same namespace, and routing to the same Service (a barrier); then the
// Ingress must have no address in its status, and no LoadBalancer.
func (c *controlled) notExposed(ing *networkingv1.Ingress) error {
	svcs := nginxmode.ServicesOf(ing)
	if len(svcs) == 0 {
		return fmt.Errorf("the Ingress %s names no Service for the barrier to route to", ing.Name)
	}
	pt := networkingv1.PathTypePrefix
	probe := &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Namespace: ing.Namespace, Name: barrier},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{
			Host: barrier + "." + ing.Namespace + ".example",
			IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
				Path: "/", PathType: &pt, Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
					Name: svcs[0], Port: networkingv1.ServiceBackendPort{Number: nginxmode.ServicePort}}},
			}}}},
		}}},
	}
	if err := c.ingress(probe); err != nil {
		return err
	}
	if err := c.exposed(probe); err != nil {
		return fmt.Errorf("the barrier Ingress: %w", err)
	}
	ctx, cancel := waitContext()
	defer cancel()
	got := &networkingv1.Ingress{}
	if err := c.env.Client.Get(ctx, client.ObjectKeyFromObject(ing), got); err != nil {
		return err
	}
	if addr := got.Status.LoadBalancer.Ingress; len(addr) != 0 {
		return fmt.Errorf("Ingress %s/%s of class %v shows the address %+v", ing.Namespace, ing.Name, ing.Spec.IngressClassName, addr)
	}
	if lb := got.Annotations[model.AnnotationLoadBalancer]; lb != "" {
		return fmt.Errorf("Ingress %s/%s of class %v names LoadBalancer %s", ing.Namespace, ing.Name, ing.Spec.IngressClassName, lb)
	}
	err := c.env.Client.Get(ctx, client.ObjectKey{Name: lbNameOf(ing)}, &v1alpha1.LoadBalancer{})
	switch {
	case err == nil:
		return fmt.Errorf("Ingress %s/%s of class %v has LoadBalancer %s", ing.Namespace, ing.Name, ing.Spec.IngressClassName, lbNameOf(ing))
	case !apierrors.IsNotFound(err):
		return fmt.Errorf("reading the LoadBalancer of Ingress %s/%s: %w", ing.Namespace, ing.Name, err)
	}
	return nil
}

// scale gives the Service n pods in all, and waits until nginx serves every one of them: the
// configuration nginx's workers run lists each pod's address.
func (c *controlled) scale(ing *networkingv1.Ingress, service string, n int) error {
	for len(c.pods[service]) < n {
		if _, err := c.pod(ing, service); err != nil {
			return err
		}
	}
	ctx, cancel := waitContext()
	defer cancel()
	return c.env.WaitServing(ctx, fmt.Sprintf("nginx to serve the %d pods of %s/%s", n, ing.Namespace, service), func(config string) bool {
		for _, p := range c.pods[service] {
			if !strings.Contains(config, p.Addr()) {
				return false
			}
		}
		return true
	})
}

func (c *controlled) client(t *tls.Config) *http.Client { return c.front.Client(t) }
func (c *controlled) addr(scheme string) string         { return c.front.Addr(scheme) }

// cleanup deletes the scenario's Ingresses and waits until their LoadBalancers are gone (the
// provider deletes a LoadBalancer once nginx serves the configuration without it), then
// stops its echo pods. The namespace stays: envtest runs no namespace controller.
func (c *controlled) cleanup() error {
	ctx, cancel := waitContext()
	defer cancel()
	var errs []error
	for _, ing := range c.ingresses {
		if err := c.env.Client.Delete(ctx, ing); err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	for _, ing := range c.ingresses {
		name := lbNameOf(ing)
		errs = append(errs, testenv.WaitFor(ctx, "LoadBalancer "+name+" to be deleted", func(ctx context.Context) (bool, error) {
			err := c.env.Client.Get(ctx, client.ObjectKey{Name: name}, &v1alpha1.LoadBalancer{})
			if apierrors.IsNotFound(err) {
				return true, nil
			}
			return false, err
		}))
	}
	for _, pods := range c.pods {
		for _, p := range pods {
			errs = append(errs, p.Close())
		}
	}
	return errors.Join(errs...)
}

// lbNameOf is the LoadBalancer name of a lone Ingress.
func lbNameOf(ing *networkingv1.Ingress) string {
	return nginxcluster.LoadBalancerName(ing.Namespace, ing.Name)
}
