package model

import (
	"fmt"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// benchGroup builds a group of n Ingresses with paths paths each, on n/10 hosts.
func benchGroup(n, paths int) []*networkingv1.Ingress {
	prefix := networkingv1.PathTypePrefix
	out := make([]*networkingv1.Ingress, 0, n)
	for i := 0; i < n; i++ {
		ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{
			Namespace: "bench", Name: fmt.Sprintf("ing-%d", i),
			Annotations:       map[string]string{AnnotationGroup: "bench"},
			CreationTimestamp: metav1.Unix(int64(i), 0),
		}}
		rule := networkingv1.IngressRule{Host: fmt.Sprintf("h%d.example.com", i/10)}
		rule.HTTP = &networkingv1.HTTPIngressRuleValue{}
		for p := 0; p < paths; p++ {
			rule.HTTP.Paths = append(rule.HTTP.Paths, networkingv1.HTTPIngressPath{
				Path: fmt.Sprintf("/i%d/p%d", i, p), PathType: &prefix,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
					Name: fmt.Sprintf("svc-%d", p), Port: networkingv1.ServiceBackendPort{Number: 80},
				}},
			})
		}
		ing.Spec.Rules = []networkingv1.IngressRule{rule}
		out = append(out, ing)
	}
	return out
}

// BenchmarkTranslateGroup translates a group of 100 Ingresses with 10 paths each: the cost
// of one group's reconcile, which grows with the group and not with the cluster.
func BenchmarkTranslateGroup(b *testing.B) {
	ings := benchGroup(100, 10)
	l := offline()
	class, _ := ClassOf(ings[0], l)
	key := KeyOf(ings[0], class, l)
	b.ReportAllocs()
	for b.Loop() {
		res := Translate(key, ings, l, Config{})
		if len(res.Accepted()) != 100 {
			b.Fatal("members were left out")
		}
	}
}

// BenchmarkRoute routes a request through a load balancer of 1000 paths.
func BenchmarkRoute(b *testing.B) {
	ings := benchGroup(100, 10)
	l := offline()
	class, _ := ClassOf(ings[0], l)
	res := Translate(KeyOf(ings[0], class, l), ings, l, Config{})
	b.ReportAllocs()
	for b.Loop() {
		if d := Route(&res.Spec, "h9.example.com", "/i95/p3/deep/path?q=1"); d.Status != 200 {
			b.Fatal(d.Reason)
		}
	}
}
