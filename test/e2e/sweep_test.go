package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/sweep"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

// TestOrphanSweep: a load balancer in the cloud that no LoadBalancer object claims (left by
// a finalizer removed by hand, say) is reported, and deleted at the second pass that finds it
// unclaimed unless the policy is report; load balancers that objects claim are never touched.
func TestOrphanSweep(t *testing.T) {
	ctx := context.Background()
	ns, live := servedWeb(t)

	p := fake.New(env.Cloud, fake.Options{ClusterID: env.ClusterID})
	ghost := createGhost(t, p, ns+"-ghost")
	registry, err := providers.NewRegistry(p)
	if err != nil {
		t.Fatal(err)
	}

	report := &sweep.Sweeper{APIReader: env.Client, Registry: registry, ReportOnly: true}
	for pass := 1; pass <= 2; pass++ {
		found := report.SweepOnce(ctx)
		if !hasRef(found["fake"], ghost.Ref.Name) || hasRef(found["fake"], live.Name) {
			t.Fatalf("pass %d of the sweep found %v; want the ghost and not %s", pass, found, live.Name)
		}
	}
	if len(env.Inventory(ghost.Ref.Name)) == 0 {
		t.Fatal("report-only deleted the orphan")
	}
	if v, _ := metricValue(t, "portico_orphaned_load_balancers", map[string]string{"provider": "fake"}); v < 1 {
		t.Errorf("portico_orphaned_load_balancers = %v, want at least 1", v)
	}

	remove := &sweep.Sweeper{APIReader: env.Client, Registry: registry}
	remove.SweepOnce(ctx)
	if len(env.Inventory(ghost.Ref.Name)) == 0 {
		t.Fatal("the first pass that found the orphan deleted it")
	}
	remove.SweepOnce(ctx)
	if inv := env.Inventory(ghost.Ref.Name); len(inv) != 0 {
		t.Errorf("the orphan survived the sweep: %+v", inv)
	}
	if len(env.Inventory(live.Name)) == 0 {
		t.Error("the sweep deleted a load balancer that an object claims")
	}
}

func hasRef(refs []providers.Ref, name string) bool {
	for _, r := range refs {
		if r.Name == name {
			return true
		}
	}
	return false
}

// TestOrphanSweepRunsPeriodically: the sweeper the controller runs deletes an orphan on its
// own, at the second of its passes.
func TestOrphanSweepRunsPeriodically(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := fake.New(env.Cloud, fake.Options{ClusterID: env.ClusterID})
	ghost := createGhost(t, p, newNamespace(t)+"-ghost")
	registry, err := providers.NewRegistry(p)
	if err != nil {
		t.Fatal(err)
	}
	s := &sweep.Sweeper{APIReader: env.Client, Registry: registry, Interval: 200 * time.Millisecond}
	go func() { _ = s.Start(ctx) }()
	if err := waitFor(t, "the periodic sweep to delete the orphan", func() bool { return len(env.Inventory(ghost.Ref.Name)) == 0 }); err != nil {
		t.Fatal(err)
	}
}

// createGhost creates a load balancer in the cloud that no LoadBalancer object claims.
func createGhost(t *testing.T, p *fake.Provider, name string) *providers.Desired {
	t.Helper()
	ghost := &providers.Desired{
		Ref: providers.Ref{Name: name},
		Spec: v1alpha1.LoadBalancerSpec{
			Provider: "fake", Frontends: v1alpha1.Frontends{HTTP: true},
			DefaultBackend: "x/y:80",
			Backends:       []v1alpha1.Backend{{Name: "x/y:80", TargetType: "ip", Service: v1alpha1.ServiceRef{Namespace: "x", Name: "y", PortNumber: 80}}},
		},
	}
	if _, err := p.Ensure(context.Background(), ghost); err != nil {
		t.Fatal(err)
	}
	return ghost
}
