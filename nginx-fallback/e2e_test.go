package nginxfallback

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/freeport"
	"github.com/portico-dev/portico/providers"
)

// echo is what a test backend answers: its own name and what it received.
type echo struct {
	Backend, Path, Host, XFF, Proto, FwdHost, RequestID string
}

// backends are httptest servers on loopback, one per backend name, made on first use.
type backends struct {
	t       *testing.T
	servers map[string]*httptest.Server
	// conns counts the connections each backend accepted.
	conns sync.Map // name → *atomic.Int64
}

func (bs *backends) connections(name string) int64 {
	v, _ := bs.conns.LoadOrStore(name, new(atomic.Int64))
	return v.(*atomic.Int64).Load()
}

func (bs *backends) port(name string) int32 {
	if s, ok := bs.servers[name]; ok {
		return int32(s.Listener.Addr().(*net.TCPAddr).Port)
	}
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select { // longer than the backend's timeout, bounded
			case <-r.Context().Done():
			case <-time.After(3 * time.Second):
			}
		}
		_ = json.NewEncoder(w).Encode(echo{
			Backend: name, Path: r.URL.RequestURI(), Host: r.Host, XFF: r.Header.Get("X-Forwarded-For"),
			Proto: r.Header.Get("X-Forwarded-Proto"), FwdHost: r.Header.Get("X-Forwarded-Host"),
			RequestID: r.Header.Get("X-Request-ID"),
		})
	}))
	count, _ := bs.conns.LoadOrStore(name, new(atomic.Int64))
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			count.(*atomic.Int64).Add(1)
		}
	}
	s.Start()
	bs.t.Cleanup(s.Close)
	bs.servers[name] = s
	return bs.port(name)
}

// route adds a path rule whose backend is a live test backend.
func (bs *backends) route(b *lbBuilder, pathType, path, backend string) *lbBuilder {
	return b.path(pathType, path, backend).target(backend, "127.0.0.1", bs.port(backend))
}

// pathTable is the path matching table of the Kubernetes documentation (as in
// model/router_test.go), each case on a host of its own; want "" is a 404.
var pathTable = []struct {
	rules [][2]string // path type, path
	path  string
	want  string
}{
	{[][2]string{{"Prefix", "/"}}, "/anything/at/all", "Prefix /"},
	{[][2]string{{"Exact", "/foo"}}, "/foo", "Exact /foo"},
	{[][2]string{{"Exact", "/foo"}}, "/bar", ""},
	{[][2]string{{"Exact", "/foo"}}, "/foo/", ""},
	{[][2]string{{"Exact", "/foo/"}}, "/foo", ""},
	{[][2]string{{"Prefix", "/foo"}}, "/foo", "Prefix /foo"},
	{[][2]string{{"Prefix", "/foo"}}, "/foo/", "Prefix /foo"},
	{[][2]string{{"Prefix", "/foo/"}}, "/foo", "Prefix /foo/"},
	{[][2]string{{"Prefix", "/foo/"}}, "/foo/", "Prefix /foo/"},
	{[][2]string{{"Prefix", "/aaa/bb"}}, "/aaa/bbb", ""},
	{[][2]string{{"Prefix", "/aaa/bbb"}}, "/aaa/bbb", "Prefix /aaa/bbb"},
	{[][2]string{{"Prefix", "/aaa/bbb/"}}, "/aaa/bbb", "Prefix /aaa/bbb/"},
	{[][2]string{{"Prefix", "/aaa/bbb"}}, "/aaa/bbb/", "Prefix /aaa/bbb"},
	{[][2]string{{"Prefix", "/aaa/bbb"}}, "/aaa/bbb/ccc", "Prefix /aaa/bbb"},
	{[][2]string{{"Prefix", "/aaa/bbb"}}, "/aaa/bbbxyz", ""},
	{[][2]string{{"Prefix", "/"}, {"Prefix", "/aaa"}}, "/aaa/ccc", "Prefix /aaa"},
	{[][2]string{{"Prefix", "/"}, {"Prefix", "/aaa"}, {"Prefix", "/aaa/bbb"}}, "/aaa/bbb", "Prefix /aaa/bbb"},
	{[][2]string{{"Prefix", "/"}, {"Prefix", "/aaa"}, {"Prefix", "/aaa/bbb"}}, "/ccc", "Prefix /"},
	{[][2]string{{"Prefix", "/aaa"}}, "/ccc", ""},
	{[][2]string{{"Prefix", "/foo"}, {"Exact", "/foo"}}, "/foo", "Exact /foo"},
	{[][2]string{{"Prefix", "/foo"}}, "/FOO", ""},
	{[][2]string{{"Exact", "/foo"}}, "/foo?x=1", "Exact /foo"},
	{[][2]string{{"Prefix", "/foo"}}, "/foobar", ""},
	{[][2]string{{"Exact", "/foo/"}, {"Prefix", "/"}}, "/foo", "Prefix /"},
}

