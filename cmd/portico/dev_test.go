package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/freeport"
)

// syncBuffer is a bytes.Buffer that the command and the test may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDevRunsPorticoWithTheSamples runs `portico dev` as the README's quick start does and
// looks with kubectl, as its instructions say: the sample load balancers are there, and the
// broken sample Ingress says why it is not served.
func TestDevRunsPorticoWithTheSamples(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane")
	}
	t.Chdir(t.TempDir()) // the samples are built in: dev works outside a checkout
	logFile := filepath.Join(t.TempDir(), "portico.log")
	httpPort, httpsPort := freeTCPPort(t), freeTCPPort(t)
	kubectl := startDev(t, "--log-file", logFile, "--nginx-http-port", strconv.Itoa(httpPort), "--nginx-https-port", strconv.Itoa(httpsPort))
	waitUntil(t, "both sample load balancers to be Ready", func() bool {
		lbs := kubectl("get", "loadbalancers", "-o", "wide")
		return strings.Count(lbs, "True") >= 2 && strings.Contains(lbs, "demo-web-") && strings.Contains(lbs, "demo-sites-")
	})
	waitUntil(t, "the broken sample to say why", func() bool {
		return strings.Contains(kubectl("describe", "ingress", "-n", "demo", "broken"), "InvalidPath")
	})
	if ing := kubectl("get", "ingress", "-n", "demo", "web"); !strings.Contains(ing, "192.0.2.") {
		t.Errorf("the sample Ingress has no address:\n%s", ing)
	}
	if _, err := exec.LookPath("nginx"); err == nil || os.Getenv("CI") != "" {
		curlThroughNginx(t, httpPort)
	}
	if logs, err := os.ReadFile(logFile); err != nil || !strings.Contains(string(logs), "Starting") {
		t.Errorf("the controller's logs are not in %s: %v %.300s", logFile, err, logs)
	}
}

// startDev runs `portico dev` with the arguments until the test ends, waits until it is
// ready, and returns a kubectl that uses the kubeconfig and the kubectl its instructions name.
func startDev(t *testing.T, args ...string) func(args ...string) string {
	t.Helper()
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"dev", "--kubeconfig-out", kubeconfig}, args...), &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("portico dev exited %d: %s", code, stderr.String())
			}
		case <-time.After(60 * time.Second):
			t.Error("portico dev did not stop")
		}
	})

	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(stdout.String(), "portico dev is ready") {
		select {
		case code := <-done:
			done <- code
			t.Fatalf("portico dev exited %d before it was ready:\n%s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("portico dev did not get ready:\n%s\n%s", stdout.String(), stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	out := stdout.String()
	kubectlPath := ""
	for _, line := range strings.Split(out, "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "alias kubectl="); ok {
			kubectlPath = p
		}
	}
	if kubectlPath == "" || !strings.Contains(out, "export KUBECONFIG="+kubeconfig) {
		t.Fatalf("the instructions lack the kubeconfig or kubectl:\n%s", out)
	}
	return func(args ...string) string {
		t.Helper()
		cmd := exec.Command(kubectlPath, args...)
		cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl %v: %v\n%s", args, err, b)
		}
		return string(b)
	}
}

// curlThroughNginx sends what the instructions of portico dev say to curl, and waits until
// nginx answers it from the echo backend of the sample Ingress hello.
func curlThroughNginx(t *testing.T, port int) {
	t.Helper()
	waitUntil(t, "nginx to serve the sample hello", func() bool {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(port)+"/greeting", nil)
		req.Host = "hello.example.com"
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode == http.StatusOK && strings.Contains(string(b), `"service":"hello"`) && strings.Contains(string(b), `"path":"/greeting"`)
	})
}

func freeTCPPort(t *testing.T) int {
	t.Helper()
	p, err := freeport.Pick()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
