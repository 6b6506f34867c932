package nginxfallback

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestSupervisorServesAndReloads: the first Apply starts nginx, a changed configuration is
// reloaded and serves the very next request (Apply returns once no old worker accepts),
// and an unchanged one reloads nothing.
func TestSupervisorServesAndReloads(t *testing.T) {
	h := newHarness(t)
	h.run()
	h.mustApply(input(h.catchAll("one")))
	h.client.expect(t, "http", "", "/one", "one")
	h.client.expect(t, "http", "", "/two", "")

	h.mustApply(input(h.catchAll("one", "two")))
	if h.served() != h.installed() {
		t.Fatalf("Apply returned while nginx serves generation %q, not the installed %q", h.served(), h.installed())
	}
	h.client.expect(t, "http", "", "/two", "two")
	h.client.expect(t, "http", "", "/one", "one")

	h.mustApply(input(h.catchAll("one", "two")))
	if got := h.reloads(ReloadSuccess); got != 2 {
		t.Fatalf("%v successful loads, want 2: the start and one reload, none for an unchanged input", got)
	}
	if got := testutil.CollectAndCount(h.metrics.duration); got != 1 {
		t.Fatalf("%d duration series", got)
	}
}

// TestSupervisorKeepsServingWhatNginxRefuses: a certificate nginx cannot load never loads;
// the error is nginx's own message without key material or the prefix, and the previous
// configuration keeps serving until a good one replaces it.
func TestSupervisorKeepsServingWhatNginxRefuses(t *testing.T) {
	h := newHarness(t)
	h.run()
	withCert := func(b *lbBuilder, cert providerCert) Input {
		return input(b.host("a.test").prefix("/", "one").tls("ns/cert", cert, "a.test"))
	}
	h.mustApply(withCert(h.catchAll("one"), selfSigned(t, "a.test")))
	before := h.served()

	secret := "PORTICO-SECRET-KEY-MATERIAL"
	bad := certificate([]byte("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n"),
		[]byte("-----BEGIN PRIVATE KEY-----\n"+secret+"\n-----END PRIVATE KEY-----\n"))
	err := h.apply(withCert(h.catchAll("one", "two"), bad))
	if !IsRejected(err) || !strings.Contains(err.Error(), `cannot load certificate "certs/`) {
		t.Fatalf("want nginx's refusal of the certificate, got %v", err)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), h.dir) {
		t.Fatalf("the error carries key material or the prefix: %v", err)
	}
	if h.served() != before {
		t.Fatal("a refused configuration replaced the serving one")
	}
	h.client.expect(t, "http", "", "/one", "one")
	h.client.expect(t, "http", "", "/two", "")
	if got := h.reloads(ReloadRejected); got != 1 {
		t.Fatalf("%v rejected loads counted, want 1", got)
	}

	h.mustApply(withCert(h.catchAll("one", "two"), selfSigned(t, "a.test")))
	h.client.expect(t, "http", "", "/two", "two")
}

// TestSupervisorReportsAStartNginxRefuses: nginx -t passes, but nginx cannot bind its port:
// Apply returns nginx's message; once the port is free, the restart after the backoff
// serves.
func TestSupervisorReportsAStartNginxRefuses(t *testing.T) {
	h := newHarness(t)
	taken, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(h.sup.opts.Settings.HTTPPort)))
	if err != nil {
		t.Fatal(err)
	}
	h.run()
	err = h.apply(input(h.catchAll("one")))
	_ = taken.Close()
	if !IsRejected(err) || !strings.Contains(err.Error(), "Address already in use") || strings.Contains(err.Error(), h.dir) {
		t.Fatalf("want nginx's bind error, got %v", err)
	}
	waitUntil(t, "the supervisor to wait for its restart", h.clock.HasWaiters)
	h.clock.Step(100 * time.Millisecond)
	waitUntil(t, "the supervisor to see nginx serve after its restart", h.sup.running)
	h.client.expect(t, "http", "", "/one", "one")
	h.mustApply(input(h.catchAll("one")))
	if got := testutil.ToFloat64(h.metrics.restarts); got != 1 {
		t.Fatalf("%v restarts counted, want 1", got)
	}
}