// e2eInput renders two LoadBalancers and a third with ssl-redirect:
//   - "a" owns the catch-all (rules without host: /catchall; no default backend, so an
//     unclaimed host gets 404), the path table hosts, *.wild.test and the contested
//     shared.test;
//   - "b" owns x.wild.test (precise over a's wildcard) and b.test (default backend, a
//     backend without targets, a 1 s timeout, TLS); its rules without host lose the
//     catch-all to "a", and its shared.test to "a";
//   - "c" owns secure.test with ssl-redirect.
func e2eInput(t *testing.T, bs *backends, extra func(a *lbBuilder)) Input {
	a := lb("a")
	for i, tc := range pathTable {
		a.host(fmt.Sprintf("case%d.table.test", i))
		for _, r := range tc.rules {
			bs.route(a, r[0], r[1], r[0]+" "+r[1])
		}
	}
	a.host("*.wild.test")
	bs.route(a, "Prefix", "/", "wild")
	a.host("shared.test")
	bs.route(a, "Prefix", "/", "a-shared")
	a.host("")
	bs.route(a, "Prefix", "/catchall", "catchall")
	if extra != nil {
		extra(a)
	}
	b := lb("b").host("x.wild.test")
	bs.route(b, "Prefix", "/", "b-x")
	b.host("b.test")
	bs.route(b, "Exact", "/only", "b-only")
	bs.route(b, "Prefix", "/slow", "b-slow").timeout("b-slow", 1)
	b.exact("/down", "b-down")
	b.host("shared.test")
	bs.route(b, "Prefix", "/", "b-shared")
	b.host("")
	bs.route(b, "Prefix", "/", "b-any")
	b.defaultBackend("b-default").target("b-default", "127.0.0.1", bs.port("b-default"))
	b.tls("ns/b-cert", e2eCert(t, "b.test"), "b.test")
	c := lb("c").host("secure.test")
	bs.route(c, "Prefix", "/", "c-secure")
	c.tls("ns/c-cert", e2eCert(t, "secure.test"), "secure.test").sslRedirect()
	return input(a, b, c)
}

var e2eCerts sync.Map

// e2eCert is one certificate per host for the whole test, so re-renders keep their files.
func e2eCert(t *testing.T, host string) (c providerCert) {
	if v, ok := e2eCerts.Load(host); ok {
		return v.(providerCert)
	}
	c = selfSigned(t, host)
	e2eCerts.Store(host, c)
	return c
}

