// Package nginxcluster runs the portico controller with the provider nginx against a real
// kube-apiserver and etcd (through testenv) and a real nginx on loopback ports, for the
// suites that test the nginx mode end to end (test/nginx, test/conformance). Echo backends
// (test/echo) listen on an address of this machine outside loopback, which the API server
// accepts in an EndpointSlice, behind Services and EndpointSlices the test writes, since
// envtest runs no endpoint-slice controller.
package nginxcluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/publish"
	"github.com/portico-dev/portico/internal/freeport"
	"github.com/portico-dev/portico/model"
	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/testenv"
)

// The data plane's Service, whose cluster IP (then load-balancer IP) is every
// LoadBalancer's address (--publish-service).
const (
	PublishNamespace = "portico-system"
	PublishName      = "portico-nginx"
)

// ErrNoNginx says that nginx is not installed, and CI is not set: the suite skips.
var ErrNoNginx = errors.New("nginx is not installed (apt-get install -y nginx)")

// Env is a control plane with portico's controller running the provider nginx, the default
// IngressClass's provider, and the data plane's Service.
type Env struct {
	*testenv.Env
	// Settings are nginx's listen ports on 127.0.0.1.
	Settings nginxfallback.Settings
	// Prefix is nginx's prefix directory: its configuration and logs are there.
	Prefix string
	// Provider is the provider nginx the controller runs.
	Provider *nginxfallback.Provider
}

// Start starts the control plane, nginx's provider and the controller. Without nginx it
// returns ErrNoNginx, unless CI is set (.ci/run installs nginx): then it is a failure.
func Start(ctx context.Context, clusterID string) (*Env, error) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if os.Getenv("CI") != "" {
			return nil, fmt.Errorf("nginx is not installed, and CI is set: .ci/run must install it")
		}
		return nil, ErrNoNginx
	}
	prefix, err := os.MkdirTemp("", "portico-nginx-"+clusterID+"-")
	if err != nil {
		return nil, err
	}
	e, err := start(ctx, clusterID, bin, prefix)
	if err != nil {
		_ = os.RemoveAll(prefix)
		return nil, err
	}
	return e, nil
}

func start(ctx context.Context, clusterID, bin, prefix string) (*Env, error) {
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	set := nginxfallback.Settings{HTTPPort: ports[0], HTTPSPort: ports[1], StatusPort: ports[2], ListenAddress: "127.0.0.1", WorkerProcesses: 1}
	pub, err := publish.Parse(PublishNamespace+"/"+PublishName, nil)
	if err != nil {
		return nil, err
	}
	provider, err := nginxfallback.NewProvider(nginxfallback.ProviderOptions{
		Supervisor: nginxfallback.Options{Nginx: bin, Dir: prefix, Settings: set, StopTimeout: 5 * time.Second},
		Coalescer:  nginxfallback.CoalescerOptions{Interval: 100 * time.Millisecond},
		Addresses:  pub.Addresses,
	})
	if err != nil {
		return nil, err
	}
	env, err := testenv.Start(ctx, testenv.Options{
		ClusterID: clusterID, ExtraProviders: []providers.Provider{provider},
		ClassProvider: v1alpha1.ProviderNginx, Publish: pub,
	})
	if err != nil {
		return nil, err
	}
	e := &Env{Env: env, Settings: set, Prefix: prefix, Provider: provider}
	if err := e.createPublished(ctx); err != nil {
		_ = env.Stop()
		return nil, err
	}
	return e, nil
}

// Stop stops the controller (and with it nginx) and the control plane, and removes nginx's
// prefix.
func (e *Env) Stop() error {
	return errors.Join(e.Env.Stop(), os.RemoveAll(e.Prefix))
}

// createPublished creates the data plane's Service; the API server gives it a cluster IP.
func (e *Env) createPublished(ctx context.Context) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: PublishNamespace}}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: PublishNamespace, Name: PublishName},
		Spec: corev1.ServiceSpec{
			Type:  corev1.ServiceTypeLoadBalancer,
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}},
		},
	}
	for _, obj := range []client.Object{ns, svc} {
		if err := e.Client.Create(ctx, obj); err != nil {
			return fmt.Errorf("creating the published Service: %w", err)
		}
	}
	return nil
}

// freePorts returns n loopback ports that were free a moment ago, all different.
func freePorts(n int) ([]int, error) {
	var out []int
	for range n {
		p, err := freeport.Pick()
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// HostIP is an IPv4 address of this machine outside the loopback range, which the API
// server refuses in an EndpointSlice; the echo backends listen on it.
func HostIP() (string, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return "", err
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.String(), nil
		}
	}
	return "", errors.New("this machine has no IPv4 address outside loopback for the echo backends")
}

// WaitServing waits until nginx serves a configuration for which ok is true: the one
// installed in its prefix, once the status server answers that configuration's generation.
func (e *Env) WaitServing(ctx context.Context, what string, ok func(config string) bool) error {
	url := "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(e.Settings.StatusPort)) + nginxfallback.GenerationPath
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	return testenv.WaitFor(ctx, what, func(ctx context.Context) (bool, error) {
		config, err := os.ReadFile(filepath.Join(e.Prefix, nginxfallback.ConfigFile))
		if err != nil {
			return false, err
		}
		if !ok(string(config)) {
			return false, errors.New("the installed configuration does not have it yet")
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false, err
		}
		resp, err := c.Do(req)
		if err != nil {
			return false, err
		}
		defer func() { _ = resp.Body.Close() }()
		served, err := io.ReadAll(resp.Body)
		if err != nil {
			return false, err
		}
		if want := nginxfallback.GenerationOf(config); string(served) != want {
			return false, fmt.Errorf("nginx serves generation %q, not %q yet", served, want)
		}
		return true, nil
	})
}

// LoadBalancerName is the name of the LoadBalancer of a lone Ingress (one of no group).
func LoadBalancerName(namespace, ingress string) string {
	return model.GroupKey{Kind: model.KeyKindIngress, Namespace: namespace, Name: ingress}.LoadBalancerName()
}
