package ingress

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
)

// cacheLookup implements model.Lookup over the informer cache. The cache holds only Secrets
// of type kubernetes.io/tls, so a Secret it lacks is looked up once in the API server by its
// metadata, to tell "does not exist" from "is not a TLS Secret".
type cacheLookup struct {
	ctx    context.Context
	cache  client.Reader
	api    client.Reader
	errors []error
}

var _ model.Lookup = (*cacheLookup)(nil)

func newLookup(ctx context.Context, cache, api client.Reader) *cacheLookup {
	return &cacheLookup{ctx: ctx, cache: cache, api: api}
}

// NewLookup returns a model.Lookup that reads through c, as the reconciler does, for tools
// and tests that translate what is in a cluster; Err reports the first read that failed.
func NewLookup(ctx context.Context, c client.Reader) interface {
	model.Lookup
	Err() error
} {
	return newLookup(ctx, c, c)
}

// Err returns the first read that failed, other than not-found.
func (l *cacheLookup) Err() error {
	if len(l.errors) == 0 {
		return nil
	}
	return l.errors[0]
}

func (l *cacheLookup) fail(err error) {
	if err != nil && !apierrors.IsNotFound(err) {
		l.errors = append(l.errors, err)
	}
}

func (l *cacheLookup) IngressClass(name string) *networkingv1.IngressClass {
	ic := &networkingv1.IngressClass{}
	if err := l.cache.Get(l.ctx, client.ObjectKey{Name: name}, ic); err != nil {
		l.fail(err)
		return nil
	}
	return ic
}

func (l *cacheLookup) DefaultIngressClasses() []*networkingv1.IngressClass {
	list := &networkingv1.IngressClassList{}
	if err := l.cache.List(l.ctx, list); err != nil {
		l.fail(err)
		return nil
	}
	var out []*networkingv1.IngressClass
	for i := range list.Items {
		if model.IsDefaultClass(&list.Items[i]) {
			out = append(out, &list.Items[i])
		}
	}
	return out
}

func (l *cacheLookup) IngressClassParams(name string) *v1alpha1.IngressClassParams {
	p := &v1alpha1.IngressClassParams{}
	if err := l.cache.Get(l.ctx, client.ObjectKey{Name: name}, p); err != nil {
		l.fail(err)
		return nil
	}
	return p
}

func (l *cacheLookup) Service(namespace, name string) (*corev1.Service, bool) {
	svc := &corev1.Service{}
	if err := l.cache.Get(l.ctx, client.ObjectKey{Namespace: namespace, Name: name}, svc); err != nil {
		l.fail(err)
		return nil, true
	}
	return svc, true
}

func (l *cacheLookup) Secret(namespace, name string) (*corev1.Secret, bool) {
	secret := &corev1.Secret{}
	err := l.cache.Get(l.ctx, client.ObjectKey{Namespace: namespace, Name: name}, secret)
	if err == nil {
		return secret, true
	}
	if !apierrors.IsNotFound(err) {
		l.fail(err)
		return nil, true
	}
	// Not a TLS Secret, or no Secret at all: the cache holds only TLS Secrets, so ask the API
	// server once, to tell the user which. Only its type and key names reach the model.
	direct := &corev1.Secret{}
	if err := l.api.Get(l.ctx, client.ObjectKey{Namespace: namespace, Name: name}, direct); err != nil {
		l.fail(err)
		return nil, true
	}
	return direct, true
}

func (l *cacheLookup) NamespaceLabels(namespace string) map[string]string {
	ns := &metav1.PartialObjectMetadata{}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := l.cache.Get(l.ctx, client.ObjectKey{Name: namespace}, ns); err != nil {
		l.fail(err)
		return nil
	}
	return ns.Labels
}
