package providertest

import (
	"fmt"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// RoutingTable is one of the suite's routing tables (the Kubernetes path table and the host
// tables), for tests of a data plane that the contract suite does not drive: the nginx
// mode's, which routes with a real nginx.
type RoutingTable struct {
	Name string
	// Spec is the load balancer; every backend it names is in Spec.Backends.
	Spec     v1alpha1.LoadBalancerSpec
	Requests []RoutingRequest
}

// RoutingRequest is a request and the backend the table says it reaches; "" is a 404.
type RoutingRequest struct {
	Host, Path string
	Backend    string
}

// RoutingTables returns the path and host tables of the suite, each with its own spec.
func RoutingTables() []RoutingTable {
	var out []RoutingTable
	for i, table := range append(pathTables(), hostTables...) {
		b := table.lb(fmt.Sprintf("routes-%02d", i))
		t := RoutingTable{Name: table.name, Spec: *b.d.Spec.DeepCopy()}
		for _, r := range table.requests {
			t.Requests = append(t.Requests, RoutingRequest{Host: r.host, Path: r.path, Backend: r.want})
		}
		out = append(out, t)
	}
	return out
}
