package nginx

import (
	"context"
	"net/http"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/testenv"
)

// An Ingress of provider nginx is served end to end: curl through nginx reaches its Service's
// pod, and the LoadBalancer's address is the published Service's.
func TestIngressIsServedThroughNginx(t *testing.T) {
	ns := newNamespace(t)
	backend(t, ns, "web")
	ingress(ns, "shop").prefix("shop.example.com", "/", "web").create(t)
	lb, err := env.WaitProgrammed(timeout(t), ns, "shop")
	if err != nil {
		t.Fatal(err)
	}
	waitServed(t, "shop.example.com", "/cart", ns, "web")
	svc := published(t)
	if lb.Status.Address != svc.Spec.ClusterIP || lb.Status.Address == "" {
		t.Errorf("the LoadBalancer's address is %q, want the published Service's cluster IP %q", lb.Status.Address, svc.Spec.ClusterIP)
	}
	if lb.Status.Location != "cluster" {
		t.Errorf("location %q, want cluster", lb.Status.Location)
	}
	req, _ := http.NewRequest(http.MethodGet, "/readyz", nil)
	if err := provider.Check(req); err != nil {
		t.Errorf("the readiness check fails while nginx serves: %v", err)
	}
}

// The address follows the published Service: its load-balancer IP, once it has one.
func TestAddressFollowsThePublishedService(t *testing.T) {
	ns := newNamespace(t)
	backend(t, ns, "web")
	ingress(ns, "shop").prefix("published.example.com", "/", "web").create(t)
	if _, err := env.WaitProgrammed(timeout(t), ns, "shop"); err != nil {
		t.Fatal(err)
	}
	svc := published(t)
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "203.0.113.7"}}
	if err := env.Client.Status().Update(context.Background(), svc); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Status.LoadBalancer.Ingress = nil
		_ = env.Client.Status().Update(context.Background(), svc)
	})
	name := lbNameOf(ns, "shop")
	err := testenv.WaitFor(timeout(t), "the LoadBalancer's address to be the Service's load-balancer IP", func(ctx context.Context) (bool, error) {
		lb := &v1alpha1.LoadBalancer{}
		if err := env.Client.Get(ctx, client.ObjectKey{Name: name}, lb); err != nil {
			return false, err
		}
		return lb.Status.Address == "203.0.113.7", nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A host two LoadBalancers claim goes to the older; the other says who won, and takes the
// host over once the older is gone.
func TestContestedHostGoesToTheOldest(t *testing.T) {
	ns := newNamespace(t)
	backend(t, ns, "first")
	backend(t, ns, "second")
	first := ingress(ns, "first").prefix("contested.example.com", "/", "first").create(t)
	if _, err := env.WaitProgrammed(timeout(t), ns, "first"); err != nil {
		t.Fatal(err)
	}
	ingress(ns, "second").prefix("contested.example.com", "/", "second").create(t)
	lb, err := env.WaitCondition(timeout(t), lbNameOf(ns, "second"), v1alpha1.ConditionClaimed, "False", v1alpha1.ReasonClaimedByOlder)
	if err != nil {
		t.Fatal(err)
	}
	waitServed(t, "contested.example.com", "/", ns, "first")
	if msg := conditionMessage(lb, v1alpha1.ConditionClaimed); !contains(msg, lbNameOf(ns, "first")) {
		t.Errorf("the Claimed condition does not name the winner: %q", msg)
	}
	waitEventNaming(t, lb, "ClaimRefused", lbNameOf(ns, "first"))
	if !slices.ContainsFunc(lb.Status.Resources, func(r v1alpha1.CloudResource) bool {
		return r.Kind == nginxfallback.KindServer && r.Name == "contested.example.com" && r.State == "ServedBy "+lbNameOf(ns, "first")
	}) {
		t.Errorf("the loser's resources do not say who serves the host: %+v", lb.Status.Resources)
	}

	if err := env.Client.Delete(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	waitServed(t, "contested.example.com", "/", ns, "second")
	if _, err := env.WaitCondition(timeout(t), lbNameOf(ns, "second"), v1alpha1.ConditionClaimed, "True", v1alpha1.ReasonClaimed); err != nil {
		t.Fatal(err)
	}
}

// A request no LoadBalancer claims gets a 404; a LoadBalancer's default backend answers its
// own unmatched requests, and, holding the catch-all, the requests nobody claims.
func TestDefaultBackendAndUnclaimedRequests(t *testing.T) {
	ns := newNamespace(t)
	if code, _ := get("nobody.example.com", "/"); code != http.StatusNotFound {
		t.Fatalf("an unclaimed host got %d, want 404", code)
	}
	backend(t, ns, "app")
	backend(t, ns, "fallback")
	ing := ingress(ns, "own").prefix("own.example.com", "/app", "app").defaultBackend("fallback").create(t)
	if _, err := env.WaitProgrammed(timeout(t), ns, "own"); err != nil {
		t.Fatal(err)
	}
	waitServed(t, "own.example.com", "/app/x", ns, "app")
	waitServed(t, "own.example.com", "/other", ns, "fallback")
	waitServed(t, "nobody.example.com", "/", ns, "fallback")
	if err := env.Client.Delete(context.Background(), ing); err != nil {
		t.Fatal(err)
	}
	waitServed(t, "nobody.example.com", "/", ns, "")
	waitServed(t, "own.example.com", "/app/x", ns, "")
}

// The catch-all is a claim too: the older LoadBalancer's default backend answers the requests
// nobody claims, while the younger's still answers its own host's unmatched requests.
func TestContestedCatchAllGoesToTheOldest(t *testing.T) {
	ns := newNamespace(t)
	for _, svc := range []string{"first-default", "second-default", "second-app"} {
		backend(t, ns, svc)
	}
	first := ingress(ns, "first").defaultBackend("first-default").create(t)
	if _, err := env.WaitProgrammed(timeout(t), ns, "first"); err != nil {
		t.Fatal(err)
	}
	second := ingress(ns, "second").prefix("second.example.com", "/app", "second-app").defaultBackend("second-default").create(t)
	lb, err := env.WaitCondition(timeout(t), lbNameOf(ns, "second"), v1alpha1.ConditionClaimed, "False", v1alpha1.ReasonClaimedByOlder)
	if err != nil {
		t.Fatal(err)
	}
	if msg := conditionMessage(lb, v1alpha1.ConditionClaimed); !contains(msg, "catch-all") || !contains(msg, lbNameOf(ns, "first")) {
		t.Errorf("the Claimed condition does not name the catch-all and its winner: %q", msg)
	}
	waitServed(t, "second.example.com", "/app", ns, "second-app")
	waitServed(t, "second.example.com", "/other", ns, "second-default")
	waitServed(t, "nobody.example.com", "/", ns, "first-default")
	for _, ing := range []client.Object{first, second} {
		if err := env.Client.Delete(context.Background(), ing); err != nil {
			t.Fatal(err)
		}
	}
	waitServed(t, "nobody.example.com", "/", ns, "")
}
