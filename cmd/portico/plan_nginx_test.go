package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/test/echo"
)

// nginxManifest is an Ingress with a Service whose EndpointSlice points at an echo backend
// on loopback, a Service without endpoints, and a TLS host whose Secret holds cert and key.
func nginxManifest(backend *echo.Server, cert, key []byte) string {
	return fmt.Sprintf(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  tls: [{hosts: [secure.example.com], secretName: tls}]
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
      - {path: /empty, pathType: Exact, backend: {service: {name: empty, port: {number: 80}}}}
  - host: secure.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: cart-1, namespace: shop, labels: {kubernetes.io/service-name: cart}}
addressType: IPv4
ports: [{name: http, port: %d}]
endpoints:
- {addresses: [127.0.0.1]}
---
apiVersion: v1
kind: Secret
metadata: {name: tls, namespace: shop}
type: kubernetes.io/tls
stringData:
  tls.crt: |
    %s
  tls.key: |
    %s
`, backend.Port, indentPEM(cert), indentPEM(key))
}

func indentPEM(b []byte) string {
	return strings.ReplaceAll(strings.TrimSpace(string(b)), "\n", "\n    ")
}

func testCertificate(t *testing.T, host string) (cert, key []byte) {
	t.Helper()
	cert, key, err := testcert.SelfSigned(host)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func poolOf(t *testing.T, certPEM []byte) *x509.CertPool {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(certPEM) {
		t.Fatal("the test certificate does not parse")
	}
	return pool
}

// TestPlanNginxServesAsPrinted: the configuration plan prints, run by a real nginx with a
// prefix of its own, serves the Ingresses on the given ports: a path to the echo backend of
// the EndpointSlice, 503 for a Service without endpoints, 404 for what no rule matches, and
// TLS with the Secret's certificate from the files --write-dir wrote.
func TestPlanNginxServesAsPrinted(t *testing.T) {
	bin := nginxForTest(t)
	backend := echo.New(t, echo.Identity{Namespace: "shop", Service: "cart", Pod: "cart-0"})
	cert, key := testCertificate(t, "secure.example.com")
	file := writeManifest(t, nginxManifest(backend, cert, key))
	httpPort, httpsPort := freeTCPPort(t), freeTCPPort(t)
	dir := filepath.Join(t.TempDir(), "prefix")
	code, out, errOut := runPortico(t, "plan", "-f", file, "--provider", "nginx",
		"--http-port", fmt.Sprint(httpPort), "--https-port", fmt.Sprint(httpsPort), "--write-dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "PRIVATE KEY") || strings.Contains(errOut, "PRIVATE KEY") {
		t.Fatal("plan printed the private key")
	}
	written, err := os.ReadFile(filepath.Join(dir, "nginx.conf"))
	if err != nil || string(written) != out {
		t.Fatalf("--write-dir wrote another configuration than the one printed (%v)", err)
	}
	// The printed copy runs from a prefix of its own, with only the certificates beside it.
	runDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(runDir, "printed.conf"), []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "certs"), filepath.Join(runDir, "certs")); err != nil {
		t.Fatal(err)
	}
	runNginx(t, bin, runDir, "printed.conf")
	base := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	waitServing(t, base)
	expectEcho(t, http.DefaultClient, base, "shop.example.com", "/cart/items?x=1", "cart")
	expectStatus(t, http.DefaultClient, base, "shop.example.com", "/empty", 503)
	expectStatus(t, http.DefaultClient, base, "shop.example.com", "/cartoon", 404)
	expectStatus(t, http.DefaultClient, base, "other.example.com", "/cart", 404)
	tlsClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		ServerName: "secure.example.com", RootCAs: poolOf(t, cert)}}}
	expectEcho(t, tlsClient, fmt.Sprintf("https://127.0.0.1:%d", httpsPort), "secure.example.com", "/", "cart")
}

func TestPlanNginxWithoutWriteDirNamesTheCertificateFiles(t *testing.T) {
	backend := echo.New(t, echo.Identity{Service: "cart"})
	cert, key := testCertificate(t, "secure.example.com")
	code, out, errOut := runPortico(t, "plan", "-f", writeManifest(t, nginxManifest(backend, cert, key)), "--provider", "nginx", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "PRIVATE KEY") || !strings.Contains(out, `"certs/`) || !strings.Contains(out, "--write-dir") {
		t.Fatalf("the JSON plan should name the certificate files, say how to write them, and hold no key:\n%s", out)
	}
}

