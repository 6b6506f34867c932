package index

import (
	"reflect"
	"slices"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// TestLBParams: a LoadBalancer is found by the IngressClassParams of its class, and one
// whose class has none is not indexed at all.
func TestLBParams(t *testing.T) {
	with := &v1alpha1.LoadBalancer{Spec: v1alpha1.LoadBalancerSpec{ParametersRef: "shop"}}
	if got := lbParams(with); !reflect.DeepEqual(got, []string{"shop"}) {
		t.Errorf("indexed under %v, want [shop]", got)
	}
	if got := lbParams(&v1alpha1.LoadBalancer{}); got != nil {
		t.Errorf("a load balancer without parameters is indexed under %v", got)
	}
}

// TestLBNamespaces: a LoadBalancer is found by the namespace of each member, once each.
func TestLBNamespaces(t *testing.T) {
	lb := &v1alpha1.LoadBalancer{Spec: v1alpha1.LoadBalancerSpec{Members: []v1alpha1.IngressRef{
		{Namespace: "shop", Name: "a"}, {Namespace: "shop", Name: "b"}, {Namespace: "blog", Name: "c"},
	}}}
	got := lbNamespaces(lb)
	slices.Sort(got)
	if !reflect.DeepEqual(got, []string{"blog", "shop"}) {
		t.Errorf("indexed under %v, want [blog shop]", got)
	}
}
