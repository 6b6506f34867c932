package loadbalancer

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// TestPodChangesThatReachTheLoadBalancer: the gate opening, a deletion, a new IP or a new
// readiness probe reach the load balancers of a pod; status noise does not.
func TestPodChangesThatReachTheLoadBalancer(t *testing.T) {
	base := gatedPod("shop-1", false)
	base.Status.PodIP = "10.0.0.1"
	base.Spec.Containers = []corev1.Container{{Name: "app", ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
		HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromInt32(8080)}}}}}
	for name, c := range map[string]struct {
		change func(*corev1.Pod)
		want   bool
	}{
		"the gate opens": {func(p *corev1.Pod) {
			p.Status.Conditions = []corev1.PodCondition{{Type: v1alpha1.PodConditionLoadBalancerReady, Status: corev1.ConditionTrue}}
		}, true},
		"deleted":       {func(p *corev1.Pod) { p.DeletionTimestamp = &metav1.Time{} }, true},
		"a new IP":      {func(p *corev1.Pod) { p.Status.PodIP = "10.0.0.2" }, true},
		"a new probe":   {func(p *corev1.Pod) { p.Spec.Containers[0].ReadinessProbe.HTTPGet.Path = "/v2" }, true},
		"status noise":  {func(p *corev1.Pod) { p.Status.Phase = corev1.PodRunning }, false},
		"a label added": {func(p *corev1.Pod) { p.Labels = map[string]string{"x": "y"} }, false},
	} {
		n := base.DeepCopy()
		c.change(n)
		if got := (podTargetChanged{}).Update(event.UpdateEvent{ObjectOld: base, ObjectNew: n}); got != c.want {
			t.Errorf("%s: passes %v, want %v", name, got, c.want)
		}
	}
}
