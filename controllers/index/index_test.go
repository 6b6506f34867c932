package index

import (
	"reflect"
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
