package ingress

import (
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
)

func TestIngressStatusCarriesAddressesAndPortErrors(t *testing.T) {
	lb := &v1alpha1.LoadBalancer{Status: v1alpha1.LoadBalancerStatus{
		Addresses: []v1alpha1.Address{{IP: "192.0.2.9"}, {Hostname: "lb.example.com"}},
		Ports: []v1alpha1.PortStatus{
			{Port: 80, Protocol: "TCP"},
			{Port: 443, Protocol: "TCP", Error: "CertificateInvalid", Message: "the key does not match"},
		},
	}}
	got := ingressStatusOf(lb)
	if len(got.Ingress) != 2 || got.Ingress[0].IP != "192.0.2.9" || got.Ingress[1].Hostname != "lb.example.com" {
		t.Fatalf("addresses: %+v", got.Ingress)
	}
	for _, ing := range got.Ingress {
		if len(ing.Ports) != 2 || ing.Ports[0].Error != nil || ing.Ports[1].Error == nil || *ing.Ports[1].Error != "CertificateInvalid" {
			t.Errorf("ports: %+v", ing.Ports)
		}
	}
	if firstAddress(got) != "192.0.2.9" || portErrors(got) != "; port 443 fails: CertificateInvalid" {
		t.Errorf("summary: %q %q", firstAddress(got), portErrors(got))
	}
	if empty := ingressStatusOf(&v1alpha1.LoadBalancer{}); len(empty.Ingress) != 0 {
		t.Errorf("a load balancer without address gave %+v", empty)
	}
}

func TestMemoryTellsOnlyNews(t *testing.T) {
	m := newMemory()
	if !m.changed("u1", "address", "a") || m.changed("u1", "address", "a") || !m.changed("u1", "address", "b") {
		t.Error("the memory does not tell news from repeats")
	}
	if !m.changed("u1", "problems", "") {
		t.Error("a first empty problem list is news: it clears the past")
	}
	m.forget("u1")
	if !m.changed("u1", "address", "b") {
		t.Error("a forgotten Ingress is told again")
	}
}
