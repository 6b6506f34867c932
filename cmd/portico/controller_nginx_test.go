package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/internal/controlplane"
	porticoscheme "github.com/portico-dev/portico/internal/scheme"
)

// TestNginxModeServesOnEveryReplica runs two replicas of `portico controller --providers
// nginx --leader-elect`: both render and serve the Ingress through their own nginx (serving
// needs no leadership), both get ready, and the leader writes the --publish-address into the
// Ingress's status.
func TestNginxModeServesOnEveryReplica(t *testing.T) {
	if _, err := exec.LookPath("nginx"); err != nil {
		t.Skip("nginx is not installed")
	}
	cp, err := controlplane.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := cp.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	metricsAddr := freeAddr(t)
	ports := []int{startReplica(t, kubeconfig, metricsAddr), startReplica(t, kubeconfig, "0")}
	c := newClient(t, cp)
	createEchoIngress(t, c, "replica.example.com")
	for _, port := range ports {
		waitFor(t, "replica on port "+strconv.Itoa(port)+" to serve the Ingress", func() bool {
			return echoServiceAt(port, "replica.example.com") == "web"
		})
	}
	waitFor(t, "the --publish-address in the Ingress's status", func() bool {
		ing := &networkingv1.Ingress{}
		if err := c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: "web"}, ing); err != nil {
			return false
		}
		lb := ing.Status.LoadBalancer.Ingress
		return len(lb) == 1 && lb[0].IP == "198.51.100.7"
	})
	body := httpBody(t, "http://"+metricsAddr+"/metrics")
	for _, want := range []string{`portico_nginx_reloads_total{result="success"}`, "portico_nginx_reload_duration_seconds_count", "portico_nginx_config_updates_total"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestPublishFlagsExcludeEachOther(t *testing.T) {
	code, _, errOut := runPortico(t, "controller", "--providers", "nginx", "--publish-service", "ns/svc", "--publish-address", "198.51.100.7")
	if code != exitUsage || !strings.Contains(errOut, "exclude each other") {
		t.Errorf("exit %d, %q; want %d and the flags named", code, errOut, exitUsage)
	}
}

// startReplica runs one replica until the test ends, waits until it is ready (its nginx
// serves), and returns nginx's HTTP port.
func startReplica(t *testing.T, kubeconfig, metricsAddr string) int {
	t.Helper()
	probe := freeAddr(t)
	httpPort, httpsPort, statusPort := freeTCPPort(t), freeTCPPort(t), freeTCPPort(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	stderr := &syncBuffer{}
	go func() {
		done <- run(ctx, []string{"controller", "--kubeconfig", kubeconfig, "--namespace", "default",
			"--metrics-bind-address", metricsAddr, "--health-probe-bind-address", probe,
			"--leader-elect", "--leader-election-namespace", "default", "--orphan-sweep-interval", "0",
			"--providers", "nginx", "--default-provider", "nginx", "--publish-address", "198.51.100.7",
			"--nginx-prefix", t.TempDir(), "--nginx-listen-address", "127.0.0.1",
			"--nginx-http-port", strconv.Itoa(httpPort), "--nginx-https-port", strconv.Itoa(httpsPort),
			"--nginx-status-port", strconv.Itoa(statusPort), "--nginx-reload-interval", "100ms"}, io.Discard, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("portico controller exited %d: %s", code, stderr.String())
			}
		case <-time.After(60 * time.Second):
			t.Error("portico controller did not stop")
		}
	})
	waitFor(t, "the replica's readiness (its nginx serves)", func() bool {
		select {
		case code := <-done:
			done <- code
			t.Fatalf("portico controller exited %d: %s", code, stderr.String())
		default:
		}
		return httpGet("http://"+probe+"/readyz") == 200
	})
	return httpPort
}

// createEchoIngress starts an echo backend on this machine's address (EndpointSlices refuse
// loopback) and creates its Service, EndpointSlice, a default IngressClass and an Ingress.
func createEchoIngress(t *testing.T, c client.Client, host string) {
	t.Helper()
	ip := nonLoopbackIPv4()
	if ip == "" {
		t.Skip("no IPv4 address outside loopback for the echo backend")
	}
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"service": "web"})
	}))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	port := int32(l.Addr().(*net.TCPAddr).Port)
	portName, ready := "http", true
	pt := networkingv1.PathTypePrefix
	objs := []client.Object{
		&networkingv1.IngressClass{
			ObjectMeta: metav1.ObjectMeta{Name: "portico", Annotations: map[string]string{"ingressclass.kubernetes.io/is-default-class": "true"}},
			Spec:       networkingv1.IngressClassSpec{Controller: "portico.dev/ingress-controller"},
		},
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web"},
			Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(port)}}},
		},
		&discoveryv1.EndpointSlice{
			ObjectMeta:  metav1.ObjectMeta{Namespace: "default", Name: "web-1", Labels: map[string]string{discoveryv1.LabelServiceName: "web"}},
			AddressType: discoveryv1.AddressTypeIPv4,
			Ports:       []discoveryv1.EndpointPort{{Name: &portName, Port: &port}},
			Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{ip}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
		},
		&networkingv1.Ingress{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web"},
			Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{
				HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &pt, Backend: networkingv1.IngressBackend{
					Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: 80}},
				}}}},
			}}}},
		},
	}
	for _, o := range objs {
		if err := c.Create(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
}

// echoServiceAt asks nginx on port for host and returns the Service the echo names.
func echoServiceAt(port int, host string) string {
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(port)+"/", nil)
	req.Host = host
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var e struct{ Service string }
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return e.Service
}

func newClient(t *testing.T, cp *controlplane.ControlPlane) client.Client {
	t.Helper()
	scheme, err := porticoscheme.New()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cp.Config, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
