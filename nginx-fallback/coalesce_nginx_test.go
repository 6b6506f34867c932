package nginxfallback

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestCoalescedBurstThroughNginx: nothing is served before the caches sync; then a burst
// of 100 changes gives at most a few reloads of a real nginx, every change is answered,
// and the last state is the one served.
func TestCoalescedBurstThroughNginx(t *testing.T) {
	h := newHarness(t)
	h.run()
	c := NewCoalescer(h.sup.Apply, CoalescerOptions{Interval: time.Minute, Clock: h.clock, Metrics: h.metrics})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = c.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})

	first := c.Update(input(h.catchAll("r0")))
	if _, err := os.Stat(filepath.Join(h.dir, ConfigFile)); !errors.Is(err, os.ErrNotExist) || h.served() != "" {
		t.Fatalf("a configuration was installed or served before the caches synced (%v)", err)
	}
	c.Synced()
	if err := waitAll(t, []*Pending{first}); err != nil {
		t.Fatal(err)
	}
	h.client.expect(t, "http", "", "/r0", "r0")

	var burst []*Pending
	for i := 1; i <= 100; i++ {
		burst = append(burst, c.Update(input(h.catchAll(fmt.Sprintf("r%d", i)))))
	}
	stepUntilDone(t, h, burst, time.Minute)
	if err := waitAll(t, burst); err != nil {
		t.Fatal(err)
	}
	h.client.expect(t, "http", "", "/r100", "r100")
	h.client.expect(t, "http", "", "/r99", "")
	h.client.expect(t, "http", "", "/r0", "")

	if got := h.reloads(ReloadSuccess); got < 2 || got > 3 {
		t.Fatalf("%v reloads for the first state and a burst of 100, want 2 or 3", got)
	}
	if got := testutil.ToFloat64(h.metrics.updates); got != 101 {
		t.Fatalf("%v updates counted, want 101", got)
	}
	if n, err := testutil.GatherAndCount(h.reg, "portico_nginx_reloads_total", "portico_nginx_reload_duration_seconds",
		"portico_nginx_restarts_total", "portico_nginx_config_updates_total"); err != nil || n != 4 {
		t.Fatalf("%d of the 4 metrics on the registry (%v)", n, err)
	}
}

// stepUntilDone advances the clock by interval whenever the coalescer waits on it, until
// every update is answered.
func stepUntilDone(t *testing.T, h *harness, pending []*Pending, interval time.Duration) {
	t.Helper()
	last := pending[len(pending)-1]
	waitUntil(t, "the burst to be loaded", func() bool {
		select {
		case <-last.Done():
			return true
		default:
		}
		if h.clock.HasWaiters() {
			h.clock.Step(interval)
		}
		return false
	})
}
