package gcp

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
)

// fakeClock is a settable clock for the health resync.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

// healthReads counts the getHealth calls gcptest served since the last count.
func healthReads(srv *gcptest.Server) int {
	n := 0
	for _, c := range srv.Calls() {
		if strings.HasSuffix(c.Path, "/getHealth") {
			n++
		}
	}
	srv.ResetCalls()
	return n
}

func states(hs []providers.TargetHealth) string {
	var out []string
	for _, h := range hs {
		out = append(out, h.IP+"="+h.State)
	}
	return strings.Join(out, ",")
}

// TestHealthIsReadOnlyWhenItMayHaveChanged: health is read after endpoints change, on every
// pass while an endpoint is not healthy, and once per HealthResync when all are healthy; a
// resync with everything healthy reads none.
func TestHealthIsReadOnlyWhenItMayHaveChanged(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{InitialHealth: "UNHEALTHY"})
	clock := &fakeClock{t: time.Unix(1_000_000, 0)}
	// A negative snapshot TTL lists every pass, so that the test sees each pass's reads.
	p := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api, Clock: clock, SnapshotTTL: -1})
	d := loadBalancer("web").http().backend("web").defaultBackend("web").
		targets("web", providers.Target{IP: "10.0.0.1", Port: 8080, Zone: "zone-a"}, providers.Target{IP: "10.0.0.2", Port: 8080, Zone: "zone-a"}).d
	ensure := func(want string, reads int) {
		t.Helper()
		healthReads(tc.srv)
		obs, err := p.Ensure(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		if got := states(obs.Health["web"]); got != want {
			t.Errorf("health %s, want %s", got, want)
		}
		if got := healthReads(tc.srv); got != reads {
			t.Errorf("the pass read health %d time(s), want %d", got, reads)
		}
	}
	ensure("10.0.0.1=Unhealthy,10.0.0.2=Unhealthy", 1) // attached: read
	neg := p.namer.Name("neg", "web", "web", "zone-a")
	tc.srv.SetEndpointHealth("zone-a", neg, "10.0.0.1:8080", "HEALTHY")
	ensure("10.0.0.1=Healthy,10.0.0.2=Unhealthy", 1) // not all healthy: read again
	tc.srv.SetEndpointHealth("zone-a", neg, "10.0.0.2:8080", "HEALTHY")
	ensure("10.0.0.1=Healthy,10.0.0.2=Healthy", 1)
	ensure("10.0.0.1=Healthy,10.0.0.2=Healthy", 0) // all healthy, nothing changed: no read
	tc.srv.SetEndpointHealth("zone-a", neg, "10.0.0.2:8080", "UNHEALTHY")
	ensure("10.0.0.1=Healthy,10.0.0.2=Healthy", 0) // trusted until the resync
	clock.t = clock.t.Add(DefaultHealthResync)
	ensure("10.0.0.1=Healthy,10.0.0.2=Unhealthy", 1)

	// A restarted provider knows nothing and reads nothing, unless a readiness gate waits.
	tc.srv.SetEndpointHealth("zone-a", neg, "10.0.0.2:8080", "HEALTHY")
	p = New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api, Clock: clock, SnapshotTTL: -1})
	ensure("10.0.0.1=Unknown,10.0.0.2=Unknown", 0)
	d.AwaitingHealth = map[string]bool{"web": true}
	ensure("10.0.0.1=Healthy,10.0.0.2=Healthy", 1)
	ensure("10.0.0.1=Healthy,10.0.0.2=Healthy", 0)
}
