package loadbalancer

import (
	"context"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/index"
	"github.com/portico-dev/portico/providers"
)

// labelExcludeFromLB keeps a node out of instance targets, as for Service load balancers.
const labelExcludeFromLB = "node.kubernetes.io/exclude-from-external-load-balancers"

// resolveTargets returns the targets of every backend, keyed by backend name.
func (r *Reconciler) resolveTargets(ctx context.Context, spec *v1alpha1.LoadBalancerSpec) (map[string][]providers.Target, error) {
	out := make(map[string][]providers.Target, len(spec.Backends))
	var nodes []providers.Target // listed once, for every instance backend
	nodesListed := false
	for _, be := range spec.Backends {
		svc, port, err := r.servicePort(ctx, be.Service)
		if err != nil {
			return nil, err
		}
		if port == nil {
			out[be.Name] = nil
			continue
		}
		if be.TargetType == v1alpha1.TargetTypeInstance {
			if !nodesListed {
				if nodes, err = r.nodeTargets(ctx); err != nil {
					return nil, err
				}
				nodesListed = true
			}
			out[be.Name] = withPort(nodes, port.NodePort)
			continue
		}
		targets, err := r.endpointTargets(ctx, svc, port)
		if err != nil {
			return nil, err
		}
		out[be.Name] = targets
	}
	return out, nil
}

// servicePort finds the Service and the port a backend names; nil when either is missing.
func (r *Reconciler) servicePort(ctx context.Context, ref v1alpha1.ServiceRef) (*corev1.Service, *corev1.ServicePort, error) {
	svc := &corev1.Service{}
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, svc); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil, nil
		}
		return nil, nil, fmt.Errorf("reading Service %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	return svc, PortOf(svc, ref), nil
}

// PortOf returns the port of the Service a backend names, by name or number, or nil.
func PortOf(svc *corev1.Service, ref v1alpha1.ServiceRef) *corev1.ServicePort {
	for i := range svc.Spec.Ports {
		p := &svc.Spec.Ports[i]
		if (ref.PortName != "" && p.Name == ref.PortName) || (ref.PortName == "" && p.Port == ref.PortNumber) {
			return p
		}
	}
	return nil
}

// endpointTargets returns the ready endpoints of a Service port from its EndpointSlices.
func (r *Reconciler) endpointTargets(ctx context.Context, svc *corev1.Service, port *corev1.ServicePort) ([]providers.Target, error) {
	slices := &discoveryv1.EndpointSliceList{}
	if err := r.Client.List(ctx, slices, client.MatchingFields{index.SliceService: index.Key(svc.Namespace, svc.Name)}); err != nil {
		return nil, fmt.Errorf("listing the EndpointSlices of Service %s/%s: %w", svc.Namespace, svc.Name, err)
	}
	return TargetsOf(slices.Items, port), nil
}

// TargetsOf returns the ready endpoints of a Service port in the EndpointSlices of its
// Service, sorted and without repeats. portico plan uses it offline, with the slices of the
// files it reads.
func TargetsOf(slices []discoveryv1.EndpointSlice, port *corev1.ServicePort) []providers.Target {
	seen := map[providers.Target]bool{}
	var out []providers.Target
	for _, slice := range slices {
		number := slicePort(slice.Ports, port.Name)
		if number == 0 {
			continue
		}
		for _, ep := range slice.Endpoints {
			if !endpointReady(ep) {
				continue
			}
			for _, addr := range ep.Addresses {
				t := providers.Target{IP: addr, Port: number}
				if ep.Zone != nil {
					t.Zone = *ep.Zone
				}
				if !seen[t] {
					seen[t] = true
					out = append(out, t)
				}
			}
		}
	}
	sortTargets(out)
	return out
}

// slicePort returns the port number of the slice port named like the Service port.
func slicePort(ports []discoveryv1.EndpointPort, name string) int32 {
	for _, p := range ports {
		pn := ""
		if p.Name != nil {
			pn = *p.Name
		}
		if pn == name && p.Port != nil {
			return *p.Port
		}
	}
	return 0
}

// endpointReady follows the EndpointSlice API: a nil ready condition means ready.
func endpointReady(ep discoveryv1.Endpoint) bool {
	return ep.Conditions.Ready == nil || *ep.Conditions.Ready
}

// nodeTargets returns the Ready nodes that may carry load-balancer traffic, without port.
func (r *Reconciler) nodeTargets(ctx context.Context) ([]providers.Target, error) {
	nodes := &corev1.NodeList{}
	if err := r.Client.List(ctx, nodes); err != nil {
		return nil, fmt.Errorf("listing nodes: %w", err)
	}
	var out []providers.Target
	for _, n := range nodes.Items {
		if _, excluded := n.Labels[labelExcludeFromLB]; excluded || !nodeReady(&n) {
			continue
		}
		for _, a := range n.Status.Addresses {
			if a.Type == corev1.NodeInternalIP {
				out = append(out, providers.Target{IP: a.Address, Node: n.Name, Zone: n.Labels[corev1.LabelTopologyZone]})
				break
			}
		}
	}
	return out, nil
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func withPort(nodes []providers.Target, port int32) []providers.Target {
	if port == 0 {
		return nil
	}
	out := make([]providers.Target, len(nodes))
	for i, n := range nodes {
		n.Port = port
		out[i] = n
	}
	sortTargets(out)
	return out
}

func sortTargets(ts []providers.Target) {
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].IP != ts[j].IP {
			return ts[i].IP < ts[j].IP
		}
		return ts[i].Port < ts[j].Port
	})
}