// TestSupervisorRestartsKilledNginxWithBackoff kills nginx's master three times: each time
// the supervisor waits its backoff on the clock (100 ms, then 200 ms, then 100 ms again
// after nginx served for a minute), kills the orphaned workers that still hold the ports,
// and starts nginx again.
func TestSupervisorRestartsKilledNginxWithBackoff(t *testing.T) {
	h := newHarness(t)
	h.run()
	h.mustApply(input(h.catchAll("one")))
	for i, tc := range []struct{ served, delay time.Duration }{
		{0, 100 * time.Millisecond},
		{0, 200 * time.Millisecond},
		{time.Minute, 100 * time.Millisecond},
	} {
		h.clock.Step(tc.served)
		delay := tc.delay
		killed := h.kill()
		waitUntil(t, "the supervisor to wait for its restart", h.clock.HasWaiters)
		h.clock.Step(delay - time.Nanosecond)
		if !h.clock.HasWaiters() {
			t.Fatalf("restart %d came before its backoff of %s", i+1, delay)
		}
		h.clock.Step(time.Nanosecond)
		waitUntil(t, "the supervisor to see nginx serve after its restart", h.sup.running)
		h.client.expect(t, "http", "", "/one", "one")
		if pid := h.pid(); pid == killed {
			t.Fatalf("restart %d: nginx still runs as the killed pid %d", i+1, killed)
		}
	}
	if got := testutil.ToFloat64(h.metrics.restarts); got != 3 {
		t.Fatalf("%v restarts counted, want 3", got)
	}
	h.mustApply(input(h.catchAll("one", "two")))
	h.client.expect(t, "http", "", "/two", "two")
}

// TestGracefulStopLetsInFlightRequestsFinish stops the supervisor while a request waits on
// its backend: nginx stops accepting at once, the request completes, then nginx exits,
// with no deadline passing on the clock.
func TestGracefulStopLetsInFlightRequestsFinish(t *testing.T) {
	h := newHarness(t)
	slow := newBlockingBackend(t)
	h.run()
	h.mustApply(input(h.catchAll("one").prefix("/slow", "slow").target("slow", "127.0.0.1", slow.port)))
	result := make(chan response, 1)
	go func() {
		r, err := h.client.try("http", "", "/slow", nil)
		if err != nil {
			t.Errorf("the in-flight request failed: %v", err)
		}
		result <- r
	}()
	<-slow.arrived
	h.cancel()
	waitUntil(t, "nginx to stop accepting", func() bool { return h.served() == "" })
	select {
	case <-h.done:
		t.Fatal("Run returned before the in-flight request finished")
	default:
	}
	slow.unblock()
	if r := <-result; r.status != http.StatusOK || r.echo.Backend != "slow" {
		t.Fatalf("the in-flight request got %d from %q", r.status, r.echo.Backend)
	}
	h.wait()
}

// TestStopEndsAHungRequestAfterItsDeadline: a request that never finishes holds the
// graceful stop until StopTimeout passes on the clock; then nginx is terminated.
func TestStopEndsAHungRequestAfterItsDeadline(t *testing.T) {
	h := newHarness(t)
	hung := newBlockingBackend(t)
	h.run()
	h.mustApply(input(h.catchAll("one").prefix("/hung", "hung").target("hung", "127.0.0.1", hung.port)))
	go func() { _, _ = h.client.try("http", "", "/hung", nil) }()
	<-hung.arrived
	h.cancel()
	waitUntil(t, "the stop to wait for its deadline", h.clock.HasWaiters)
	h.clock.Step(stopTimeout)
	h.wait()
}
