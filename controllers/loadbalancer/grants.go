package loadbalancer

import (
	"context"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// grantedTo reads the labels of every member namespace from the cache and returns what the
// class parameters grant to all of them.
func (r *Reconciler) grantedTo(ctx context.Context, params *v1alpha1.IngressClassParamsSpec, members []v1alpha1.IngressRef) (providers.Granted, error) {
	if params == nil || len(params.Grants) == 0 || len(members) == 0 {
		return providers.Granted{}, nil
	}
	nsLabels := map[string]labels.Set{}
	for _, m := range members {
		if _, done := nsLabels[m.Namespace]; done {
			continue
		}
		// Metadata only, as the ingress controller watches namespaces: one informer for both.
		ns := &metav1.PartialObjectMetadata{}
		ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
		err := r.Client.Get(ctx, client.ObjectKey{Name: m.Namespace}, ns)
		if err != nil && !apierrors.IsNotFound(err) {
			return providers.Granted{}, fmt.Errorf("reading namespace %s: %w", m.Namespace, err)
		}
		nsLabels[m.Namespace] = ns.Labels // a namespace gone has no label
	}
	return granted(params.Grants, nsLabels)
}

// granted is what the grants give to a load balancer whose members live in the namespaces
// of nsLabels: a resource is granted when every member namespace is selected by a grant that
// names it. One namespace left out is enough to refuse it, since the load balancer serves
// every member alike.
func granted(grants []v1alpha1.Grant, nsLabels map[string]labels.Set) (providers.Granted, error) {
	if len(nsLabels) == 0 {
		return providers.Granted{}, nil
	}
	addresses := map[string]map[string]bool{} // resource -> namespaces granted it
	certs := map[string]map[string]bool{}
	for i, g := range grants {
		sel, err := metav1.LabelSelectorAsSelector(&g.NamespaceSelector)
		if err != nil {
			return providers.Granted{}, providers.Invalid(v1alpha1.ReasonInvalid, err, "spec.grants[%d].namespaceSelector of the class parameters is not a valid selector", i)
		}
		for ns, l := range nsLabels {
			if !sel.Matches(l) {
				continue
			}
			mark(addresses, g.StaticAddresses, ns)
			mark(certs, g.Certificates, ns)
		}
	}
	return providers.Granted{
		Addresses:    grantedToAll(addresses, len(nsLabels)),
		Certificates: grantedToAll(certs, len(nsLabels)),
	}, nil
}

func mark(to map[string]map[string]bool, names []string, ns string) {
	for _, n := range names {
		if to[n] == nil {
			to[n] = map[string]bool{}
		}
		to[n][ns] = true
	}
}

func grantedToAll(to map[string]map[string]bool, namespaces int) []string {
	var out []string
	for name, nss := range to {
		if len(nss) == namespaces {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}
