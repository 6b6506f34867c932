package loadbalancer

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/go-logr/logr/funcr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/internal/secrets"
	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

// strippingCache reads as the manager's cache does: every Secret through secrets.Strip.
type strippingCache struct{ client.Client }

func (c strippingCache) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	if err := c.Client.Get(ctx, key, obj, opts...); err != nil {
		return err
	}
	if s, ok := obj.(*corev1.Secret); ok {
		stripped, _ := secrets.Strip(s.DeepCopy())
		*s = *stripped.(*corev1.Secret)
	}
	return nil
}

func (f *fixture) tlsSecret(name string) (cert, key []byte) {
	f.t.Helper()
	cert, key, err := testcert.SelfSigned("shop.example.com")
	if err != nil {
		f.t.Fatal(err)
	}
	f.putSecret(name, cert, key)
	return cert, key
}

func (f *fixture) putSecret(name string, cert, key []byte) {
	f.t.Helper()
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: name}}
	err := apiServer.Get(f.ctx, client.ObjectKeyFromObject(s), s)
	s.Type = corev1.SecretTypeTLS
	s.Data = map[string][]byte{corev1.TLSCertKey: cert, corev1.TLSPrivateKeyKey: key}
	if err == nil {
		err = apiServer.Update(f.ctx, s)
	} else {
		err = apiServer.Create(f.ctx, s)
	}
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) certificateHashes() []string {
	var out []string
	for _, r := range f.cloud.Inventory() {
		if r.Kind == fake.KindSslCertificate {
			out = append(out, r.Spec.(fake.SslCertificateSpec).SHA256)
		}
	}
	return out
}

// TestCertificateUploadsWithTheKeyFromTheAPIServer: the cache holds no key, yet the
// certificate uploads (the provider calls the loader, which reads the API server); a rotated
// key changes the hash and rotates the certificate in the cloud.
func TestCertificateUploadsWithTheKeyFromTheAPIServer(t *testing.T) {
	f := newFixture(t)
	f.r.Client, f.r.APIReader = strippingCache{apiServer}, apiServer
	cert, key := f.tlsSecret("shop-tls")
	name := f.loadBalancer("web").tls("shop-tls").create(f)
	f.reconcile(name)
	if c := f.programmed(name); c.Status != "True" {
		t.Fatalf("Programmed %+v", c)
	}
	first := providers.CertificateHash(cert, key)
	if got := f.certificateHashes(); len(got) != 1 || got[0] != first {
		t.Fatalf("certificates in the cloud %v, want the one of hash %s", got, first)
	}

	cert2, key2, err := testcert.SelfSigned("shop.example.com")
	if err != nil {
		t.Fatal(err)
	}
	f.putSecret("shop-tls", cert2, key2)
	f.reconcile(name)
	second := providers.CertificateHash(cert2, key2)
	if got := f.certificateHashes(); len(got) != 1 || got[0] != second {
		t.Fatalf("after the rotation the cloud holds %v, want only the new certificate %s", got, second)
	}
}

// TestKeyLoaderRefusesAKeyRotatedSinceTheRead: a key read after the Secret changed does
// not go with the certificate the provider holds, and is refused rather than uploaded.
func TestKeyLoaderRefusesAKeyRotatedSinceTheRead(t *testing.T) {
	f := newFixture(t)
	f.r.Client, f.r.APIReader = strippingCache{apiServer}, apiServer
	f.tlsSecret("shop-tls")
	spec := &f.loadBalancer("web").tls("shop-tls").lb.Spec
	certs, err := f.r.resolveCertificates(f.ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	f.tlsSecret("shop-tls") // rotated in between
	if _, err := certs[f.ns+"/shop-tls"].Key(f.ctx); err == nil {
		t.Error("the loader returned a key that does not go with the certificate it was read with")
	}
}

// TestCertificatePrintsNoKey: however a resolved certificate is printed or logged, its key
// does not show.
func TestCertificatePrintsNoKey(t *testing.T) {
	f := newFixture(t)
	f.r.Client, f.r.APIReader = strippingCache{apiServer}, apiServer
	_, key := f.tlsSecret("shop-tls")
	spec := &f.loadBalancer("web").tls("shop-tls").lb.Spec
	certs, err := f.r.resolveCertificates(f.ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	c := certs[f.ns+"/shop-tls"]
	loaded, err := c.Key(f.ctx)
	if err != nil || !bytes.Equal(loaded, key) {
		t.Fatalf("the loader read %d bytes (%v), want the Secret's key", len(loaded), err)
	}
	withStatic := providers.Certificate{CertPEM: c.CertPEM, Hash: c.Hash, Key: providers.StaticKey(key)}
	var printed []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		printed = append(printed, fmt.Sprintf(verb, c), fmt.Sprintf(verb, withStatic), fmt.Sprintf(verb, certs),
			fmt.Sprintf(verb, &providers.Desired{Certificates: map[string]providers.Certificate{"a": withStatic}}))
	}
	var logged strings.Builder
	log := funcr.New(func(prefix, args string) { logged.WriteString(prefix + args + "\n") }, funcr.Options{})
	log.Info("Resolved", "certificate", withStatic, "certificates", certs)
	printed = append(printed, logged.String())
	body := string(key[40:80]) // inside the PEM block
	for _, p := range printed {
		if strings.Contains(p, "PRIVATE KEY") || strings.Contains(p, body) {
			t.Errorf("a print shows the key: %s", p)
		}
	}
	if !strings.Contains(logged.String(), c.Hash) {
		t.Errorf("the log does not even show the hash: %s", logged.String())
	}
}
