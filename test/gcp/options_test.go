package gcp

import (
	"context"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/testenv"
)

const secureIngress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: secure
  namespace: NAMESPACE
  annotations: {portico.dev/backend-protocol: HTTPS, portico.dev/min-tls-version: "1.2"}
spec:
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: front, port: {number: 80}}}}]}
`

// An Ingress's backend protocol and minimum TLS version reach Google through the
// controller: an HTTPS backend service probed over HTTPS and described with its Service,
// and an SSL policy on the HTTPS proxy; deleting the Ingress deletes them all.
func TestBackendProtocolAndMinTLSVersionOnGCP(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "front", "10.0.2.1")
	tlsSecret(t, ns, "shop-tls", "shop.example.com")
	if err := env.ApplyYAML(context.Background(), strings.ReplaceAll(secureIngress, "NAMESPACE", ns)); err != nil {
		t.Fatal(err)
	}
	lb, err := env.WaitProgrammed(timeout(t), ns, "secure")
	if err != nil {
		t.Fatal(err)
	}
	namer := providers.Namer{ClusterID: clusterID, MaxLength: 63}
	be := lb.Spec.Backends[0]
	bs := mustResource[*computepb.BackendService](t, "global/backendServices/"+namer.Name("bs", lb.Name, be.Name))
	hc := mustResource[*computepb.HealthCheck](t, "global/healthChecks/"+namer.Name("hc", lb.Name, be.Name))
	if bs.GetProtocol() != "HTTPS" || hc.GetType() != "HTTPS" {
		t.Errorf("backend service %s with a %s health check, want HTTPS for both", bs.GetProtocol(), hc.GetType())
	}
	if !strings.Contains(bs.GetDescription(), `"portico.dev/service":"`+ns+`/front:80"`) {
		t.Errorf("the backend service's description %s does not name %s/front:80", bs.GetDescription(), ns)
	}
	proxy := mustResource[*computepb.TargetHttpsProxy](t, "global/targetHttpsProxies/"+namer.Name("sp", lb.Name))
	policy := mustResource[*computepb.SslPolicy](t, proxy.GetSslPolicy())
	if policy.GetMinTlsVersion() != "TLS_1_2" {
		t.Errorf("the proxy's SSL policy takes %s, want TLS_1_2", policy.GetMinTlsVersion())
	}

	if err := env.Client.Delete(context.Background(), getIngress(t, ns, "secure")); err != nil {
		t.Fatal(err)
	}
	err = testenv.WaitFor(timeout(t), "the GCE resources to be deleted", func(ctx context.Context) (bool, error) {
		err := env.Client.Get(ctx, client.ObjectKeyFromObject(lb), &v1alpha1.LoadBalancer{})
		return apierrors.IsNotFound(err) && len(srv.Inventory()) == 0, nil
	})
	if err != nil {
		t.Fatalf("%v; gcptest still holds %v", err, srv.Inventory())
	}
}

// mustResource reads a resource of the emulator's project by its path after the project.
func mustResource[T any](t *testing.T, path string) T {
	t.Helper()
	if !strings.Contains(path, "projects/") {
		path = "projects/" + project + "/" + path
	}
	m, ok := srv.Resource(path)
	r, isT := m.(T)
	if !ok || !isT {
		t.Fatalf("gcptest holds no %T at %s: %v", r, path, srv.Inventory())
	}
	return r
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