// TestEndToEndThroughNginx serves rendered configurations with a real nginx on loopback
// and checks the routing with real requests.
func TestEndToEndThroughNginx(t *testing.T) {
	bin := nginxBinary(t)
	bs := &backends{t: t, servers: map[string]*httptest.Server{}}
	in := e2eInput(t, bs, nil)
	in.Settings = Settings{HTTPPort: freePort(t), HTTPSPort: freePort(t), ListenAddress: "127.0.0.1", WorkerProcesses: 1}
	in.Settings.RedirectHTTPSPort = in.Settings.HTTPSPort
	w := &Writer{Nginx: bin, Dir: t.TempDir()}
	if _, err := w.Apply(testContext(t), in); err != nil {
		t.Fatal(err)
	}
	n := startNginx(t, bin, w.Dir)
	c := newClient(in.Settings)
	c.waitReady(t)

	t.Run("kubernetes path table", func(t *testing.T) {
		for i, tc := range pathTable {
			c.expect(t, "http", fmt.Sprintf("case%d.table.test", i), tc.path, tc.want)
		}
	})
	t.Run("hosts", func(t *testing.T) {
		c.expect(t, "http", "one.wild.test", "/x", "wild")
		c.expect(t, "http", "ONE.Wild.test", "/x", "wild")
		c.expect(t, "http", "x.wild.test", "/x", "b-x")    // a precise host wins over a wildcard
		c.expect(t, "http", "two.one.wild.test", "/x", "") // a wildcard covers one label only
		c.expect(t, "http", "wild.test", "/x", "")
		c.expect(t, "http", "shared.test", "/", "a-shared")           // the owner's rules only
		c.expect(t, "http", "nobody.test", "/catchall/x", "catchall") // the catch-all owner's rules
		c.expect(t, "http", "nobody.test", "/", "")                   // 404 for an unclaimed host
		c.expect(t, "http", "", "/catchall", "catchall")
	})
	t.Run("default backend, no targets, timeouts", func(t *testing.T) {
		c.expect(t, "http", "b.test", "/only", "b-only")
		c.expect(t, "http", "b.test", "/only/", "b-default")
		c.expect(t, "http", "b.test", "/other", "b-default")
		c.expectStatus(t, "http", "b.test", "/down", http.StatusServiceUnavailable)
		c.expectStatus(t, "http", "b.test", "/slow", http.StatusGatewayTimeout)
	})
	t.Run("tls and ssl-redirect", func(t *testing.T) {
		c.expect(t, "https", "b.test", "/only", "b-only")
		resp := c.do(t, "http", "secure.test", "/a?b=c", nil)
		want := fmt.Sprintf("https://secure.test:%d/a?b=c", in.Settings.HTTPSPort)
		if resp.status != http.StatusPermanentRedirect || resp.location != want {
			t.Fatalf("ssl-redirect: %d %q, want 308 %q", resp.status, resp.location, want)
		}
		c.expect(t, "https", "secure.test", "/a", "c-secure")
		if _, err := c.tryTLS("nobody.test"); err == nil {
			t.Fatal("a TLS handshake for a host without certificate succeeded")
		}
	})
	t.Run("headers", func(t *testing.T) {
		got := c.do(t, "https", "b.test", "/only", map[string]string{"X-Forwarded-For": "6.6.6.6"}).echo
		if got.Host != "b.test" || got.XFF != "127.0.0.1" || got.Proto != "https" || got.FwdHost != "b.test" || len(got.RequestID) != 32 {
			t.Fatalf("headers the backend got: %+v", got)
		}
		got = c.do(t, "http", "b.test", "/only", map[string]string{"X-Request-ID": "trace-1"}).echo
		if got.RequestID != "trace-1" || got.Proto != "http" {
			t.Fatalf("headers the backend got: %+v", got)
		}
	})
	t.Run("keepalive to upstreams", func(t *testing.T) {
		before := bs.connections("b-only")
		for i := 0; i < 20; i++ {
			c.expect(t, "http", "b.test", "/only", "b-only")
		}
		if opened := bs.connections("b-only") - before; opened > 2 {
			t.Fatalf("20 requests opened %d connections to the backend; keepalive should reuse one", opened)
		}
	})
	t.Run("a refused configuration never replaces the serving one", func(t *testing.T) {
		bad := e2eInput(t, bs, func(a *lbBuilder) { bs.route(a, "Prefix", "/new", "catchall-new") })
		bad.Settings = in.Settings
		bad.LoadBalancers[1].Certificates["ns/b-cert"] = certificate([]byte("garbage"), []byte("garbage"))
		if _, err := w.Apply(testContext(t), bad); !IsRejected(err) {
			t.Fatalf("want nginx to reject a broken certificate, got %v", err)
		}
		n.reload(t)
		c.expect(t, "http", "nobody.test", "/new", "")
		c.expect(t, "https", "b.test", "/only", "b-only")

		good := e2eInput(t, bs, func(a *lbBuilder) { bs.route(a, "Prefix", "/new", "catchall-new") })
		good.Settings = in.Settings
		if changed, err := w.Apply(testContext(t), good); err != nil || !changed {
			t.Fatalf("apply: changed %v, %v", changed, err)
		}
		n.reload(t)
		c.eventually(t, "http", "nobody.test", "/new", "catchall-new")
		c.expect(t, "https", "b.test", "/only", "b-only")
	})
}

// providerCert is the certificate type the builders take.
type providerCert = providers.Certificate

// nginxProcess is an nginx master in the foreground, stopped at the end of the test.
type nginxProcess struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

func startNginx(t *testing.T, bin, dir string) *nginxProcess {
	t.Helper()
	n := &nginxProcess{stderr: &bytes.Buffer{}}
	n.cmd = exec.Command(bin, "-p", dir+"/", "-c", ConfigFile, "-e", "stderr", "-g", "daemon off;")
	n.cmd.Stderr = n.stderr
	// If the test binary dies, the kernel kills nginx with it.
	n.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.stop(t, dir) })
	return n
}

