package gcp

import (
	"context"
	"path"
	"strconv"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/testenv"
)

const webIngress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: NAMESPACE}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
      - {path: /, pathType: Prefix, backend: {service: {name: front, port: {name: http}}}}
`

// kindOf maps a compute collection, as gcptest's inventory names it, to the provider's kind.
var kindOf = map[string]string{
	"addresses": gcp.KindAddress, "healthChecks": gcp.KindHealthCheck, "networkEndpointGroups": gcp.KindNetworkEndpointGroup,
	"backendServices": gcp.KindBackendService, "urlMaps": gcp.KindURLMap, "sslCertificates": gcp.KindSslCertificate, "sslPolicies": gcp.KindSslPolicy,
	"targetHttpProxies": gcp.KindTargetHTTPProxy, "targetHttpsProxies": gcp.KindTargetHTTPSProxy, "forwardingRules": gcp.KindForwardingRule,
	"firewalls": gcp.KindFirewall, "instanceGroups": gcp.KindInstanceGroup,
}

// gceResource is what Google says of one resource.
type gceResource struct{ id, selfLink string }

// inventory is what gcptest holds, by "Kind/name".
func inventory(t *testing.T) map[string]gceResource {
	t.Helper()
	out := map[string]gceResource{}
	for _, path := range srv.Inventory() {
		parts := strings.Split(path, "/") // projects/P/{global|zones/Z}/COLLECTION/NAME
		m, ok := srv.Resource(path)
		if !ok {
			t.Fatalf("gcptest lists %s but cannot read it", path)
		}
		var res gceResource
		if r, ok := m.(interface {
			GetId() uint64
			GetSelfLink() string
		}); ok {
			res = gceResource{id: strconv.FormatUint(r.GetId(), 10), selfLink: r.GetSelfLink()}
		}
		out[kindOf[parts[len(parts)-2]]+"/"+parts[len(parts)-1]] = res
	}
	return out
}

// TestIngressLifecycleOnGCP: an Ingress of the gcp class gets a global external Application
// Load Balancer in gcptest through the real SDK: its address in the Ingress status, every
// GCE resource in the LoadBalancer status and in Events, requests routed by the URL map to
// the right backend service; deleting the Ingress deletes every GCE resource.
func TestIngressLifecycleOnGCP(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", "10.0.0.1", "10.0.0.2")
	service(t, ns, "front", "10.0.1.1")
	if err := env.ApplyYAML(context.Background(), strings.ReplaceAll(webIngress, "NAMESPACE", ns)); err != nil {
		t.Fatal(err)
	}
	lb, err := env.WaitProgrammed(timeout(t), ns, "web")
	if err != nil {
		t.Fatal(err)
	}
	if lb.Spec.Provider != v1alpha1.ProviderGCP || lb.Name != lbNameOf(ns, "web") {
		t.Fatalf("LoadBalancer %s of provider %q, want %s of gcp", lb.Name, lb.Spec.Provider, lbNameOf(ns, "web"))
	}
	ing := getIngress(t, ns, "web")
	if addr := ing.Status.LoadBalancer.Ingress; len(addr) != 1 || addr[0].IP == "" || addr[0].IP != lb.Status.Address {
		t.Fatalf("Ingress address %+v, LoadBalancer address %q", addr, lb.Status.Address)
	}
	if c := meta.FindStatusCondition(lb.Status.Conditions, v1alpha1.ConditionProgrammed); c == nil || c.Status != "True" {
		t.Fatalf("the LoadBalancer is not Programmed: %+v", lb.Status.Conditions)
	}
	checkStatusIsInventory(t, lb)
	for _, r := range lb.Status.Resources {
		waitEvent(t, lb, "ResourceCreated", r.Kind+" "+r.Name)
		waitEvent(t, ing, "ResourceCreated", r.Kind+" "+r.Name)
	}
	checkRoutes(t, lb)

	if err := env.Client.Delete(context.Background(), ing); err != nil {
		t.Fatal(err)
	}
	err = testenv.WaitFor(timeout(t), "the LoadBalancer and its GCE resources to be deleted", func(ctx context.Context) (bool, error) {
		err := env.Client.Get(ctx, client.ObjectKeyFromObject(lb), &v1alpha1.LoadBalancer{})
		return apierrors.IsNotFound(err) && len(srv.Inventory()) == 0, err
	})
	if err != nil {
		t.Fatalf("%v; gcptest still holds %v", err, srv.Inventory())
	}
}

// checkStatusIsInventory checks that the status lists exactly what gcptest holds (this test
// is the only user of the emulator), each resource with Google's id and self-link.
func checkStatusIsInventory(t *testing.T, lb *v1alpha1.LoadBalancer) {
	t.Helper()
	have := inventory(t)
	if len(lb.Status.Resources) != len(have) || int(lb.Status.ResourceCount) != len(have) {
		t.Errorf("the status lists %d resources (count %d), gcptest holds %d: %v", len(lb.Status.Resources), lb.Status.ResourceCount, len(have), have)
	}
	kinds := map[string]int{}
	for _, r := range lb.Status.Resources {
		kinds[r.Kind]++
		gce, ok := have[r.Kind+"/"+r.Name]
		if !ok || r.ID == "" || r.ID != gce.id || r.Link == "" || r.Link != gce.selfLink {
			t.Errorf("status resource %+v: gcptest has %+v (exists: %v)", r, gce, ok)
		}
		// A group's fingerprint (its size and a hash of its endpoints) survives the API
		// server, for the provider of a restarted controller to trust.
		if r.Kind == gcp.KindNetworkEndpointGroup {
			zone := path.Base(path.Dir(path.Dir(r.Link)))
			if n := len(srv.Endpoints(zone, r.Name)); !strings.HasPrefix(r.Fingerprint, strconv.Itoa(n)+":") {
				t.Errorf("group %s in zone %s holds %d endpoints, its fingerprint in the status is %q", r.Name, zone, n, r.Fingerprint)
			}
		} else if r.Fingerprint != "" {
			t.Errorf("status resource %+v has a fingerprint", r)
		}
	}
	for kind, n := range map[string]int{gcp.KindAddress: 1, gcp.KindHealthCheck: 2, gcp.KindNetworkEndpointGroup: 2,
		gcp.KindBackendService: 2, gcp.KindURLMap: 1, gcp.KindTargetHTTPProxy: 1, gcp.KindForwardingRule: 1} {
		if kinds[kind] != n {
			t.Errorf("%d %s in the status, want %d (all: %v)", kinds[kind], kind, n, kinds)
		}
	}
}

// checkRoutes asks gcptest where requests go over the URL map the provider made: each
// reaches the backend service of the Kubernetes Service the Ingress names.
func checkRoutes(t *testing.T, lb *v1alpha1.LoadBalancer) {
	t.Helper()
	namer := providers.Namer{ClusterID: clusterID, MaxLength: 63}
	serviceOf := map[string]string{} // backend service name → Kubernetes Service
	for _, b := range lb.Spec.Backends {
		serviceOf[namer.Name("bs", lb.Name, b.Name)] = b.Service.Name
	}
	urlMap := ""
	for _, r := range lb.Status.Resources {
		if r.Kind == gcp.KindURLMap {
			urlMap = r.Name
		}
	}
	for _, tc := range []struct{ host, path, want string }{
		{"shop.example.com", "/cart", "cart"},
		{"shop.example.com", "/cart/items/1", "cart"},
		{"shop.example.com", "/cartoon", "front"},
		{"shop.example.com", "/", "front"},
	} {
		bs, ok := srv.Route(urlMap, tc.host, tc.path)
		if !ok || serviceOf[bs] != tc.want {
			t.Errorf("http://%s%s reaches backend service %q (Service %q, ok %v), want Service %s",
				tc.host, tc.path, bs, serviceOf[bs], ok, tc.want)
		}
	}
}
