package sweep_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/controllers/cluster"
	"github.com/portico-dev/portico/controllers/metrics"
	"github.com/portico-dev/portico/controllers/sweep"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

func sweeper(t *testing.T, p providers.Provider) *sweep.Sweeper {
	t.Helper()
	registry, err := providers.NewRegistry(p)
	if err != nil {
		t.Fatal(err)
	}
	return &sweep.Sweeper{APIReader: k8s, Registry: registry}
}

func found(refs map[string][]providers.Ref, ref providers.Ref) bool {
	for _, r := range refs["fake"] {
		if r == ref {
			return true
		}
	}
	return false
}

// TestOrphanIsDeletedAtTheSecondPass: the first pass that finds a load balancer unclaimed
// only reports it; the next one deletes it. A load balancer that an object claims is never
// touched.
func TestOrphanIsDeletedAtTheSecondPass(t *testing.T) {
	ctx := context.Background()
	cloud := newRegions()
	ghost := cloud.create(t, fake.GlobalLocation, uniqueName("ghost"))
	live := cloud.create(t, fake.GlobalLocation, loadBalancer(uniqueName("live")).servedBy("fake", fake.GlobalLocation).create(t).Name)
	s := sweeper(t, cloud)

	first := s.SweepOnce(ctx)
	if !found(first, ghost) || found(first, live) {
		t.Fatalf("the first pass found %v; want %v and not %v", first, ghost, live)
	}
	if !cloud.exists(t, ghost) {
		t.Fatal("the first pass that saw the orphan deleted it")
	}
	s.SweepOnce(ctx)
	if cloud.exists(t, ghost) {
		t.Error("the second pass that saw the orphan kept it")
	}
	if !cloud.exists(t, live) {
		t.Error("the sweep deleted a load balancer that an object claims")
	}
}

// TestOrphanMustBeSeenInConsecutivePasses: a pass that finds the load balancer claimed resets
// the count, even if a later pass finds it unclaimed again.
func TestOrphanMustBeSeenInConsecutivePasses(t *testing.T) {
	ctx := context.Background()
	cloud := newRegions()
	ghost := cloud.create(t, fake.GlobalLocation, uniqueName("flicker"))
	s := sweeper(t, cloud)

	s.SweepOnce(ctx)
	lb := loadBalancer(ghost.Name).create(t)
	s.SweepOnce(ctx)
	if err := k8s.Delete(ctx, lb); err != nil {
		t.Fatal(err)
	}
	s.SweepOnce(ctx)
	if !cloud.exists(t, ghost) {
		t.Fatal("deleted after unclaimed, claimed, unclaimed: not two consecutive passes")
	}
	s.SweepOnce(ctx)
	if cloud.exists(t, ghost) {
		t.Error("kept after two consecutive unclaimed passes")
	}
}

// TestLoadBalancerCreatedBetweenPassesIsKept: an object that appears after the first pass
// (an Ingress re-created, a backup restored) claims its load balancer back.
func TestLoadBalancerCreatedBetweenPassesIsKept(t *testing.T) {
	ctx := context.Background()
	cloud := newRegions()
	ref := cloud.create(t, fake.GlobalLocation, uniqueName("returning"))
	s := sweeper(t, cloud)

	s.SweepOnce(ctx)
	loadBalancer(ref.Name).create(t)
	s.SweepOnce(ctx)
	s.SweepOnce(ctx)
	if !cloud.exists(t, ref) {
		t.Error("the sweep deleted a load balancer whose object was created between two passes")
	}
}

// racingReader creates a LoadBalancer object right after the sweep's first read of it,
// once armed: the object appears between the pass's check and its delete.
type racingReader struct {
	client.Reader
	mu     sync.Mutex
	armed  bool
	name   string
	create func()
}

func (r *racingReader) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	err := r.Reader.Get(ctx, key, obj, opts...)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.armed && key.Name == r.name {
		r.armed = false
		r.create()
	}
	return err
}

// TestLoadBalancerIsReadAgainJustBeforeDeleting: an object created after the second pass
// found its load balancer unclaimed, but before the delete, still keeps it.
func TestLoadBalancerIsReadAgainJustBeforeDeleting(t *testing.T) {
	ctx := context.Background()
	cloud := newRegions()
	ref := cloud.create(t, fake.GlobalLocation, uniqueName("racing"))
	reader := &racingReader{Reader: k8s, name: ref.Name, create: func() { loadBalancer(ref.Name).create(t) }}
	s := sweeper(t, cloud)
	s.APIReader = reader

	s.SweepOnce(ctx)
	reader.mu.Lock()
	reader.armed = true
	reader.mu.Unlock()
	second := s.SweepOnce(ctx)
	if !found(second, ref) {
		t.Fatalf("the second pass did not see the orphan before its object appeared: %v", second)
	}
	if !cloud.exists(t, ref) {
		t.Error("the sweep deleted a load balancer whose object appeared just before the delete")
	}
}