func (n *nginxProcess) reload(t *testing.T) {
	if err := n.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
}

// stop quits nginx gracefully (SIGQUIT: in-flight requests finish), killing it after 10 s.
func (n *nginxProcess) stop(t *testing.T, dir string) {
	_ = n.cmd.Process.Signal(syscall.SIGQUIT)
	done := make(chan error, 1)
	go func() { done <- n.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = n.cmd.Process.Kill()
		<-done
		t.Errorf("nginx did not quit within 10 s; killed")
	}
	if _, err := os.Stat(filepath.Join(dir, PidFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("nginx left its pid file behind: %v", err)
	}
	if t.Failed() {
		t.Logf("nginx stderr:\n%s", n.stderr.String())
	}
}

func freePort(t *testing.T) int {
	p, err := freeport.Pick()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// client sends requests to nginx on loopback, whatever the host, and never follows redirects.
type client struct {
	set  Settings
	http *http.Client
}

type response struct {
	status   int
	location string
	echo     echo
}

func newClient(set Settings) *client {
	dial := func(ctx context.Context, _, addr string) (net.Conn, error) {
		_, port, _ := net.SplitHostPort(addr)
		return (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", port))
	}
	tr := &http.Transport{DialContext: dial, TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // self-signed test certificates
	return &client{set: set, http: &http.Client{
		Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (c *client) url(scheme, host, path string) (string, string) {
	port := c.set.HTTPPort
	if scheme == "https" {
		port = c.set.HTTPSPort
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return fmt.Sprintf("%s://%s:%d%s", scheme, host, port, path), host
}

func (c *client) try(scheme, host, path string, headers map[string]string) (response, error) {
	url, h := c.url(scheme, host, path)
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return response{}, err
	}
	req.Host = h
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	r := response{status: resp.StatusCode, location: resp.Header.Get("Location")}
	if resp.StatusCode == http.StatusOK {
		err = json.NewDecoder(resp.Body).Decode(&r.echo)
	}
	return r, err
}

func (c *client) do(t *testing.T, scheme, host, path string, headers map[string]string) response {
	t.Helper()
	r, err := c.try(scheme, host, path, headers)
	if err != nil {
		t.Fatalf("%s %s%s: %v", scheme, host, path, err)
	}
	return r
}

// expect checks that a request reaches backend want, or gets a 404 when want is "".
func (c *client) expect(t *testing.T, scheme, host, path, want string) {
	t.Helper()
	r := c.do(t, scheme, host, path, nil)
	if want == "" && r.status != http.StatusNotFound || want != "" && (r.status != http.StatusOK || r.echo.Backend != want) {
		t.Errorf("%s://%s%s: %d from %q (location %q), want %s", scheme, host, path, r.status, r.echo.Backend, r.location, orNotFound(want))
	}
}

func (c *client) expectStatus(t *testing.T, scheme, host, path string, want int) {
	t.Helper()
	if r := c.do(t, scheme, host, path, nil); r.status != want {
		t.Errorf("%s://%s%s: %d, want %d", scheme, host, path, r.status, want)
	}
}

// eventually retries a request for up to 10 s (100 tries) until it reaches want: a reload
// takes effect when the new workers start.
func (c *client) eventually(t *testing.T, scheme, host, path, want string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		if r, err := c.try(scheme, host, path, nil); err == nil && r.status == http.StatusOK && r.echo.Backend == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s://%s%s never reached %s", scheme, host, path, want)
}

// waitReady waits up to 10 s (100 tries) for nginx to answer.
func (c *client) waitReady(t *testing.T) {
	t.Helper()
	for i := 0; i < 100; i++ {
		if _, err := c.try("http", "", "/", nil); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("nginx did not answer within 10 s")
}

func (c *client) tryTLS(serverName string) (*tls.Conn, error) {
	d := &net.Dialer{Timeout: 5 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", "127.0.0.1:"+strconv.Itoa(c.set.HTTPSPort),
		&tls.Config{ServerName: serverName, InsecureSkipVerify: true}) //nolint:gosec // self-signed test certificates
	if err == nil {
		_ = conn.Close()
	}
	return conn, err
}

func orNotFound(want string) string {
	if want == "" {
		return "404"
	}
	return want
}
