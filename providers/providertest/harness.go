// Package providertest is the contract every provider passes against its cloud or emulator.
// A provider's test calls Run with a Harness; the suite builds its own load balancers from
// tables and checks what every provider promises (see DESIGN.md, "The provider contract"):
//
//   - a second Ensure with the same Desired writes nothing, even from a restarted provider;
//   - Plan lists exactly the actions Ensure then performs, in order, and writes nothing;
//   - Delete is idempotent and leaves nothing the load balancer owned; Owned then omits it;
//   - Owned sees only this cluster's load balancers, in the cloud another cluster shares;
//   - one load balancer in two locations (a move) has resources in each; Owned reports
//     where each lives, and Delete in one location leaves the other whole;
//   - a crash after any write converges on the next pass, with nothing leaked or duplicated;
//   - reads do not grow with the number of load balancers, on a resync or a restart;
//   - Observed.Health, when reported, has one state per target of each backend;
//   - routing agrees with the reference router (model.Route) on the conformance tables.
//
// The crash checks run a fixed sample of crash points unless PORTICO_CONTRACT_CRASH=all
// (`make test-full`), which runs every write index of every transition.
package providertest

import (
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// Harness is what a provider gives the suite.
type Harness struct {
	// NewCloud starts a fresh, empty cloud or emulator; t's cleanup may stop it.
	NewCloud func(t testing.TB) Cloud
	// Kinds lists every kind of resource the provider reads: a pass may list each once.
	Kinds []string
	// ReadOneAtATime lists the kinds the cloud cannot list, only read one resource at a
	// time; each resource of them may cost one read per pass.
	ReadOneAtATime []string
	// Params are the class parameters of every load balancer the suite makes; nil for none.
	Params *v1alpha1.IngressClassParamsSpec
	// Locations are class parameters that put a load balancer in two different locations,
	// for the checks of Owned and Delete across locations.
	Locations []*v1alpha1.IngressClassParamsSpec
	// Targets returns the targets of a backend, when the cloud needs real ones (instances it
	// knows, say); nil gives every backend two targets the suite makes up.
	Targets func(lb string, b v1alpha1.Backend) []providers.Target
	// LoadBalancers is the N of the read checks; 0 means 300.
	LoadBalancers int
	// PageSize is how many resources one list call of the cloud returns at most (Google
	// pages at 500); 0 means lists are never paged. A paged list costs one read per page.
	PageSize int
}

// Cloud is one cloud or emulator, shared by the providers of every cluster of a test.
type Cloud interface {
	// Provider returns a new provider of this cloud for the cluster, with nothing cached: a
	// second call for the same cluster is a restart of its controller.
	Provider(clusterID string) providers.Provider
	// Counts returns how many reads and writes the cloud has served so far.
	Counts() Counts
	// FailWrite makes the nth write from now (n >= 1) fail: with landed, it takes effect and
	// its caller gets an error (the answer was lost); else it fails and changes nothing.
	// n = 0 disarms it.
	FailWrite(n int, landed bool)
	// Resources lists every resource in the cloud, with the owner the cloud records for it
	// (tags, a description), whoever made it.
	Resources() []Resource
	// Route sends a request for host and path to the load balancer that the provider of
	// clusterID built for want, and returns the backend (a name of want.Spec.Backends) that
	// the cloud chooses; ok is false when the cloud answers 404.
	Route(clusterID string, want *providers.Desired, host, path string) (backend string, ok bool)
}

// Counts are the calls a cloud has served: reads (list and get) and writes (everything that
// may change it).
type Counts struct {
	Reads  int
	Writes int
}

// Sub returns the calls served since an earlier count.
func (c Counts) Sub(before Counts) Counts {
	return Counts{Reads: c.Reads - before.Reads, Writes: c.Writes - before.Writes}
}

// Resource is one resource of the cloud.
type Resource struct {
	// Location is where the resource lives; "" for a cloud without locations.
	Location string
	Kind     string
	Name     string
	// Owner is who the cloud says owns it; zero when nothing records an owner. A resource
	// the load balancers of a cluster share is owned by the cluster: an Owner without a
	// LoadBalancer.
	Owner providers.Owner
}

// Run runs the contract suite against the harness's cloud.
func Run(t *testing.T, h Harness) {
	if h.NewCloud == nil || len(h.Kinds) == 0 {
		t.Fatal("the harness needs NewCloud and Kinds")
	}
	s := newSuite(t, h)
	t.Run("SecondEnsureWritesNothing", s.testSecondEnsureWritesNothing)
	t.Run("PlanListsWhatEnsureDoes", s.testPlanListsWhatEnsureDoes)
	t.Run("DeleteIsIdempotent", s.testDeleteIsIdempotent)
	t.Run("OwnedSeesOnlyThisCluster", s.testOwnedSeesOnlyThisCluster)
	t.Run("Locations", s.testLocations)
	t.Run("CrashAfterAnyWrite", s.testCrashAfterAnyWrite)
	t.Run("Reads", s.testReads)
	t.Run("HealthCoversEveryTarget", s.testHealthCoversEveryTarget)
	t.Run("Routing", s.testRouting)
}
