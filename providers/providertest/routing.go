package providertest

import (
	"fmt"
	"testing"

	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers"
)

// testRouting builds each table's load balancer and sends its requests through what the
// provider built: the cloud must choose the backend that the reference router, model.Route
// (the Kubernetes semantics), chooses. Each table also states the answer, which is checked
// against the reference router first, so that a wrong table is told from a wrong provider.
func (s *suite) testRouting(t *testing.T) {
	cloud := s.h.NewCloud(t)
	p := cloud.Provider(clusterA)
	tables := append(pathTables(), hostTables...)
	for i, table := range tables {
		t.Run(table.name, func(t *testing.T) {
			s.checkTable(t, cloud, p, fmt.Sprintf("routes-%02d", i), table)
		})
	}
	for i, file := range conformanceFeatures {
		t.Run("conformance "+file, func(t *testing.T) {
			s.checkTable(t, cloud, p, fmt.Sprintf("conformance-%d", i), conformanceTable(t, file))
		})
	}
}

// checkTable builds a table's load balancer and checks each of its requests.
func (s *suite) checkTable(t *testing.T, cloud Cloud, p providers.Provider, name string, table routingTable) {
	t.Helper()
	want := s.build(p, table.lb(name))
	mustEnsure(t, p, want)
	if !s.has(OwnAddress) {
		// The load balancers share one address: the next table's must not meet this one's
		// claims on it.
		defer mustDelete(t, p, want.Ref)
	}
	for _, req := range table.requests {
		s.checkRoute(t, cloud, want, req)
	}
}

// checkRoute compares the cloud's choice for one request with the reference router's.
func (s *suite) checkRoute(t *testing.T, cloud Cloud, want *providers.Desired, req request) {
	t.Helper()
	d := model.Route(&want.Spec, req.host, req.path)
	if d.Backend != req.want {
		t.Errorf("the table is wrong: %s%s goes to %q by the table, to %q by the reference router (%s)",
			req.host, req.path, req.want, d.Backend, d.Reason)
	}
	got, ok := cloud.Route(clusterA, want, req.host, req.path)
	if !ok {
		got = ""
	}
	if got != d.Backend {
		t.Errorf("%s%s: the cloud routes to %s; the reference router to %s (%s)",
			req.host, req.path, orNotFound(got), orNotFound(d.Backend), d.Reason)
	}
}

func orNotFound(backend string) string {
	if backend == "" {
		return "404"
	}
	return "backend " + backend
}
