package loadbalancer

import (
	"context"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/index"
	"github.com/portico-dev/portico/controllers/readiness"
	"github.com/portico-dev/portico/providers"
)

// labelExcludeFromLB keeps a node out of instance targets, as for Service load balancers.
const labelExcludeFromLB = "node.kubernetes.io/exclude-from-external-load-balancers"

// resolved is what the targets of a load balancer's backends resolve to.
type resolved struct {
	// targets of each backend, keyed by backend name.
	targets map[string][]providers.Target
	// held lists, per backend, the pods among its targets that the readiness gate holds.
	held map[string][]heldPod
	// probePaths is, per backend, the path of the serving pods' HTTP readiness probe.
	probePaths map[string]string
}

// heldPod is a pod the readiness gate holds, and its IP.
type heldPod struct {
	key types.NamespacedName
	ip  string
}

// resolveTargets returns the targets of every backend, the pods the readiness gate holds
// among them, and the serving pods' readiness-probe paths.
func (r *Reconciler) resolveTargets(ctx context.Context, spec *v1alpha1.LoadBalancerSpec) (*resolved, error) {
	out := &resolved{targets: make(map[string][]providers.Target, len(spec.Backends)), held: map[string][]heldPod{}, probePaths: map[string]string{}}
	var nodes []providers.Target // listed once, for every instance backend
	nodesListed := false
	for _, be := range spec.Backends {
		svc, port, err := r.servicePort(ctx, be.Service)
		if err != nil {
			return nil, err
		}
		if port == nil {
			out.targets[be.Name] = nil
			continue
		}
		eps, err := r.endpointTargets(ctx, svc, port)
		if err != nil {
			return nil, err
		}
		out.probePaths[be.Name] = eps.probePath
		if be.TargetType != v1alpha1.TargetTypeInstance {
			out.targets[be.Name], out.held[be.Name] = eps.targets, eps.held
			continue
		}
		if !nodesListed {
			if nodes, err = r.nodeTargets(ctx); err != nil {
				return nil, err
			}
			nodesListed = true
		}
		out.targets[be.Name] = withPort(nodes, port.NodePort)
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

// endpointTargets returns the endpoints of a Service port from its EndpointSlices, with
// the pods the Service selects (from the cache, stripped by readiness.Strip).
func (r *Reconciler) endpointTargets(ctx context.Context, svc *corev1.Service, port *corev1.ServicePort) (endpoints, error) {
	slices := &discoveryv1.EndpointSliceList{}
	if err := r.Client.List(ctx, slices, client.MatchingFields{index.SliceService: index.Key(svc.Namespace, svc.Name)}); err != nil {
		return endpoints{}, fmt.Errorf("listing the EndpointSlices of Service %s/%s: %w", svc.Namespace, svc.Name, err)
	}
	pods, err := r.podsOf(ctx, svc)
	if err != nil {
		return endpoints{}, err
	}
	return endpointsOf(slices.Items, port, pods), nil
}

// TargetsOf returns the ready endpoints of a Service port in the EndpointSlices of its
// Service, sorted and without repeats. portico plan uses it offline, with the slices of the
// files it reads, and no pods.
func TargetsOf(slices []discoveryv1.EndpointSlice, port *corev1.ServicePort) []providers.Target {
	return endpointsOf(slices, port, nil).targets
}

// endpoints are the targets of one Service port and what the pods behind them say.
type endpoints struct {
	targets   []providers.Target
	held      []heldPod
	probePath string
}

// endpointsOf returns the endpoints of a Service port that should receive traffic, sorted
// and without repeats: the ready ones, and those of pods the readiness gate holds (not
// ready only because the cloud has not found them healthy yet, so they must be attached
// for its health checks to reach them), and those of pods the gate has just let through,
// until their EndpointSlice catches up. A terminating endpoint is left out at once, even
// while it still serves, so that it is detached (and drained) before its pod stops.
func endpointsOf(slices []discoveryv1.EndpointSlice, port *corev1.ServicePort, pods map[string]*corev1.Pod) endpoints {
	seen := map[providers.Target]bool{}
	var out endpoints
	var serving int32
	for _, slice := range slices {
		number := slicePort(slice.Ports, port.Name)
		if number == 0 {
			continue
		}
		serving = number
		for _, ep := range slice.Endpoints {
			pod := podOf(ep, pods)
			held := readiness.Held(pod)
			if terminating(ep) || (!endpointReady(ep) && !held && !readiness.Opening(pod)) {
				continue
			}
			for _, addr := range ep.Addresses {
				t := providers.Target{IP: addr, Port: number}
				if ep.Zone != nil {
					t.Zone = *ep.Zone
				}
				if seen[t] {
					continue
				}
				seen[t] = true
				out.targets = append(out.targets, t)
				if held {
					out.held = append(out.held, heldPod{key: types.NamespacedName{Namespace: pod.Namespace, Name: pod.Name}, ip: addr})
				}
			}
		}
	}
	sortTargets(out.targets)
	out.probePath = readiness.ProbePath(slicesValues(pods), serving)
	return out
}

// podOf returns the pod an endpoint names, when the Service's pods hold it.
func podOf(ep discoveryv1.Endpoint, pods map[string]*corev1.Pod) *corev1.Pod {
	if ep.TargetRef == nil || ep.TargetRef.Kind != "Pod" {
		return nil
	}
	return pods[ep.TargetRef.Name]
}

func slicesValues(pods map[string]*corev1.Pod) []*corev1.Pod {
	out := make([]*corev1.Pod, 0, len(pods))
	for _, p := range pods {
		out = append(out, p)
	}
	return out
}

// terminating follows the EndpointSlice API: a nil terminating condition means not.
func terminating(ep discoveryv1.Endpoint) bool {
	return ep.Conditions.Terminating != nil && *ep.Conditions.Terminating
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
				out = append(out, providers.Target{IP: a.Address, Node: n.Name, Zone: n.Labels[corev1.LabelTopologyZone], ProviderID: n.Spec.ProviderID})
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
