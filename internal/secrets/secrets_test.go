package secrets

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/providers"
)

func tlsSecret(cert, key string) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "tls", Labels: map[string]string{"app": "shop"},
			Annotations:   map[string]string{lastApplied: `{"data":{"tls.key":"` + key + `"}}`, "team": "shop"},
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl"}}},
		Type: corev1.SecretTypeTLS,
		Data: map[string][]byte{corev1.TLSCertKey: []byte(cert), corev1.TLSPrivateKeyKey: []byte(key), "extra": []byte(key)},
	}
}

// TestStripKeepsNoKey: what the cache keeps of a Secret has its certificate, type, labels
// and annotations, a marker for the key, the hash of the real pair, and no key anywhere.
func TestStripKeepsNoKey(t *testing.T) {
	in := tlsSecret("CERT", "SECRET-KEY")
	out, err := Strip(in)
	if err != nil {
		t.Fatal(err)
	}
	s := out.(*corev1.Secret)
	if strings.Contains(s.String(), "SECRET-KEY") {
		t.Errorf("the stripped Secret holds the key: %s", s.String())
	}
	if string(s.Data[corev1.TLSPrivateKeyKey]) != string(KeyMarker) || string(s.Data[corev1.TLSCertKey]) != "CERT" || len(s.Data) != 2 {
		t.Errorf("data %q", s.Data)
	}
	if s.Annotations[AnnotationHash] != providers.CertificateHash([]byte("CERT"), []byte("SECRET-KEY")) || s.Annotations["team"] != "shop" || s.Labels["app"] != "shop" {
		t.Errorf("metadata %+v", s.ObjectMeta)
	}
	if s.Type != corev1.SecretTypeTLS || len(s.ManagedFields) != 0 {
		t.Errorf("type %s, managedFields %v", s.Type, s.ManagedFields)
	}
	if HashOf(s) != providers.CertificateHash([]byte("CERT"), []byte("SECRET-KEY")) {
		t.Error("HashOf a stripped Secret is not the hash of its real pair")
	}
}

// TestStripIsIdempotent: an informer may transform an object twice; the second pass must
// not hash the marker in place of the key.
func TestStripIsIdempotent(t *testing.T) {
	once, _ := Strip(tlsSecret("CERT", "SECRET-KEY"))
	twice, _ := Strip(once)
	if got, want := twice.(*corev1.Secret).Annotations[AnnotationHash], providers.CertificateHash([]byte("CERT"), []byte("SECRET-KEY")); got != want {
		t.Errorf("after a second pass the hash is %s, want %s", got, want)
	}
}

// TestHashOfAWholeSecret: a Secret read from the API server, with its key, is hashed from
// its data, whatever annotation it carries.
func TestHashOfAWholeSecret(t *testing.T) {
	s := tlsSecret("CERT", "KEY")
	s.Annotations[AnnotationHash] = "forged"
	if HashOf(s) != providers.CertificateHash([]byte("CERT"), []byte("KEY")) {
		t.Error("HashOf trusted the annotation of a Secret that holds its key")
	}
}
