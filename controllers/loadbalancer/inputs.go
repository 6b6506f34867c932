package loadbalancer

import (
	"context"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// classParams are the settings of a load balancer's class, as far as they can be read.
type classParams struct {
	// spec is nil when the class names none, or names one that does not exist.
	spec *v1alpha1.IngressClassParamsSpec
	// missing is true when the class names an IngressClassParams that does not exist.
	missing bool
}

// paramsOf reads the IngressClassParams the load balancer's class names.
func (r *Reconciler) paramsOf(ctx context.Context, lb *v1alpha1.LoadBalancer) (classParams, error) {
	if lb.Spec.ParametersRef == "" {
		return classParams{}, nil
	}
	params := &v1alpha1.IngressClassParams{}
	err := r.Client.Get(ctx, client.ObjectKey{Name: lb.Spec.ParametersRef}, params)
	switch {
	case apierrors.IsNotFound(err):
		return classParams{missing: true}, nil
	case err != nil:
		return classParams{}, fmt.Errorf("reading IngressClassParams %s: %w", lb.Spec.ParametersRef, err)
	}
	return classParams{spec: params.Spec.DeepCopy()}, nil
}

// desiredOf gathers everything the provider needs to realise the load balancer at ref: the
// spec, the class parameters, the targets of every backend, the certificate of every TLS
// Secret, and what the class grants to the members' namespaces. The backends' health
// checks get the serving pods' readiness-probe path where none is set; the targets
// resolved tell which pods the readiness gate holds.
func (r *Reconciler) desiredOf(ctx context.Context, lb *v1alpha1.LoadBalancer, params classParams, ref providers.Ref) (*providers.Desired, *resolved, error) {
	targets, err := r.resolveTargets(ctx, &lb.Spec)
	if err != nil {
		return nil, nil, err
	}
	certs, err := r.resolveCertificates(ctx, &lb.Spec)
	if err != nil {
		return nil, nil, err
	}
	granted, err := r.grantedTo(ctx, params.spec, lb.Spec.Members)
	if err != nil {
		return nil, nil, err
	}
	want := &providers.Desired{
		Ref:            ref,
		Spec:           *lb.Spec.DeepCopy(),
		Params:         params.spec,
		Targets:        targets.targets,
		Certificates:   certs,
		Granted:        granted,
		AwaitingHealth: awaiting(targets.held),
		Known:          knownAt(lb, ref),
	}
	withProbePaths(&want.Spec, targets.probePaths)
	return want, targets, nil
}

// knownAt returns the resources the status lists, for the provider to trust their
// fingerprints across a restart; none when they were observed by another provider or in
// another location (a move), where a resource of the same name is another resource.
func knownAt(lb *v1alpha1.LoadBalancer, ref providers.Ref) []v1alpha1.CloudResource {
	if lb.Status.Provider != "" && lb.Status.Provider != lb.Spec.Provider || lb.Status.Location != ref.Location {
		return nil
	}
	return slices.Clone(lb.Status.Resources)
}
