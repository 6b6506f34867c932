// Package readiness runs portico's pod readiness gate (v1alpha1.PodConditionLoadBalancerReady):
// a pod that names it in spec.readinessGates stays unready until the cloud finds its
// endpoint healthy in every load balancer of target type ip that routes to it. The
// loadbalancer controller records the health each provider reports in a Store; the
// reconciler of this package reads it, per pod, and sets the pod's condition.
package readiness

import (
	"cmp"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Strip is the cache transform of Pods: it keeps only what portico reads (labels, the
// deletion timestamp, readiness gates and conditions, the IPs, and each container's ports
// and readiness probe), so that caching every pod of a cluster stays cheap.
func Strip(obj any) (any, error) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return obj, nil
	}
	out := &corev1.Pod{TypeMeta: pod.TypeMeta}
	out.Namespace, out.Name, out.UID = pod.Namespace, pod.Name, pod.UID
	out.ResourceVersion, out.Labels = pod.ResourceVersion, pod.Labels
	out.CreationTimestamp, out.DeletionTimestamp = pod.CreationTimestamp, pod.DeletionTimestamp
	out.Spec.ReadinessGates = pod.Spec.ReadinessGates
	for _, c := range pod.Spec.Containers {
		out.Spec.Containers = append(out.Spec.Containers, corev1.Container{Name: c.Name, Ports: c.Ports, ReadinessProbe: c.ReadinessProbe})
	}
	out.Status.Conditions, out.Status.PodIP, out.Status.PodIPs = pod.Status.Conditions, pod.Status.PodIP, pod.Status.PodIPs
	out.Status.Phase = pod.Status.Phase
	return out, nil
}

// HasGate reports whether the pod names portico's readiness gate.
func HasGate(pod *corev1.Pod) bool {
	return slices.ContainsFunc(pod.Spec.ReadinessGates, func(g corev1.PodReadinessGate) bool {
		return string(g.ConditionType) == v1alpha1.PodConditionLoadBalancerReady
	})
}

// GateOpen reports whether portico's condition on the pod is True.
func GateOpen(pod *corev1.Pod) bool {
	c := condition(pod)
	return c != nil && c.Status == corev1.ConditionTrue
}

// Held reports whether the gate holds the pod: it names the gate, the condition is not
// True yet, and the pod is not terminating. Its endpoints are attached though not ready.
func Held(pod *corev1.Pod) bool {
	return pod != nil && pod.DeletionTimestamp == nil && HasGate(pod) && !GateOpen(pod)
}

// Opening reports whether the gate has just let the pod through: the condition is True and
// the containers are ready, but the pod's Ready condition (and so its EndpointSlice) has
// not caught up yet. Its endpoints stay attached: the cloud has just found them healthy, and
// detaching them now would drain them as the Deployment counts the pod ready. A pod whose
// containers are not ready is not opening: it fails its own readiness probe.
func Opening(pod *corev1.Pod) bool {
	return pod != nil && pod.DeletionTimestamp == nil && HasGate(pod) && GateOpen(pod) &&
		podCondition(pod, corev1.ContainersReady) == corev1.ConditionTrue
}

// podCondition returns the status of one of the pod's conditions, "" when it has none.
func podCondition(pod *corev1.Pod, t corev1.PodConditionType) corev1.ConditionStatus {
	for _, c := range pod.Status.Conditions {
		if c.Type == t {
			return c.Status
		}
	}
	return ""
}

func condition(pod *corev1.Pod) *corev1.PodCondition {
	for i := range pod.Status.Conditions {
		if string(pod.Status.Conditions[i].Type) == v1alpha1.PodConditionLoadBalancerReady {
			return &pod.Status.Conditions[i]
		}
	}
	return nil
}

// ProbePath returns the path of the HTTP GET readiness probe that the pods run on the
// serving port (the container port traffic reaches), as ingress-gce derives a health check
// from it; "" when none does. A probe on another port says nothing of the serving port, so
// it is ignored. Of several pods, the newest decides: during a rollout that changes the
// probe, the path follows the new pods at once and does not flap back. Creation times count
// in seconds; of pods created in the same second, the first by name decides.
func ProbePath(pods []*corev1.Pod, servingPort int32) string {
	pods = slices.Clone(pods)
	slices.SortFunc(pods, func(a, b *corev1.Pod) int {
		return cmp.Or(b.CreationTimestamp.Compare(a.CreationTimestamp.Time), cmp.Compare(a.Name, b.Name))
	})
	for _, pod := range pods {
		for _, c := range pod.Spec.Containers {
			if p := probePath(c, servingPort); p != "" {
				return p
			}
		}
	}
	return ""
}

func probePath(c corev1.Container, servingPort int32) string {
	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil {
		return ""
	}
	get := c.ReadinessProbe.HTTPGet
	if get.Scheme != "" && get.Scheme != corev1.URISchemeHTTP {
		return "" // the health check speaks HTTP
	}
	if portNumber(c, get.Port) != servingPort || len(get.Path) == 0 || get.Path[0] != '/' {
		return ""
	}
	return get.Path
}

// portNumber resolves a probe's port, by number or by the name of a container port.
func portNumber(c corev1.Container, port intstr.IntOrString) int32 {
	if port.Type == intstr.Int {
		return port.IntVal
	}
	for _, p := range c.Ports {
		if p.Name == port.StrVal {
			return p.ContainerPort
		}
	}
	return 0
}
