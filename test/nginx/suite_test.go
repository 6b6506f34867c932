// Package nginx runs the portico controller with the provider nginx, a real nginx on
// loopback ports, against a real kube-apiserver and etcd (through testenv), with echo
// backends on loopback behind Services and EndpointSlices: what a user curls is what nginx
// serves.
package nginx

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/publish"
	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/testenv"
)

// The data plane's Service, whose cluster IP (then load-balancer IP) is every
// LoadBalancer's address (--publish-service).
const (
	publishNamespace = "portico-system"
	publishName      = "portico-nginx"
)

var (
	env *testenv.Env
	// settings are nginx's listen ports on loopback.
	settings nginxfallback.Settings
	// prefix is nginx's prefix directory.
	prefix string
	// provider is the provider nginx the controller runs.
	provider *nginxfallback.Provider
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if os.Getenv("CI") != "" {
			fmt.Fprintln(os.Stderr, "nginx is not installed, and CI is set: .ci/run must install it")
			return 1
		}
		fmt.Fprintln(os.Stderr, "nginx is not installed (apt-get install -y nginx); skipping the nginx suite")
		return 0
	}
	if prefix, err = os.MkdirTemp("", "portico-nginx-e2e-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(prefix)
	settings = nginxfallback.Settings{HTTPPort: freePort(), HTTPSPort: freePort(), StatusPort: freePort(), ListenAddress: "127.0.0.1", WorkerProcesses: 1}
	pub, err := publish.Parse(publishNamespace+"/"+publishName, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	provider, err = nginxfallback.NewProvider(nginxfallback.ProviderOptions{
		Supervisor: nginxfallback.Options{Nginx: bin, Dir: prefix, Settings: settings, StopTimeout: 5 * time.Second},
		Coalescer:  nginxfallback.CoalescerOptions{Interval: 100 * time.Millisecond},
		Addresses:  pub.Addresses,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	env, err = testenv.Start(context.Background(), testenv.Options{
		ClusterID: "nginxe2e", ExtraProviders: []providers.Provider{provider},
		ClassProvider: v1alpha1.ProviderNginx, Publish: pub,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if err := env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}()
	if err := createPublished(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// createPublished creates the data plane's Service; the API server gives it a cluster IP.
func createPublished(ctx context.Context) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: publishNamespace}}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: publishNamespace, Name: publishName},
		Spec: corev1.ServiceSpec{
			Type:  corev1.ServiceTypeLoadBalancer,
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}},
		},
	}
	for _, obj := range []client.Object{ns, svc} {
		if err := env.Client.Create(ctx, obj); err != nil {
			return fmt.Errorf("creating the published Service: %w", err)
		}
	}
	return nil
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// timeout bounds how long a test waits for the controller and nginx; generous, since the
// machine may be busy, and a test only waits that long when it is about to fail.
func timeout(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
