package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/controllers"
	porticoscheme "github.com/portico-dev/portico/internal/scheme"
	"github.com/portico-dev/portico/internal/secrets"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

// controllerCache starts a cache with the controller's cache options, as the manager does.
func controllerCache(t *testing.T) cache.Cache {
	t.Helper()
	scheme, err := porticoscheme.New()
	if err != nil {
		t.Fatal(err)
	}
	opts := controllers.CacheOptions()
	opts.Scheme = scheme
	c, err := cache.New(env.Config, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		t.Fatal("the cache did not sync")
	}
	return c
}

// TestCachedSecretsHoldNoKey: the controller's cache keeps a TLS Secret's certificate and
// the hash of certificate and key, never the key, not even in kubectl's last-applied copy.
func TestCachedSecretsHoldNoKey(t *testing.T) {
	ns := newNamespace(t)
	cert, key := selfSigned(t, "shop.example.com")
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "shop-tls", Annotations: map[string]string{
			"kubectl.kubernetes.io/last-applied-configuration": `{"data":{"tls.key":"` + base64.StdEncoding.EncodeToString(key) + `"}}`,
		}},
		Type: corev1.SecretTypeTLS,
		Data: map[string][]byte{corev1.TLSCertKey: cert, corev1.TLSPrivateKeyKey: key},
	}
	if err := env.Client.Create(context.Background(), secret); err != nil {
		t.Fatal(err)
	}
	c := controllerCache(t)
	cached := &corev1.Secret{}
	if err := waitFor(t, "the Secret in the cache", func() bool {
		return c.Get(context.Background(), client.ObjectKeyFromObject(secret), cached) == nil
	}); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(cached)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Split(string(key), "\n")[1] // a line inside the PEM block
	for _, leak := range []string{"PRIVATE KEY", body, base64.StdEncoding.EncodeToString(key)[40:80]} {
		if strings.Contains(string(raw), leak) {
			t.Fatalf("the cached Secret holds key material %q: %s", leak, raw)
		}
	}
	if string(cached.Data[corev1.TLSPrivateKeyKey]) != string(secrets.KeyMarker) {
		t.Errorf("tls.key in the cache is %q, want the marker that says a key exists", cached.Data[corev1.TLSPrivateKeyKey])
	}
	if string(cached.Data[corev1.TLSCertKey]) != string(cert) || cached.Type != corev1.SecretTypeTLS {
		t.Error("the cache lost the certificate or the type")
	}
	if got, want := cached.Annotations[secrets.AnnotationHash], providers.CertificateHash(cert, key); got != want {
		t.Errorf("hash annotation %q, want %q", got, want)
	}
	if len(cached.ManagedFields) > 0 {
		t.Error("the cache keeps managedFields")
	}
}

// cloudCertificates returns the hashes of the certificates the fake cloud holds for a load
// balancer.
func cloudCertificates(lbName string) []string {
	var out []string
	for _, r := range env.Inventory(lbName) {
		if r.Kind == fake.KindSslCertificate {
			out = append(out, r.Spec.(fake.SslCertificateSpec).SHA256)
		}
	}
	return out
}

// TestCertificateUploadsAndRotatesWithoutACachedKey: with no key in the cache, the
// certificate still uploads with its real key (the cloud checks that the key matches), and
// a rotated Secret rotates the certificate in the cloud.
func TestCertificateUploadsAndRotatesWithoutACachedKey(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "front", 80, "10.0.1.1")
	cert, key := selfSigned(t, "shop.example.com")
	tlsSecret(t, ns, "shop-tls", cert, key)
	apply(t, ns, tlsIngress)
	lb, err := env.WaitProgrammed(timeout(t), ns, "web")
	if err != nil {
		t.Fatal(err)
	}
	first := providers.CertificateHash(cert, key)
	if got := cloudCertificates(lb.Name); !slices.Equal(got, []string{first}) {
		t.Fatalf("the cloud holds certificates %v, want %s", got, first)
	}

	cert2, key2 := selfSigned(t, "shop.example.com")
	tlsSecret(t, ns, "shop-tls", cert2, key2)
	second := providers.CertificateHash(cert2, key2)
	if err := waitFor(t, "the rotated certificate in the cloud", func() bool {
		return slices.Equal(cloudCertificates(lb.Name), []string{second})
	}); err != nil {
		t.Fatalf("%v: the cloud holds %v", err, cloudCertificates(lb.Name))
	}
}
