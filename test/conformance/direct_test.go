package conformance_test

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/portico-dev/portico/test/nginxmode"
)

// TestConformanceRenderer runs every conformance scenario through the nginx-fallback
// package alone, a quick check of the renderer without a control plane: the model
// translates each scenario's Ingress, nginx-fallback renders it, and a real nginx under the
// Supervisor serves it on loopback ports to echo backends that stand for the Services' pods.
// TestConformanceNginx runs the same scenarios through the controller.
func TestConformanceRenderer(t *testing.T) {
	n := nginxmode.Start(t, nginxmode.Options{})
	runFeatures(t, "renderer", func() stage {
		return &direct{nginx: n, cluster: nginxmode.NewCluster(t)}
	}, nil)
}

// direct is a stage of objects in memory (a nginxmode.Cluster) that nginx-fallback serves,
// each scenario loading its own configuration into the nginx every scenario shares.
type direct struct {
	nginx   *nginxmode.Nginx
	cluster *nginxmode.Cluster
}

func (d *direct) namespace(string) error { return nil }

func (d *direct) ingress(ing *networkingv1.Ingress) error {
	d.cluster.AddIngress(ing)
	return nil
}

func (d *direct) secret(ns, name string, cert, key []byte) error {
	d.cluster.AddTLSSecret(ns, name, cert, key)
	return nil
}

// exposed serves the scenario's objects: echo endpoints for every Service the Ingress
// names, the model's translation, nginx's configuration loaded. The Ingress has an address
// when a load balancer accepted it and nginx serves that load balancer's configuration.
func (d *direct) exposed(ing *networkingv1.Ingress) error {
	d.cluster.EchoBackends(ing)
	if err := d.nginx.Apply(d.cluster.Input()); err != nil {
		return err
	}
	if !d.accepted(ing) {
		return fmt.Errorf("no load balancer accepted Ingress %s/%s", ing.Namespace, ing.Name)
	}
	return nil
}

func (d *direct) notExposed(ing *networkingv1.Ingress) error {
	d.cluster.EchoBackends(ing)
	if err := d.nginx.Apply(d.cluster.Input()); err != nil {
		return err
	}
	if d.accepted(ing) {
		return fmt.Errorf("Ingress %s/%s of class %v got a load balancer", ing.Namespace, ing.Name, ing.Spec.IngressClassName)
	}
	return nil
}

func (d *direct) accepted(ing *networkingv1.Ingress) bool {
	results, _ := d.cluster.Translate()
	for _, r := range results {
		for _, m := range r.Accepted() {
			if m.Namespace == ing.Namespace && m.Name == ing.Name {
				return true
			}
		}
	}
	return false
}

func (d *direct) scale(ing *networkingv1.Ingress, service string, n int) error {
	have := len(d.cluster.Echo(ing.Namespace, service, ing.Name, 0))
	if have < n {
		d.cluster.Echo(ing.Namespace, service, ing.Name, n-have)
	}
	return d.nginx.Apply(d.cluster.Input())
}

func (d *direct) client(c *tls.Config) *http.Client { return d.nginx.Client(c) }
func (d *direct) addr(scheme string) string         { return d.nginx.Addr(scheme) }
