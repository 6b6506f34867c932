package loadbalancer

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/secrets"
	"github.com/portico-dev/portico/providers"
)

// resolveCertificates reads the TLS Secrets of the spec from the cache, which holds each
// certificate and the hash of certificate and key, never the key (see internal/secrets). The
// key is read from the API server only when the provider uploads the certificate. A Secret
// that disappeared since the translation is left out; the provider then serves the
// certificates that remain.
func (r *Reconciler) resolveCertificates(ctx context.Context, spec *v1alpha1.LoadBalancerSpec) (map[string]providers.Certificate, error) {
	out := map[string]providers.Certificate{}
	for _, t := range spec.TLS {
		if t.SecretRef == nil {
			continue
		}
		key := client.ObjectKey{Namespace: t.SecretRef.Namespace, Name: t.SecretRef.Name}
		secret := &corev1.Secret{}
		err := r.Client.Get(ctx, key, secret)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading Secret %s: %w", key, err)
		}
		hash := secrets.HashOf(secret)
		out[key.String()] = providers.Certificate{
			CertPEM: secret.Data[corev1.TLSCertKey],
			Hash:    hash,
			Key:     r.keyLoader(key, hash),
		}
	}
	return out, nil
}

// keyLoader reads the private key of a Secret from the API server, bypassing the cache. It
// refuses a key that no longer goes with the certificate the provider was given (the Secret
// was rotated in between): the rotation reaches the controller as an event, and the next
// reconcile uploads the new pair.
func (r *Reconciler) keyLoader(key client.ObjectKey, hash string) providers.KeyLoader {
	return func(ctx context.Context) ([]byte, error) {
		secret := &corev1.Secret{}
		if err := r.apiReader().Get(ctx, key, secret); err != nil {
			return nil, fmt.Errorf("reading the key of Secret %s: %w", key, err)
		}
		cert, pem := secret.Data[corev1.TLSCertKey], secret.Data[corev1.TLSPrivateKeyKey]
		if providers.CertificateHash(cert, pem) != hash {
			return nil, fmt.Errorf("the Secret %s changed since it was read; retried with the new certificate", key)
		}
		return pem, nil
	}
}

// apiReader reads from the API server; without one (tests that give only a direct client)
// the client is the API server.
func (r *Reconciler) apiReader() client.Reader {
	if r.APIReader != nil {
		return r.APIReader
	}
	return r.Client
}
