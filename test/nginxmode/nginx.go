package nginxmode

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/portico-dev/portico/internal/freeport"
	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
)

// Nginx is a real nginx under portico's Supervisor, listening on free loopback ports.
type Nginx struct {
	// Dir is nginx's prefix: its configuration and error log are there.
	Dir        string
	Settings   nginxfallback.Settings
	Supervisor *nginxfallback.Supervisor
	tb         testing.TB
}

// Binary returns the nginx to run. Without one the test is skipped, except in CI (the CI
// variable is set), where .ci/run installs nginx and a missing one is a failure.
func Binary(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("nginx")
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("nginx is not installed, and CI is set: .ci/run must install it (%v)", err)
	}
	tb.Skip("nginx is not installed (apt-get install -y nginx); skipping the test that needs a real nginx")
	return ""
}

// Options change how Start runs nginx.
type Options struct {
	// Workers is nginx's worker_processes; 0 is 1.
	Workers int
	// Metrics records reloads; nil records nothing.
	Metrics *nginxfallback.Metrics
}

// Start runs a Supervisor of a real nginx in a temporary prefix; nginx starts with the
// first Apply, and stops gracefully when the test ends.
func Start(tb testing.TB, o Options) *Nginx {
	tb.Helper()
	if o.Workers == 0 {
		o.Workers = 1
	}
	set := nginxfallback.Settings{
		HTTPPort: FreePort(tb), HTTPSPort: FreePort(tb), StatusPort: FreePort(tb),
		ListenAddress: "127.0.0.1", WorkerProcesses: o.Workers,
	}
	set.RedirectHTTPSPort = set.HTTPSPort
	dir := tb.TempDir()
	sup, err := nginxfallback.NewSupervisor(nginxfallback.Options{
		Nginx: Binary(tb), Dir: dir, Settings: set, Metrics: o.Metrics, Log: logr.Discard(),
		// A test that left a connection open should not wait the 25 s a pod would.
		StopTimeout: 5 * time.Second,
	})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sup.Run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				tb.Errorf("the supervisor: %v", err)
			}
		case <-time.After(60 * time.Second):
			tb.Errorf("nginx did not stop within 60 s")
		}
	})
	return &Nginx{Dir: dir, Settings: set, Supervisor: sup, tb: tb}
}

// Apply loads in and returns once nginx serves it.
func (n *Nginx) Apply(in nginxfallback.Input) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return n.Supervisor.Apply(ctx, in)
}

// MustApply is Apply that fails the test on an error.
func (n *Nginx) MustApply(in nginxfallback.Input) {
	n.tb.Helper()
	if err := n.Apply(in); err != nil {
		n.tb.Fatal(err)
	}
}

// ErrorLog is what nginx wrote to its error log so far, for a failing test to show.
func (n *Nginx) ErrorLog() string {
	data, err := os.ReadFile(filepath.Join(n.Dir, nginxfallback.ErrorLog))
	if err != nil {
		return err.Error()
	}
	return string(data)
}

// Addr is nginx's address for a scheme, http or https.
func (n *Nginx) Addr(scheme string) string {
	port := n.Settings.HTTPPort
	if scheme == "https" {
		port = n.Settings.HTTPSPort
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

// Client returns an HTTP client that sends every request to nginx, whatever the URL's
// host, as DNS would send a host's requests to the load balancer's address; TLS verifies
// the URL's host against roots (nil: the system's).
func (n *Nginx) Client(roots *tls.Config) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			scheme := "http"
			if _, port, _ := net.SplitHostPort(addr); port == "443" {
				scheme = "https"
			}
			return dialer.DialContext(ctx, "tcp", n.Addr(scheme))
		},
		TLSClientConfig:     roots,
		MaxIdleConnsPerHost: 64,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// FreePort returns a loopback port that was free a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	p, err := freeport.Pick()
	if err != nil {
		tb.Fatal(fmt.Errorf("find a free port: %w", err))
	}
	return p
}

// OldWorkers counts nginx's workers that are shutting down after a reload: they still
// finish requests by the configuration they were started with, so an endpoint that
// configuration lists must keep serving until they are gone (as a terminating pod does,
// for the time its preStop hook and grace period give). It reads the process table.
func (n *Nginx) OldWorkers() int {
	master, err := os.ReadFile(filepath.Join(n.Dir, nginxfallback.PidFile))
	if err != nil {
		return 0
	}
	ppid := strings.TrimSpace(string(master))
	entries, _ := os.ReadDir("/proc")
	count := 0
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.Contains(string(cmdline), "worker process is shutting down") {
			continue
		}
		if parentOf(e.Name()) == ppid {
			count++
		}
	}
	return count
}

// parentOf reads a process's parent pid from /proc/PID/stat, after the command's ")".
func parentOf(pid string) string {
	stat, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	if err != nil {
		return ""
	}
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 2 {
		return ""
	}
	return fields[1]
}