func TestPlanNginxErrorsAndUsage(t *testing.T) {
	bad := writeManifest(t, strings.Replace(planIngress, "pathType: Prefix, ", "", 1))
	if code, _, errOut := runPortico(t, "plan", "-f", bad, "--provider", "nginx"); code != exitFinding || !strings.Contains(errOut, "pathType") {
		t.Errorf("an Ingress without pathType: exit %d, stderr %q", code, errOut)
	}
	file := writeManifest(t, planIngress)
	for _, args := range [][]string{
		{"plan", "-f", file, "--provider", "fake", "--http-port", "8081"},
		{"plan", "-f", file, "--write-dir", t.TempDir()},
		{"plan", "-f", file, "--provider", "nginx", "--http-port", "8443"},
	} {
		code, out, errOut := runPortico(t, args...)
		if code == exitOK || out != "" {
			t.Errorf("portico %v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

func nginxForTest(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("nginx")
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("nginx is not installed, and CI is set: .ci/run must install it (%v)", err)
	}
	t.Skip("nginx is not installed; skipping the test that runs the printed configuration")
	return ""
}

// runNginx runs nginx in the foreground with prefix dir and stops it gracefully at the end.
func runNginx(t *testing.T, bin, dir, conf string) {
	t.Helper()
	cmd := exec.Command(bin, "-p", dir+"/", "-c", conf, "-e", "stderr", "-g", "daemon off;")
	var errOut strings.Builder
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("nginx did not stop on SIGQUIT: %s", errOut.String())
		}
	})
	select {
	case err := <-done:
		t.Fatalf("nginx exited at once (%v): %s", err, errOut.String())
	case <-time.After(0):
	}
}

// waitServing polls until nginx accepts connections: it starts in another process.
func waitServing(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/")
		if err == nil {
			_ = resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx does not answer on %s: %v", base, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func get(t *testing.T, c *http.Client, base, host, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s%s: %v", host, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func expectEcho(t *testing.T, c *http.Client, base, host, path, service string) {
	t.Helper()
	code, body := get(t, c, base, host, path)
	got, err := echo.Decode(body)
	if code != http.StatusOK || err != nil || got.Service != service || got.Path != path || got.Host != host {
		t.Errorf("GET %s%s: %d %s, want Service %s (%v)", host, path, code, body, service, err)
	}
}

func expectStatus(t *testing.T, c *http.Client, base, host, path string, want int) {
	t.Helper()
	if code, body := get(t, c, base, host, path); code != want {
		t.Errorf("GET %s%s: %d %s, want %d", host, path, code, body, want)
	}
}

// TestPlanNginxSaysWhatItAssumed: a TLS Secret the files lack, and a host that an older
// load balancer claims, are said on stderr, never in the configuration on stdout.
func TestPlanNginxSaysWhatItAssumed(t *testing.T) {
	second := strings.Replace(planIngress, "metadata: {name: web, namespace: shop}",
		"metadata: {name: web2, namespace: shop, creationTimestamp: \"2026-01-02T00:00:00Z\"}", 1)
	first := strings.Replace(planIngress, "metadata: {name: web, namespace: shop}",
		"metadata: {name: web, namespace: shop, creationTimestamp: \"2026-01-01T00:00:00Z\"}", 1)
	first = strings.Replace(first, "spec:\n  rules:", "spec:\n  tls: [{hosts: [shop.example.com], secretName: missing}]\n  rules:", 1)
	code, out, errOut := runPortico(t, "plan", "-f", writeManifest(t, first+"---\n"+second), "--provider", "nginx")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"the TLS Secret shop/missing is not in the files", `does not serve host shop.example.com: an older load balancer claims it`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr does not say %q:\n%s", want, errOut)
		}
		if strings.Contains(out, want) {
			t.Errorf("stdout, the configuration, says %q", want)
		}
	}
	if !strings.HasPrefix(out, "worker_processes") {
		t.Errorf("stdout is not the configuration alone:\n%.200s", out)
	}
}
