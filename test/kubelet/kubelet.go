// Package kubelet plays, for the envtest suites, the parts of Kubernetes that envtest does
// not run for the pods of one Service: the kubelet (pods with portico's readiness gate, their
// IPs and conditions) and the EndpointSlice controller (each endpoint's ready, serving and
// terminating conditions as Kubernetes derives them from the pods). The suites of every
// cloud provider drive rollouts through it.
package kubelet

import (
	"context"
	"sort"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Kubelet plays the kubelet and the EndpointSlice controller for the pods of one Service.
type Kubelet struct {
	t       testing.TB
	c       client.Client
	ns, svc string
	ips     map[string]string // Pod name → IP
}

// podFinalizer keeps a deleted pod terminating until the test lets it stop, as a pod
// serving through its grace period does.
const podFinalizer = "test.portico.dev/serving"

// New plays the kubelet for the pods of the Service svc, which selects app=svc, through the
// client c of the test's API server.
func New(t testing.TB, c client.Client, ns, svc string) *Kubelet {
	return &Kubelet{t: t, c: c, ns: ns, svc: svc, ips: map[string]string{}}
}

// Service creates the Service, on port http (80 → the container port named http, 8080).
func (k *Kubelet) Service() {
	k.t.Helper()
	s := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: k.ns, Name: k.svc},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": k.svc},
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}}}}
	if err := k.c.Create(context.Background(), s); err != nil {
		k.t.Fatal(err)
	}
}

// Start creates a pod with the readiness gate and an HTTP readiness probe on its serving
// port, gives it an IP, and publishes it: not ready, as the gate holds it.
func (k *Kubelet) Start(name, ip, probePath string) {
	k.t.Helper()
	k.Run(name, ip, corev1.PodSpec{
		ReadinessGates: []corev1.PodReadinessGate{{ConditionType: v1alpha1.PodConditionLoadBalancerReady}},
		Containers: []corev1.Container{{Name: "app", Image: "shop:" + name,
			Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
				HTTPGet: &corev1.HTTPGetAction{Path: probePath, Port: intstr.FromString("http")}}}}},
	})
}

// Run creates a pod of the spec (a Deployment's template, say), gives it an IP, and
// publishes it.
func (k *Kubelet) Run(name, ip string, spec corev1.PodSpec) {
	k.t.Helper()
	ctx := context.Background()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: k.ns, Name: name, Labels: map[string]string{"app": k.svc}, Finalizers: []string{podFinalizer}},
		Spec:       spec,
	}
	if err := k.c.Create(ctx, pod); err != nil {
		k.t.Fatal(err)
	}
	// A strategic merge, as the kubelet's: portico may have set its condition already.
	orig := pod.DeepCopy()
	pod.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: ip, PodIPs: []corev1.PodIP{{IP: ip}},
		Conditions: []corev1.PodCondition{{Type: corev1.ContainersReady, Status: corev1.ConditionTrue}}}
	if err := k.c.Status().Patch(ctx, pod, client.StrategicMergeFrom(orig)); err != nil {
		k.t.Fatal(err)
	}
	k.ips[name] = ip
	k.Publish()
}

// Pod reads a pod; nil once it is gone.
func (k *Kubelet) Pod(name string) *corev1.Pod {
	k.t.Helper()
	pod := &corev1.Pod{}
	err := k.c.Get(context.Background(), client.ObjectKey{Namespace: k.ns, Name: name}, pod)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		k.t.Fatal(err)
	}
	return pod
}

// Gate returns portico's condition on a pod; nil while it has none.
func (k *Kubelet) Gate(name string) *corev1.PodCondition {
	k.t.Helper()
	for _, c := range k.Pod(name).Status.Conditions {
		if string(c.Type) == v1alpha1.PodConditionLoadBalancerReady {
			return &c
		}
	}
	return nil
}

// Terminate deletes a pod: it keeps serving (terminating, serving, not ready) until stop.
func (k *Kubelet) Terminate(name string) {
	k.t.Helper()
	if err := k.c.Delete(context.Background(), k.Pod(name)); err != nil {
		k.t.Fatal(err)
	}
	k.Publish()
}

// Stop lets a terminating pod go, and drops it from the EndpointSlice.
func (k *Kubelet) Stop(name string) {
	k.t.Helper()
	pod := k.Pod(name)
	orig := pod.DeepCopy()
	pod.Finalizers = nil
	if err := k.c.Patch(context.Background(), pod, client.MergeFrom(orig)); err != nil {
		k.t.Fatal(err)
	}
	delete(k.ips, name)
	k.Publish()
}

// Publish writes the Service's EndpointSlice from the pods: a pod is ready when its gate is
// True (its containers are), and a deleted pod is terminating and not ready, but serving.
func (k *Kubelet) Publish() {
	k.t.Helper()
	ctx := context.Background()
	names := make([]string, 0, len(k.ips))
	for name := range k.ips {
		names = append(names, name)
	}
	sort.Strings(names)
	slice := &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: k.ns, Name: k.svc + "-1"}}
	err := k.c.Get(ctx, client.ObjectKeyFromObject(slice), slice)
	exists := err == nil
	if err != nil && !apierrors.IsNotFound(err) {
		k.t.Fatal(err)
	}
	slice.Labels = map[string]string{discoveryv1.LabelServiceName: k.svc}
	slice.AddressType = discoveryv1.AddressTypeIPv4
	slice.Ports = []discoveryv1.EndpointPort{{Name: ptr.To("http"), Port: ptr.To[int32](8080)}}
	slice.Endpoints = nil
	for _, name := range names {
		pod := k.Pod(name)
		terminating := pod.DeletionTimestamp != nil
		gate := k.Gate(name)
		ready := !terminating && gate != nil && gate.Status == corev1.ConditionTrue
		slice.Endpoints = append(slice.Endpoints, discoveryv1.Endpoint{Addresses: []string{k.ips[name]},
			TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: k.ns, Name: name, UID: pod.UID},
			Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(ready), Serving: ptr.To(true), Terminating: ptr.To(terminating)}})
	}
	if exists {
		err = k.c.Update(ctx, slice)
	} else {
		err = k.c.Create(ctx, slice)
	}
	if err != nil {
		k.t.Fatal(err)
	}
}
