package loadbalancer

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// desiredOf gathers everything the provider needs: the spec, the class parameters, the
// targets of every backend and the contents of every TLS Secret.
func (r *Reconciler) desiredOf(ctx context.Context, lb *v1alpha1.LoadBalancer) (*providers.Desired, error) {
	targets, err := r.resolveTargets(ctx, &lb.Spec)
	if err != nil {
		return nil, err
	}
	certs, err := r.resolveCertificates(ctx, &lb.Spec)
	if err != nil {
		return nil, err
	}
	want := &providers.Desired{
		Ref:          providers.Ref{Name: lb.Name},
		Spec:         *lb.Spec.DeepCopy(),
		Targets:      targets,
		Certificates: certs,
	}
	if lb.Spec.ParametersRef != "" {
		params := &v1alpha1.IngressClassParams{}
		err := r.Client.Get(ctx, client.ObjectKey{Name: lb.Spec.ParametersRef}, params)
		switch {
		case err == nil:
			want.Params = params.Spec.DeepCopy()
		case !apierrors.IsNotFound(err):
			return nil, fmt.Errorf("reading IngressClassParams %s: %w", lb.Spec.ParametersRef, err)
		}
	}
	return want, nil
}

// resolveCertificates reads the TLS Secrets of the spec. A Secret that disappeared since the
// translation is left out; the provider then serves the certificates that remain.
func (r *Reconciler) resolveCertificates(ctx context.Context, spec *v1alpha1.LoadBalancerSpec) (map[string]providers.Certificate, error) {
	out := map[string]providers.Certificate{}
	for _, t := range spec.TLS {
		if t.SecretRef == nil {
			continue
		}
		secret := &corev1.Secret{}
		err := r.Client.Get(ctx, client.ObjectKey{Namespace: t.SecretRef.Namespace, Name: t.SecretRef.Name}, secret)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading Secret %s/%s: %w", t.SecretRef.Namespace, t.SecretRef.Name, err)
		}
		cert, key := secret.Data[corev1.TLSCertKey], secret.Data[corev1.TLSPrivateKeyKey]
		out[t.SecretRef.Namespace+"/"+t.SecretRef.Name] = providers.Certificate{
			CertPEM: cert, Key: providers.StaticKey(key), Hash: providers.CertificateHash(cert, key),
		}
	}
	return out, nil
}
