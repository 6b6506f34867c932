package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers/fake"
)

const groupMember = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: INGRESSNAME
  namespace: NAMESPACE
  annotations: {portico.dev/group: shop}
spec:
  rules:
  - host: shop.example.com
    http: {paths: [{path: PATH, pathType: Prefix, backend: {service: {name: SERVICE, port: {number: 80}}}}]}
`

func member(name, path, service string) string {
	return strings.NewReplacer("INGRESSNAME", name, "PATH", path, "SERVICE", service).Replace(groupMember)
}

func groupLB(ns string) string {
	return model.GroupKey{Kind: model.KeyKindGroup, Class: "portico", Namespace: ns, Name: "shop"}.LoadBalancerName()
}

// TestGroupWithAnInvalidMember: two valid members share one load balancer; the invalid one
// is left out with a Warning that names the field, and gets no address.
func TestGroupWithAnInvalidMember(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "blog", 80, "10.0.0.2")
	apply(t, ns, member("cart", "/cart", "cart"))
	apply(t, ns, member("blog", "/blog", "blog"))
	apply(t, ns, member("broken", `"/x;return 200"`, "cart"))

	for _, name := range []string{"cart", "blog"} {
		lb, err := env.WaitProgrammed(timeout(t), ns, name)
		if err != nil {
			t.Fatal(err)
		}
		if lb.Name != groupLB(ns) || len(lb.Spec.Members) != 2 {
			t.Fatalf("member %s: LoadBalancer %s with members %v, want %s with 2", name, lb.Name, lb.Spec.Members, groupLB(ns))
		}
	}
	broken := getIngress(t, ns, "broken")
	waitEvent(t, broken, model.ReasonInvalidPath, "spec.rules[0].http.paths[0].path")
	broken = getIngress(t, ns, "broken")
	if len(broken.Status.LoadBalancer.Ingress) != 0 || broken.Annotations[model.AnnotationLoadBalancer] != "" {
		t.Errorf("the invalid member got an address or a LoadBalancer: %+v %v", broken.Status, broken.Annotations)
	}
	um := urlMapOf(t, groupLB(ns))
	for _, path := range []string{"/cart", "/blog"} {
		if _, ok := fake.RouteURLMap(env.Cloud, um, "shop.example.com", path); !ok {
			t.Errorf("%s is not routed", path)
		}
	}
}

// TestGroupConflictOldestWins: two members claim the same host and path; the older keeps it
// and the newer gets a Warning naming the winner.
func TestGroupConflictOldestWins(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "v1", 80, "10.0.0.1")
	service(t, ns, "v2", 80, "10.0.0.2")
	apply(t, ns, member("old", "/api", "v1"))
	if _, err := env.WaitProgrammed(timeout(t), ns, "old"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // creationTimestamp has a resolution of one second
	apply(t, ns, member("new", "/api", "v2"))
	newer := getIngress(t, ns, "new")
	waitEvent(t, newer, model.ReasonRouteConflict, "Ingress "+ns+"/old, the oldest")
	lb, err := env.WaitProgrammed(timeout(t), ns, "new")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range lb.Spec.Rules {
		for _, p := range r.Paths {
			if p.Path == "/api" && p.Ingress != ns+"/old" {
				t.Errorf("/api belongs to %s, want the oldest %s/old", p.Ingress, ns)
			}
		}
	}
}
