package providertest

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/test/conformance"
)

// conformanceFeatures are the upstream Ingress conformance features that decide routing.
var conformanceFeatures = []string{"path_rules.feature", "host_rules.feature", "default_backend.feature"}

// conformanceClass is the IngressClass the features' Ingresses are translated in.
const conformanceClass = "portico"

// conformanceTable translates the Ingress of a conformance feature, as the controller
// does, and turns each scenario into a request that must reach the Service it names. The
// test is skipped, saying why, when the workspace's feature files are not on this machine.
func conformanceTable(t *testing.T, file string) routingTable {
	t.Helper()
	f := conformance.LoadForTest(t, file)
	setup, err := conformance.SetupOf(f.Background)
	if err != nil {
		t.Fatal(err)
	}
	if len(setup.Ingresses) != 1 {
		t.Fatalf("%s sets up %d Ingresses; the table needs one", file, len(setup.Ingresses))
	}
	spec := translate(t, setup.Ingresses[0])
	table := routingTable{name: file, lb: func(name string) *lbBuilder {
		b := loadBalancer(name)
		b.d.Spec = spec
		return b
	}}
	for _, sc := range f.Scenarios {
		req, err := sc.Request()
		if err != nil {
			t.Fatal(err)
		}
		status, err := sc.ExpectedStatus()
		if err != nil {
			t.Fatal(err)
		}
		want := ""
		if status != 404 {
			want = backendServing(t, &spec, sc.ExpectedService())
		}
		table.requests = append(table.requests, request{req.URL.Host, req.URL.Path, want})
	}
	return table
}

// translate turns an Ingress of portico's class into the spec of its load balancer, keeping
// only what routes: HTTP, the rules, the backends and the default backend.
func translate(t *testing.T, ing *networkingv1.Ingress) v1alpha1.LoadBalancerSpec {
	t.Helper()
	spec := IngressSpec(t, ing)
	spec.Frontends = v1alpha1.Frontends{HTTP: true}
	spec.TLS = nil
	return spec
}

// IngressSpec translates one Ingress, in the namespace "conformance" and portico's class, as
// the controller does (its Services and Secrets taken to exist), into the spec of its load
// balancer, TLS included, failing the test on any problem.
func IngressSpec(t testing.TB, ing *networkingv1.Ingress) v1alpha1.LoadBalancerSpec {
	t.Helper()
	ing = ing.DeepCopy()
	ing.Namespace = "conformance"
	class := conformanceClass
	ing.Spec.IngressClassName = &class
	lookup := &model.Snapshot{
		IngressClasses: []networkingv1.IngressClass{{
			ObjectMeta: metav1.ObjectMeta{Name: conformanceClass},
			Spec:       networkingv1.IngressClassSpec{Controller: model.ControllerName},
		}},
		AssumeServicesExist: true,
		AssumeSecretsExist:  true,
	}
	c, ok := model.ClassOf(ing, lookup)
	if !ok {
		t.Fatalf("Ingress %s is not portico's", ing.Name)
	}
	res := model.Translate(model.KeyOf(ing, c, lookup), []*networkingv1.Ingress{ing}, lookup, model.Config{})
	for _, p := range res.Problems {
		t.Errorf("translating %s: %s", ing.Name, p)
	}
	return res.Spec
}

// backendServing returns the one backend of the spec that sends traffic to the Service.
func backendServing(t *testing.T, spec *v1alpha1.LoadBalancerSpec, service string) string {
	t.Helper()
	var found []string
	for _, b := range spec.Backends {
		if b.Service.Name == service {
			found = append(found, b.Name)
		}
	}
	if len(found) != 1 {
		t.Fatalf("the translated spec has %d backends of Service %q; the table needs one", len(found), service)
	}
	return found[0]
}
