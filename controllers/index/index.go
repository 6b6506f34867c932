// Package index defines the field indexes that map a change of one object to the few
// objects that depend on it, so that no event ever scans every Ingress or LoadBalancer.
package index

import (
	"context"
	"fmt"

	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers"
)

// Index names.
const (
	// IngressClass indexes Ingresses by the class they name ("" when they name none and
	// fall to the default class).
	IngressClass = "portico.ingress.class"
	// IngressGroup indexes Ingresses by their portico.dev/group annotation.
	IngressGroup = "portico.ingress.group"
	// IngressService indexes Ingresses by each backend Service, as "namespace/name".
	IngressService = "portico.ingress.service"
	// IngressSecret indexes Ingresses by each TLS Secret, as "namespace/name".
	IngressSecret = "portico.ingress.secret"
	// IngressLoadBalancer indexes Ingresses by the LoadBalancer that serves them (their
	// portico.dev/load-balancer annotation), so that a load balancer keeps the Ingresses it
	// serves while they move away, or while their class is missing.
	IngressLoadBalancer = "portico.ingress.loadbalancer"
	// ClassParams indexes IngressClasses by the IngressClassParams they name.
	ClassParams = "portico.class.params"
	// LBService indexes LoadBalancers by each backend Service, as "namespace/name".
	LBService = "portico.lb.service"
	// LBSecret indexes LoadBalancers by each TLS Secret, as "namespace/name".
	LBSecret = "portico.lb.secret"
	// LBParams indexes LoadBalancers by the IngressClassParams of their class, so that an
	// edit of the parameters reaches exactly their load balancers.
	LBParams = "portico.lb.params"
	// LBNamespace indexes LoadBalancers by the namespace of each member, so that a change of
	// a namespace's labels (which decide what the class grants) reaches its load balancers.
	LBNamespace = "portico.lb.namespace"
	// LBTargetType indexes LoadBalancers by the target types of their backends.
	LBTargetType = "portico.lb.targettype"
	// LBClaim indexes LoadBalancers by each claim on a shared server, as "provider/host"
	// ("provider/" for the catch-all), so that the contenders for a host are found without
	// a scan and a change of one reaches the others.
	LBClaim = "portico.lb.claim"
	// SliceService indexes EndpointSlices by their Service, as "namespace/name", so that
	// resolving one backend's targets reads only that Service's slices.
	SliceService = "portico.slice.service"
	// SlicePod indexes EndpointSlices by the pods of their endpoints, as "namespace/name",
	// so that a pod's change reaches the Services, and through LBService the load
	// balancers, that send it traffic.
	SlicePod = "portico.slice.pod"
)

// AnnotationGroupKey on a LoadBalancer records the group key it was translated from.
const AnnotationGroupKey = "portico.dev/group-key"

// Register adds every index to the manager's cache.
func Register(ctx context.Context, idx client.FieldIndexer) error {
	for _, i := range []struct {
		obj  client.Object
		name string
		fn   client.IndexerFunc
	}{
		{&networkingv1.Ingress{}, IngressClass, ingressClass},
		{&networkingv1.Ingress{}, IngressGroup, ingressGroup},
		{&networkingv1.Ingress{}, IngressService, ingressServices},
		{&networkingv1.Ingress{}, IngressSecret, ingressSecrets},
		{&networkingv1.Ingress{}, IngressLoadBalancer, ingressLoadBalancer},
		{&networkingv1.IngressClass{}, ClassParams, classParams},
		{&v1alpha1.LoadBalancer{}, LBService, lbServices},
		{&v1alpha1.LoadBalancer{}, LBSecret, lbSecrets},
		{&v1alpha1.LoadBalancer{}, LBTargetType, lbTargetTypes},
		{&v1alpha1.LoadBalancer{}, LBParams, lbParams},
		{&v1alpha1.LoadBalancer{}, LBNamespace, lbNamespaces},
		{&v1alpha1.LoadBalancer{}, LBClaim, lbClaims},
		{&discoveryv1.EndpointSlice{}, SliceService, sliceService},
		{&discoveryv1.EndpointSlice{}, SlicePod, slicePods},
	} {
		if err := idx.IndexField(ctx, i.obj, i.name, i.fn); err != nil {
			return fmt.Errorf("registering index %s: %w", i.name, err)
		}
	}
	return nil
}

