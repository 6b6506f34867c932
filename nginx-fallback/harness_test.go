package nginxfallback

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	clocktesting "k8s.io/utils/clock/testing"
)

// harness is a Supervisor of a real nginx on loopback ports, on a fake clock, with its
// metrics on a registry of its own and test backends on loopback.
type harness struct {
	t       *testing.T
	bs      *backends
	sup     *Supervisor
	clock   *clocktesting.FakeClock
	metrics *Metrics
	reg     *prometheus.Registry
	client  *client
	dir     string
	cancel  context.CancelFunc
	done    chan error // Run's result
}

const stopTimeout = time.Hour

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, bs: &backends{t: t, servers: map[string]*httptest.Server{}},
		clock: clocktesting.NewFakeClock(time.Now()), reg: prometheus.NewRegistry(), dir: t.TempDir()}
	var err error
	if h.metrics, err = NewMetrics(h.reg); err != nil {
		t.Fatal(err)
	}
	set := Settings{HTTPPort: freePort(t), HTTPSPort: freePort(t), StatusPort: freePort(t), ListenAddress: "127.0.0.1", WorkerProcesses: 1}
	h.sup, err = NewSupervisor(Options{
		Nginx: nginxBinary(t), Dir: h.dir, Settings: set, Clock: h.clock, Metrics: h.metrics,
		StopTimeout: stopTimeout, KillTimeout: stopTimeout, Log: testr.New(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	h.client = newClient(set)
	return h
}

// run starts the Supervisor; at the end of the test it stops it and checks that nginx quit
// as a graceful stop leaves it: Run returned nil and the pid file is gone.
func (h *harness) run() {
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan error, 1)
	go func() { h.done <- h.sup.Run(ctx) }()
	h.t.Cleanup(func() {
		cancel()
		h.wait()
	})
}

// wait waits for Run to return, once.
func (h *harness) wait() {
	if h.done == nil {
		return
	}
	select {
	case err := <-h.done:
		h.done = nil
		if err != nil {
			h.t.Errorf("Run: %v", err)
		}
	case <-time.After(60 * time.Second):
		h.t.Fatal("Run did not return within 60 s of its context's end")
	}
	if _, err := os.Stat(filepath.Join(h.dir, PidFile)); !errors.Is(err, os.ErrNotExist) {
		h.t.Errorf("nginx left its pid file behind: %v", err)
	}
}

func (h *harness) apply(in Input) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return h.sup.Apply(ctx, in)
}

func (h *harness) mustApply(in Input) {
	h.t.Helper()
	if err := h.apply(in); err != nil {
		h.t.Fatal(err)
	}
}

// served is the generation nginx serves; "" when it does not answer.
func (h *harness) served() string {
	return h.sup.probe.generation(context.Background())
}

// installed is the generation of the configuration in nginx's prefix.
func (h *harness) installed() string {
	config, err := os.ReadFile(filepath.Join(h.dir, ConfigFile))
	if err != nil {
		h.t.Fatal(err)
	}
	return generationOf(config)
}

// pid is the master's pid from nginx's pid file.
func (h *harness) pid() int {
	h.t.Helper()
	data, err := os.ReadFile(filepath.Join(h.dir, PidFile))
	if err != nil {
		h.t.Fatal(err)
	}
	pid, err := strconv.Atoi(string(trimNewline(data)))
	if err != nil {
		h.t.Fatal(err)
	}
	return pid
}

// kill kills nginx's master with SIGKILL, as the kernel's OOM killer would, and returns
// its pid; its workers are left running, as they would be.
func (h *harness) kill() int {
	h.t.Helper()
	pid := h.pid()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		h.t.Fatal(err)
	}
	return pid
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

func (h *harness) reloads(result string) float64 {
	return testutil.ToFloat64(h.metrics.reloads.WithLabelValues(result))
}

// catchAll is a LoadBalancer "a" that serves /NAME on the catch-all with backend NAME, for
// each name.
func (h *harness) catchAll(names ...string) *lbBuilder {
	b := lb("a").host("")
	for _, n := range names {
		h.bs.route(b, "Prefix", "/"+n, n)
	}
	return b
}

// blockingBackend answers after release is closed, and says when a request arrived.
type blockingBackend struct {
	arrived chan struct{}
	release chan struct{}
	port    int32
}

func newBlockingBackend(t *testing.T) *blockingBackend {
	b := &blockingBackend{arrived: make(chan struct{}, 16), release: make(chan struct{})}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.arrived <- struct{}{}
		select {
		case <-b.release:
		case <-r.Context().Done():
		}
		_, _ = w.Write([]byte(`{"Backend":"slow"}`))
	}))
	t.Cleanup(func() {
		b.unblock()
		s.Close()
	})
	b.port = int32(s.Listener.Addr().(*net.TCPAddr).Port)
	return b
}

func (b *blockingBackend) unblock() {
	select {
	case <-b.release:
	default:
		close(b.release)
	}
}

// waitUntil polls cond for up to 30 s: a condition another goroutine or process makes true,
// never a duration that the behaviour depends on.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