// TestReportOnlyDeletesNothing: --orphan-policy=report finds and counts orphans at every
// pass and never deletes one.
func TestReportOnlyDeletesNothing(t *testing.T) {
	ctx := context.Background()
	cloud := newRegions()
	ghost := cloud.create(t, fake.GlobalLocation, uniqueName("reported"))
	s := sweeper(t, cloud)
	s.ReportOnly = true
	for pass := 1; pass <= 3; pass++ {
		if got := s.SweepOnce(ctx); !found(got, ghost) {
			t.Errorf("pass %d found %v, want %v", pass, got, ghost)
		}
	}
	if !cloud.exists(t, ghost) {
		t.Error("report-only deleted the orphan")
	}
	if v := testutil.ToFloat64(metrics.OrphanedLoadBalancers.WithLabelValues("fake")); v != 1 {
		t.Errorf("portico_orphaned_load_balancers = %v, want 1", v)
	}
}

// TestRecordedLocationsAreScanned: a location in the cluster record is scanned along with the
// provider's default location, and its orphan is deleted there, by its location.
func TestRecordedLocationsAreScanned(t *testing.T) {
	ctx := context.Background()
	cloud := newRegions("eu")
	ghost := cloud.create(t, "eu", uniqueName("abroad"))
	s := sweeper(t, cloud)

	s.SweepOnce(ctx)
	if got := cloud.lastScan(); !reflect.DeepEqual(got, []string{fake.GlobalLocation}) {
		t.Fatalf("with no location recorded the sweep scanned %v, want the default only", got)
	}

	ns := namespace(t)
	record, err := cluster.Open(ctx, k8s, cluster.Options{Namespace: ns, ClusterID: "sweep-test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := record.Record(ctx, "fake", "eu"); err != nil {
		t.Fatal(err)
	}
	// The sweep of the next start knows the location from the ConfigMap alone.
	restarted, err := cluster.Open(ctx, k8s, cluster.Options{Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	s.Locations = restarted
	first := s.SweepOnce(ctx)
	if got := cloud.lastScan(); !reflect.DeepEqual(got, []string{"eu", fake.GlobalLocation}) {
		t.Errorf("the sweep scanned %v, want eu (recorded) and global (the default)", got)
	}
	if !found(first, ghost) {
		t.Fatalf("the sweep found %v, want %v", first, ghost)
	}
	s.SweepOnce(ctx)
	if cloud.exists(t, ghost) {
		t.Error("the orphan in the recorded location survived two passes")
	}
}

// TestAnObjectThatMovedAwayLeavesAnOrphan: a load balancer left in a location or a provider
// its object no longer uses is an orphan there; the one the object uses is kept, as is the
// one its parameters move it to.
func TestAnObjectThatMovedAwayLeavesAnOrphan(t *testing.T) {
	ctx := context.Background()
	cloud := newRegions("eu", "us", "asia")
	name := uniqueName("moved")
	loadBalancer(name).params(fakeParams(t, "asia")).servedBy("fake", "us").create(t)
	old := cloud.create(t, "eu", name)
	live := cloud.create(t, "us", name)
	next := cloud.create(t, "asia", name)
	gone := loadBalancer(uniqueName("elsewhere")).provider("nginx").servedBy("nginx", fake.GlobalLocation).create(t)
	left := cloud.create(t, fake.GlobalLocation, gone.Name)

	s := sweeper(t, cloud)
	s.Locations = &cluster.MemoryLocations{}
	for _, l := range []string{"eu", "us", "asia"} {
		_ = s.Locations.Record(ctx, "fake", l)
	}
	s.SweepOnce(ctx)
	s.SweepOnce(ctx)
	if cloud.exists(t, old) {
		t.Error("the load balancer left in the old location survived")
	}
	if cloud.exists(t, left) {
		t.Error("the load balancer left by an object that moved to another provider survived")
	}
	if !cloud.exists(t, live) {
		t.Error("the sweep deleted the load balancer in the location the status names")
	}
	if !cloud.exists(t, next) {
		t.Error("the sweep deleted the load balancer a move is creating in the parameters' location")
	}
}

// TestStartSweepsAtEachTick: the running sweeper passes once per tick of its clock, so an
// orphan lives through one interval and goes at the next.
func TestStartSweepsAtEachTick(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cloud := newRegions()
	ghost := cloud.create(t, fake.GlobalLocation, uniqueName("ticked"))
	clock := clocktesting.NewFakeClock(time.Now())
	s := sweeper(t, cloud)
	s.Interval, s.Clock = time.Hour, clock
	gauge := metrics.OrphanedLoadBalancers.WithLabelValues("fake")
	gauge.Set(-1)
	go func() { _ = s.Start(ctx) }()

	waitFor(t, "the sweeper's ticker", clock.HasWaiters)
	clock.Step(time.Hour)
	waitFor(t, "the first pass", func() bool { return testutil.ToFloat64(gauge) == 1 })
	if !cloud.exists(t, ghost) {
		t.Fatal("the first pass deleted the orphan")
	}
	clock.Step(time.Hour)
	waitFor(t, "the second pass to delete the orphan", func() bool { return !cloud.exists(t, ghost) })
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
