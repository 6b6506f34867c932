package loadbalancer

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// Resolve returns what a reconcile would hand provider p's Ensure for lb: its class
// parameters, the location it belongs in, the targets of every backend, the certificate of
// every TLS Secret and what the class grants, read through c exactly as Reconcile reads
// them, so that `portico plan` shows the drift the controller would correct. It writes
// nothing. c must answer the list of a Service's EndpointSlices by index.SliceService.
func Resolve(ctx context.Context, c client.Client, p providers.Provider, lb *v1alpha1.LoadBalancer) (*providers.Desired, error) {
	registry, err := providers.NewRegistry(p)
	if err != nil {
		return nil, err
	}
	r := &Reconciler{Client: c, Registry: registry}
	params, err := r.paramsOf(ctx, lb)
	if err != nil {
		return nil, err
	}
	want, _, err := r.desiredOf(ctx, lb, params, r.placeOf(lb, p, params).to)
	return want, err
}
