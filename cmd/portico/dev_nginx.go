package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/controllers/publish"
	"github.com/portico-dev/portico/internal/freeport"
	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/testenv"
)

// devNginxSample is the sample Ingress nginx serves; it is applied only when nginx runs.
const devNginxSample = "40-ingress-nginx.yaml"

// devNginx is the nginx mode of `portico dev`: the provider nginx on loopback ports, and an
// echo server that the sample Ingress hello routes to, so that a newcomer can curl through
// nginx without a cluster.
type devNginx struct {
	provider *nginxfallback.Provider
	publish  *publish.Source
	echo     *httptest.Server
	ip       string
	port     int
	dir      string
}

// newDevNginx starts nothing yet; it returns nil when nginx is not on PATH, or this machine
// has no address outside loopback for the echo server (EndpointSlices refuse loopback).
func newDevNginx(httpPort, httpsPort int, stderr io.Writer) (*devNginx, error) {
	bin := nginxOnPath()
	if bin == "" {
		fmt.Fprintln(stderr, ">> nginx is not on PATH: the nginx mode does not run (install nginx to curl through it)")
		return nil, nil
	}
	ip := nonLoopbackIPv4()
	if ip == "" {
		fmt.Fprintln(stderr, ">> no IPv4 address outside loopback for the echo backend: the nginx mode does not run")
		return nil, nil
	}
	d := &devNginx{ip: ip, port: httpPort}
	var err error
	if d.dir, err = os.MkdirTemp("", "portico-dev-nginx-"); err != nil {
		return nil, err
	}
	if d.publish, err = publish.Parse("", []string{"127.0.0.1"}); err != nil {
		return nil, err
	}
	status, err := freeLoopbackPort()
	if err != nil {
		return nil, err
	}
	d.provider, err = nginxfallback.NewProvider(nginxfallback.ProviderOptions{
		Supervisor: nginxfallback.Options{Nginx: bin, Dir: d.dir, Settings: nginxfallback.Settings{
			HTTPPort: httpPort, HTTPSPort: httpsPort, StatusPort: status, ListenAddress: "127.0.0.1", WorkerProcesses: 1,
		}},
		Addresses: d.publish.Addresses,
	})
	if err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

// startBackend starts the echo server and makes the Service hello and its EndpointSlice.
func (d *devNginx) startBackend(ctx context.Context, env *testenv.Env) error {
	l, err := net.Listen("tcp", net.JoinHostPort(d.ip, "0"))
	if err != nil {
		return fmt.Errorf("starting the echo backend: %w", err)
	}
	d.echo = httptest.NewUnstartedServer(http.HandlerFunc(echoHandler))
	d.echo.Listener.Close()
	d.echo.Listener = l
	d.echo.Start()
	port := int32(l.Addr().(*net.TCPAddr).Port)
	for _, obj := range helloObjects(d.ip, port) {
		if err := env.Client.Create(ctx, obj); err != nil {
			return fmt.Errorf("creating the echo backend's %T: %w", obj, err)
		}
	}
	return nil
}

// echoHandler answers what it received, as the conformance suite's echo server does.
func echoHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"path": r.URL.Path, "host": r.Host, "method": r.Method, "proto": r.Proto,
		"headers": r.Header, "namespace": "demo", "service": "hello",
	})
}

func helloObjects(ip string, port int32) []client.Object {
	portName, ready := "http", true
	return []client.Object{
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "hello"},
			Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(port)}}},
		},
		&discoveryv1.EndpointSlice{
			ObjectMeta:  metav1.ObjectMeta{Namespace: "demo", Name: "hello-1", Labels: map[string]string{discoveryv1.LabelServiceName: "hello"}},
			AddressType: discoveryv1.AddressTypeIPv4,
			Ports:       []discoveryv1.EndpointPort{{Name: &portName, Port: &port}},
			Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{ip}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
		},
	}
}

func (d *devNginx) url() string { return "http://127.0.0.1:" + strconv.Itoa(d.port) + "/" }

// close stops the echo server and removes nginx's prefix, once the controller has stopped.
func (d *devNginx) close() {
	if d.echo != nil {
		d.echo.Close()
	}
	_ = os.RemoveAll(d.dir)
}

// nginxOnPath returns the nginx binary on PATH, or "".
func nginxOnPath() string {
	bin, _ := exec.LookPath("nginx")
	return bin
}

func nonLoopbackIPv4() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.String()
		}
	}
	return ""
}

func freeLoopbackPort() (int, error) {
	return freeport.Pick()
}
