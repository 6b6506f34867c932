// Package secrets keeps private keys out of the controller's cache. The cache holds every
// kubernetes.io/tls Secret of the cluster; Strip, its transform, keeps of each only what the
// controllers decide with (type, metadata, certificate) and replaces the private key with a
// marker and a hash, so that a heap dump or a debug endpoint shows no key. The key is read
// from the API server only when a provider uploads a certificate.
package secrets

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/portico-dev/portico/providers"
)

// AnnotationHash on a cached Secret holds providers.CertificateHash of its real certificate
// and key: a rotated key changes it, and so reaches the load balancer.
const AnnotationHash = "portico.dev/tls-hash"

// KeyMarker stands in the cache for a private key that the Secret has. It is not secret: it
// only tells the model that a key is present.
var KeyMarker = []byte("portico.dev: the key stays in the API server")

// lastApplied is kubectl's copy of the whole object, key included.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// Strip is a cache transform (cache.TransformFunc): it returns a Secret with the type, the
// metadata (without managedFields and kubectl's last-applied copy) and tls.crt of obj,
// KeyMarker for tls.key when obj has a key, and AnnotationHash. Other objects pass unchanged.
// It is idempotent, as client-go asks of a transform: an informer may hand it an object it
// already transformed, whose hash must then stay that of the real key.
func Strip(obj any) (any, error) {
	in, ok := obj.(*corev1.Secret)
	if !ok || (in.Annotations[AnnotationHash] != "" && Stripped(in)) {
		return obj, nil
	}
	out := &corev1.Secret{TypeMeta: in.TypeMeta, Type: in.Type}
	in.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	out.ManagedFields = nil
	annotations := map[string]string{}
	for k, v := range in.Annotations {
		if k != lastApplied {
			annotations[k] = v
		}
	}
	cert, key := in.Data[corev1.TLSCertKey], in.Data[corev1.TLSPrivateKeyKey]
	annotations[AnnotationHash] = providers.CertificateHash(cert, key)
	out.Annotations = annotations
	out.Data = map[string][]byte{}
	if cert != nil {
		out.Data[corev1.TLSCertKey] = cert
	}
	if len(key) > 0 {
		out.Data[corev1.TLSPrivateKeyKey] = KeyMarker
	}
	return out, nil
}

// HashOf returns the hash of a Secret's certificate and key: the annotation Strip wrote, or,
// for a Secret read whole (from the API server), the hash of its data.
func HashOf(s *corev1.Secret) string {
	if h := s.Annotations[AnnotationHash]; h != "" && Stripped(s) {
		return h
	}
	return providers.CertificateHash(s.Data[corev1.TLSCertKey], s.Data[corev1.TLSPrivateKeyKey])
}

// Stripped reports whether s went through Strip and had a key: its key is the marker. A
// Secret without a key is hashed from its data, which Strip keeps whole.
func Stripped(s *corev1.Secret) bool {
	return string(s.Data[corev1.TLSPrivateKeyKey]) == string(KeyMarker)
}
