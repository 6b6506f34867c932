package readiness

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// pod is a typed builder of a pod with one container.
type podBuilder struct{ p *corev1.Pod }

func pod(name string) *podBuilder {
	return &podBuilder{p: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name, CreationTimestamp: metav1.Unix(1000, 0)},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "shop:1",
			Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "admin", ContainerPort: 9090}}}}}}}
}

func (b *podBuilder) probe(port intstr.IntOrString, path string) *podBuilder {
	b.p.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: port, Path: path}}}
	return b
}

func (b *podBuilder) created(sec int64) *podBuilder {
	b.p.CreationTimestamp = metav1.Unix(sec, 0)
	return b
}

func (b *podBuilder) gated(status corev1.ConditionStatus) *podBuilder {
	b.p.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: v1alpha1.PodConditionLoadBalancerReady}}
	if status != "" {
		b.p.Status.Conditions = []corev1.PodCondition{{Type: v1alpha1.PodConditionLoadBalancerReady, Status: status}}
	}
	return b
}

func TestProbePathIsTheServingPortsHTTPProbe(t *testing.T) {
	for _, c := range []struct {
		name string
		pods []*corev1.Pod
		want string
	}{
		{"probe by port number", []*corev1.Pod{pod("a").probe(intstr.FromInt32(8080), "/healthz").p}, "/healthz"},
		{"probe by port name", []*corev1.Pod{pod("a").probe(intstr.FromString("http"), "/ready").p}, "/ready"},
		{"probe on another port says nothing of the serving port", []*corev1.Pod{pod("a").probe(intstr.FromString("admin"), "/ready").p}, ""},
		{"no probe", []*corev1.Pod{pod("a").p}, ""},
		{"the newest pod decides during a rollout", []*corev1.Pod{
			pod("old").probe(intstr.FromInt32(8080), "/v1").created(1000).p,
			pod("new").probe(intstr.FromInt32(8080), "/v2").created(2000).p}, "/v2"},
	} {
		if got := ProbePath(c.pods, 8080); got != c.want {
			t.Errorf("%s: path %q, want %q", c.name, got, c.want)
		}
	}
	https := pod("a").probe(intstr.FromInt32(8080), "/healthz").p
	https.Spec.Containers[0].ReadinessProbe.HTTPGet.Scheme = corev1.URISchemeHTTPS
	if got := ProbePath([]*corev1.Pod{https}, 8080); got != "" {
		t.Errorf("an HTTPS probe gave the HTTP health check path %q", got)
	}
}

func TestHeld(t *testing.T) {
	deleting := pod("a").gated("").p
	deleting.DeletionTimestamp = &metav1.Time{Time: time.Unix(2000, 0)}
	for name, c := range map[string]struct {
		pod  *corev1.Pod
		want bool
	}{
		"no gate":            {pod("a").p, false},
		"gate, no condition": {pod("a").gated("").p, true},
		"gate False":         {pod("a").gated(corev1.ConditionFalse).p, true},
		"gate True":          {pod("a").gated(corev1.ConditionTrue).p, false},
		"terminating":        {deleting, false},
		"no pod":             {nil, false},
	} {
		if got := Held(c.pod); got != c.want {
			t.Errorf("%s: Held %v, want %v", name, got, c.want)
		}
	}
}

func TestStripKeepsWhatPorticoReads(t *testing.T) {
	full := pod("a").probe(intstr.FromInt32(8080), "/healthz").gated(corev1.ConditionFalse).p
	full.Labels = map[string]string{"app": "shop"}
	full.Annotations = map[string]string{"big": "value"}
	full.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "A", Value: "b"}}
	full.Spec.Volumes = []corev1.Volume{{Name: "v"}}
	full.Status.PodIP = "10.0.0.1"
	out, err := Strip(full)
	if err != nil {
		t.Fatal(err)
	}
	got := out.(*corev1.Pod)
	if got.Annotations != nil || got.Spec.Volumes != nil || got.Spec.Containers[0].Env != nil || got.Spec.Containers[0].Image != "" {
		t.Errorf("Strip kept what portico never reads: %+v", got)
	}
	if got.Labels["app"] != "shop" || got.Status.PodIP != "10.0.0.1" || !Held(got) || ProbePath([]*corev1.Pod{got}, 8080) != "/healthz" {
		t.Errorf("Strip lost what portico reads: %+v", got)
	}
}

func TestOpening(t *testing.T) {
	ready := func(p *corev1.Pod, containers corev1.ConditionStatus) *corev1.Pod {
		p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{Type: corev1.ContainersReady, Status: containers})
		return p
	}
	deleting := ready(pod("a").gated(corev1.ConditionTrue).p, corev1.ConditionTrue)
	deleting.DeletionTimestamp = &metav1.Time{Time: time.Unix(2000, 0)}
	for name, c := range map[string]struct {
		pod  *corev1.Pod
		want bool
	}{
		"gate True, containers ready":     {ready(pod("a").gated(corev1.ConditionTrue).p, corev1.ConditionTrue), true},
		"gate True, containers not ready": {ready(pod("a").gated(corev1.ConditionTrue).p, corev1.ConditionFalse), false},
		"gate False, containers ready":    {ready(pod("a").gated(corev1.ConditionFalse).p, corev1.ConditionTrue), false},
		"no gate, containers ready":       {ready(pod("a").p, corev1.ConditionTrue), false},
		"terminating":                     {deleting, false},
		"no pod":                          {nil, false},
	} {
		if got := Opening(c.pod); got != c.want {
			t.Errorf("%s: Opening %v, want %v", name, got, c.want)
		}
	}
}
