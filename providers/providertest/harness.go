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
//   - under random faults (throttled and unavailable calls, failed operations, lost answers)
//     passes converge to what they give without faults, without a hot loop (FaultyCloud);
//   - reads do not grow with the number of load balancers, on a resync or a restart;
//   - Observed.Health, when reported, has one state per target of each backend;
//   - routing agrees with the reference router (model.Route) on the conformance tables.
//
// A harness whose cloud lacks a capability (Harness.Lacks) skips the checks that need it,
// each saying which capability and why.
//
// The crash checks run a fixed sample of crash points unless PORTICO_CONTRACT_CRASH=all
// (`make test-full`), which runs every write index of every transition; the check under
// faults then runs 40 more seeds than its one.
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
	// Lacks maps each capability the cloud lacks to why it lacks it; nil for a cloud with
	// every one, which runs the whole suite. A check that needs one of them is skipped,
	// naming the capability and the reason.
	Lacks map[Capability]string
}

// Capability is something of a cloud that some checks need. A provider with no cloud (nginx,
// which serves every load balancer itself) lacks some of them.
type Capability string

const (
	// Restart is that a second Provider of the same cluster is a restarted controller, which
	// finds in the cloud what the first one made.
	Restart Capability = "restart"
	// Clusters is that the providers of two clusters share one cloud.
	Clusters Capability = "two clusters in one cloud"
	// FailWrite is that Cloud.FailWrite fails a chosen write, for the crash points.
	FailWrite Capability = "failing a chosen write"
	// ReadCounts is that Counts().Reads counts the reads the cloud served.
	ReadCounts Capability = "read counts"
	// WritePerChange is that each change Ensure reports costs at least one write. Without it
	// a write is the load of a whole configuration, which carries every change of a pass.
	WritePerChange Capability = "a write per change"
	// OwnAddress is that each load balancer has an address of its own, so the load balancers
	// of the routing tables serve side by side. Without it they share one address (and the
	// claims on its hosts): each table's load balancer is deleted before the next is made.
	OwnAddress Capability = "an address per load balancer"
	// RandomFaults is that the Cloud is a FaultyCloud, which fails a random share of its
	// calls. A harness that lacks it says why, and the suite starts no cloud to find out; a
	// Cloud that is no FaultyCloud skips the check too.
	RandomFaults Capability = "failing a random share of the calls"
)

// has reports whether the cloud has the capability.
func (s *suite) has(c Capability) bool {
	_, lacks := s.h.Lacks[c]
	return !lacks
}

// require skips t, saying why, unless the cloud has every one of the capabilities.
func (s *suite) require(t *testing.T, cs ...Capability) {
	t.Helper()
	for _, c := range cs {
		if reason, lacks := s.h.Lacks[c]; lacks {
			t.Skipf("needs the capability %q, which this provider lacks: %s", c, reason)
		}
	}
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
	t.Run("ConvergesUnderFaults", s.testConvergesUnderFaults)
	t.Run("Reads", s.testReads)
	t.Run("HealthCoversEveryTarget", s.testHealthCoversEveryTarget)
	t.Run("Routing", s.testRouting)
}
