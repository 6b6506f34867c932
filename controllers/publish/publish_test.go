package publish

import (
	"context"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
)

func TestPublishAddressGivesItsAddresses(t *testing.T) {
	s, err := Parse("", []string{"203.0.113.1", "lb.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Addresses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []v1alpha1.Address{{IP: "203.0.113.1"}, {Hostname: "lb.example.com"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("addresses %v, want %v", got, want)
	}
}

func TestParseRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		service string
		addrs   []string
	}{{"no-slash", nil}, {"/name", nil}, {"ns/", nil}, {"ns/name", []string{"203.0.113.1"}}} {
		if _, err := Parse(tc.service, tc.addrs); err == nil {
			t.Errorf("Parse(%q, %v) accepted", tc.service, tc.addrs)
		}
	}
}

func TestAServiceIsReachedAtItsLoadBalancerElseItsClusterIP(t *testing.T) {
	svc := &corev1.Service{Spec: corev1.ServiceSpec{ClusterIP: "10.0.0.7"}}
	if got := OfService(svc); !reflect.DeepEqual(got, []v1alpha1.Address{{IP: "10.0.0.7"}}) {
		t.Errorf("cluster IP only: %v", got)
	}
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "203.0.113.9"}, {Hostname: "a.elb.example.com"}}
	want := []v1alpha1.Address{{IP: "203.0.113.9"}, {Hostname: "a.elb.example.com"}}
	if got := OfService(svc); !reflect.DeepEqual(got, want) {
		t.Errorf("with a load balancer: %v, want %v", got, want)
	}
	if got := OfService(&corev1.Service{Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone}}); got != nil {
		t.Errorf("headless: %v", got)
	}
}
