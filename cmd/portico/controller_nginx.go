package main

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/pflag"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/portico-dev/portico/controllers/publish"
	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/providers"
)

// nginxOptions are the flags of the nginx mode (provider nginx).
type nginxOptions struct {
	binary         string
	prefix         string
	listenAddress  string
	httpPort       int
	httpsPort      int
	statusPort     int
	reloadInterval time.Duration
	publishService string
	publishAddress []string
}

// The nginx mode listens on unprivileged ports (the Service in front maps 80 and 443 to
// them); 8080 is left to the controller's metrics.
const (
	defaultNginxHTTPPort   = 8880
	defaultNginxHTTPSPort  = 8443
	defaultNginxStatusPort = 10246
)

func (o *nginxOptions) bind(f *pflag.FlagSet) {
	f.StringVar(&o.binary, "nginx-binary", "nginx", "the nginx binary of the nginx mode")
	f.StringVar(&o.prefix, "nginx-prefix", filepath.Join(os.TempDir(), "portico-nginx"), "nginx's prefix directory: configuration, certificates, pid, temp files and error log")
	f.StringVar(&o.listenAddress, "nginx-listen-address", "", "IPv4 address nginx listens on; empty: every address")
	f.IntVar(&o.httpPort, "nginx-http-port", defaultNginxHTTPPort, "port nginx serves HTTP on")
	f.IntVar(&o.httpsPort, "nginx-https-port", defaultNginxHTTPSPort, "port nginx serves HTTPS on")
	f.IntVar(&o.statusPort, "nginx-status-port", defaultNginxStatusPort, "loopback port of nginx's status server (the configuration it serves; readiness)")
	f.DurationVar(&o.reloadInterval, "nginx-reload-interval", time.Second, "least time between two nginx reloads: bursts of changes coalesce into one")
	f.StringVar(&o.publishService, "publish-service", "", "namespace/name of the Service in front of the nginx data plane: its load-balancer IP or hostname, else its cluster IP, is the address of every LoadBalancer of provider nginx")
	f.StringSliceVar(&o.publishAddress, "publish-address", nil, "the address (IPs or DNS names) of every LoadBalancer of provider nginx, instead of --publish-service")
}

func (o *nginxOptions) validate() error {
	if o.publishService != "" && len(o.publishAddress) > 0 {
		return errors.New("--publish-service and --publish-address exclude each other")
	}
	if o.reloadInterval <= 0 {
		return errors.New("--nginx-reload-interval must be positive")
	}
	return nil
}

// settings builds the provider's options; the Source answers the shared address.
func (o *nginxOptions) settings(pub *publish.Source) (nginxfallback.ProviderOptions, error) {
	m, err := nginxMetrics()
	if err != nil {
		return nginxfallback.ProviderOptions{}, err
	}
	return nginxfallback.ProviderOptions{
		Supervisor: nginxfallback.Options{
			Nginx: o.binary, Dir: o.prefix, Metrics: m, Log: ctrl.Log.WithName("nginx"),
			Settings: nginxfallback.Settings{
				HTTPPort: o.httpPort, HTTPSPort: o.httpsPort, StatusPort: o.statusPort, ListenAddress: o.listenAddress,
			},
		},
		Coalescer: nginxfallback.CoalescerOptions{Interval: o.reloadInterval, Metrics: m},
		Addresses: pub.Addresses,
	}, nil
}

var (
	nginxMetricsOnce sync.Once
	nginxMetricsVal  *nginxfallback.Metrics
	errNginxMetrics  error
)

// nginxMetrics registers the nginx mode's metrics on the controller's registry once per
// process, so that the tests can run the controller more than once.
func nginxMetrics() (*nginxfallback.Metrics, error) {
	nginxMetricsOnce.Do(func() {
		nginxMetricsVal, errNginxMetrics = nginxfallback.NewMetrics(crmetrics.Registry)
		if errNginxMetrics != nil {
			errNginxMetrics = fmt.Errorf("registering the nginx metrics: %w", errNginxMetrics)
		}
	})
	return nginxMetricsVal, errNginxMetrics
}

// addReadiness makes /readyz wait for the providers that serve traffic themselves: a replica
// of the nginx mode is ready once its nginx serves.
func addReadiness(mgr manager.Manager, reg *providers.Registry) error {
	for _, name := range reg.Names() {
		p, _ := reg.Get(name)
		if c, ok := p.(interface{ Check(*http.Request) error }); ok {
			if err := mgr.AddReadyzCheck(name, c.Check); err != nil {
				return fmt.Errorf("adding the readiness check of %s: %w", name, err)
			}
		}
	}
	return nil
}