// Key is the "namespace/name" form the indexes use.
func Key(namespace, name string) string { return namespace + "/" + name }

func ingressClass(o client.Object) []string {
	return IngressClassOf(o.(*networkingv1.Ingress))
}

// IngressClassOf returns the class name an Ingress names, or "" when it names none.
func IngressClassOf(ing *networkingv1.Ingress) []string {
	if ing.Spec.IngressClassName != nil {
		return []string{*ing.Spec.IngressClassName}
	}
	if c := ing.Annotations["kubernetes.io/ingress.class"]; c != "" {
		return []string{c}
	}
	return []string{""}
}

func ingressGroup(o client.Object) []string {
	if g := o.GetAnnotations()[model.AnnotationGroup]; g != "" {
		return []string{g}
	}
	return nil
}

func ingressLoadBalancer(o client.Object) []string {
	if lb := o.GetAnnotations()[model.AnnotationLoadBalancer]; lb != "" {
		return []string{lb}
	}
	return nil
}

func ingressServices(o client.Object) []string {
	ing := o.(*networkingv1.Ingress)
	set := map[string]bool{}
	add := func(b *networkingv1.IngressBackend) {
		if b != nil && b.Service != nil {
			set[Key(ing.Namespace, b.Service.Name)] = true
		}
	}
	add(ing.Spec.DefaultBackend)
	for _, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for i := range r.HTTP.Paths {
			add(&r.HTTP.Paths[i].Backend)
		}
	}
	return keys(set)
}

func ingressSecrets(o client.Object) []string {
	ing := o.(*networkingv1.Ingress)
	set := map[string]bool{}
	for _, t := range ing.Spec.TLS {
		if t.SecretName != "" {
			set[Key(ing.Namespace, t.SecretName)] = true
		}
	}
	return keys(set)
}

func classParams(o client.Object) []string {
	ic := o.(*networkingv1.IngressClass)
	if ic.Spec.Parameters == nil {
		return nil
	}
	return []string{ic.Spec.Parameters.Name}
}

func lbServices(o client.Object) []string {
	lb := o.(*v1alpha1.LoadBalancer)
	set := map[string]bool{}
	for _, b := range lb.Spec.Backends {
		set[Key(b.Service.Namespace, b.Service.Name)] = true
	}
	return keys(set)
}

// ClaimKey is the LBClaim key of a claim of a load balancer of provider.
func ClaimKey(provider string, claim v1alpha1.Hostname) string {
	return provider + "/" + string(claim)
}

func lbClaims(o client.Object) []string {
	lb := o.(*v1alpha1.LoadBalancer)
	var out []string
	for _, c := range providers.Claims(&lb.Spec) {
		out = append(out, ClaimKey(lb.Spec.Provider, c))
	}
	return out
}

func lbSecrets(o client.Object) []string {
	lb := o.(*v1alpha1.LoadBalancer)
	set := map[string]bool{}
	for _, t := range lb.Spec.TLS {
		if t.SecretRef != nil {
			set[Key(t.SecretRef.Namespace, t.SecretRef.Name)] = true
		}
	}
	return keys(set)
}

func lbParams(o client.Object) []string {
	if ref := o.(*v1alpha1.LoadBalancer).Spec.ParametersRef; ref != "" {
		return []string{ref}
	}
	return nil
}

func lbNamespaces(o client.Object) []string {
	set := map[string]bool{}
	for _, m := range o.(*v1alpha1.LoadBalancer).Spec.Members {
		set[m.Namespace] = true
	}
	return keys(set)
}

func lbTargetTypes(o client.Object) []string {
	lb := o.(*v1alpha1.LoadBalancer)
	set := map[string]bool{}
	for _, b := range lb.Spec.Backends {
		set[b.TargetType] = true
	}
	return keys(set)
}

func sliceService(o client.Object) []string {
	if svc := o.GetLabels()[discoveryv1.LabelServiceName]; svc != "" {
		return []string{Key(o.GetNamespace(), svc)}
	}
	return nil
}

func slicePods(o client.Object) []string {
	slice := o.(*discoveryv1.EndpointSlice)
	set := map[string]bool{}
	for _, ep := range slice.Endpoints {
		if ep.TargetRef != nil && ep.TargetRef.Kind == "Pod" {
			set[Key(slice.Namespace, ep.TargetRef.Name)] = true
		}
	}
	return keys(set)
}

func keys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	return out
}
