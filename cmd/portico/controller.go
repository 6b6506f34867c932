package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers"
	"github.com/portico-dev/portico/controllers/cluster"
	"github.com/portico-dev/portico/controllers/loadbalancer"
	"github.com/portico-dev/portico/controllers/metrics"
	"github.com/portico-dev/portico/controllers/publish"
	porticoscheme "github.com/portico-dev/portico/internal/scheme"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/catalog"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/ratelimit"
)

// Leader election and Events need these permissions whatever the reconcilers do.
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// controllerOptions are the flags of `portico controller`.
type controllerOptions struct {
	kubeconfig      string
	metricsAddr     string
	probeAddr       string
	leaderElect     bool
	leaderElectNS   string
	leaderElectID   string
	providers       []string
	defaultProvider string
	clusterID       string
	namespace       string
	maxConcurrent   int
	syncPeriod      time.Duration
	sweepInterval   time.Duration
	orphanPolicy    string
	eventRefresh    time.Duration
	healthPoll      time.Duration
	healthResync    time.Duration
	rateLimits      ratelimit.Config
	gcp             gcp.Defaults
	aws             aws.Defaults
	nginx           nginxOptions
	zap             zap.Options
}

// severalManagers lets the tests run `portico controller` more than once in one process:
// controller names are then not checked for uniqueness.
var severalManagers = false

// availableProviders are the providers this build of portico can run, from the catalog.
var availableProviders = catalog.Names()

func newControllerCommand() *cobra.Command {
	opts := controllerOptions{leaderElectID: "portico.dev", rateLimits: ratelimit.DefaultConfig()}
	cmd := &cobra.Command{
		Use:   "controller",
		Short: "Run the portico controller against a cluster",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.validate(); err != nil {
				return usageError{err}
			}
			ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts.zap)))
			return runController(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.kubeconfig, "kubeconfig", "", "path to a kubeconfig; default: $KUBECONFIG, ~/.kube/config or in-cluster")
	f.StringVar(&opts.metricsAddr, "metrics-bind-address", ":8080", "address of the Prometheus metrics endpoint; 0 turns it off")
	f.StringVar(&opts.probeAddr, "health-probe-bind-address", ":8081", "address of the /healthz and /readyz endpoints")
	f.BoolVar(&opts.leaderElect, "leader-elect", false, "elect a leader so that only one replica reconciles at a time")
	f.StringVar(&opts.leaderElectNS, "leader-election-namespace", "", "namespace of the leader election Lease; default: the pod's namespace")
	f.StringSliceVar(&opts.providers, "providers", []string{v1alpha1.ProviderFake}, "providers to run, at least one: "+providersHelp())
	f.StringVar(&opts.defaultProvider, "default-provider", "", "provider of Ingresses whose annotation and class choose none; empty: nginx, the fallback")
	f.StringVar(&opts.clusterID, "cluster-id", "", "identifies this cluster in cloud resource names and tags; stored at the first start in ConfigMap "+cluster.ConfigMapName+" (default: the UID of namespace kube-system), and refused later if it disagrees")
	f.StringVar(&opts.namespace, "namespace", "", "the controller's namespace, which holds its cluster record; default: $POD_NAMESPACE, else "+cluster.DefaultNamespace)
	f.IntVar(&opts.maxConcurrent, "max-concurrent-reconciles", 4, "reconciles run at once, per controller")
	f.DurationVar(&opts.syncPeriod, "sync-period", time.Hour, "how often every LoadBalancer is checked against its cloud for drift")
	f.DurationVar(&opts.sweepInterval, "orphan-sweep-interval", time.Hour, "how often to look for cloud load balancers no LoadBalancer claims; 0 turns it off")
	f.StringVar(&opts.orphanPolicy, "orphan-policy", "delete", "what the sweep does with orphans: delete, or report (log and count them only)")
	f.DurationVar(&opts.eventRefresh, "event-refresh", 30*time.Minute, "how often a standing problem is told again as an Event on its Ingress; keep it below the API server's --event-ttl (1h by default)")
	f.DurationVar(&opts.healthPoll, "health-poll", loadbalancer.DefaultHealthPoll, "how soon a load balancer's cloud-side health is checked again while a pod readiness gate waits on it or a target is unhealthy")
	f.DurationVar(&opts.healthResync, "health-resync", loadbalancer.DefaultHealthResync, "how often the cloud-side health of a load balancer whose targets are all healthy is checked")
	opts.nginx.bind(f)
	limitFlags := flag.NewFlagSet("cloud rate limits", flag.ContinueOnError)
	opts.rateLimits.BindFlags(limitFlags)
	f.AddGoFlagSet(limitFlags)
	gcpFlags := flag.NewFlagSet("gcp", flag.ContinueOnError)
	opts.gcp.BindFlags(gcpFlags)
	f.AddGoFlagSet(gcpFlags)
	awsFlags := flag.NewFlagSet("aws", flag.ContinueOnError)
	opts.aws.BindFlags(awsFlags)
	f.AddGoFlagSet(awsFlags)
	zapFlags := flag.NewFlagSet("zap", flag.ContinueOnError)
	opts.zap.BindFlags(zapFlags)
	f.AddGoFlagSet(zapFlags)
	return cmd
}

// providersHelp lists each provider of this build with its description.
func providersHelp() string {
	var parts []string
	for _, e := range catalog.All() {
		parts = append(parts, e.Name+" ("+e.Description+")")
	}
	return strings.Join(parts, "; ")
}

func (o controllerOptions) validate() error {
	if len(o.providers) == 0 {
		return fmt.Errorf("--providers is empty; name at least one of %s", strings.Join(availableProviders, ", "))
	}
	for _, p := range o.providers {
		if !contains(availableProviders, p) {
			return fmt.Errorf("--providers: unknown provider %q; this build runs %s", p, strings.Join(availableProviders, ", "))
		}
	}
	if o.defaultProvider != "" && !contains(o.providers, o.defaultProvider) {
		return fmt.Errorf("--default-provider %q is not among --providers %s", o.defaultProvider, strings.Join(o.providers, ","))
	}
	if o.orphanPolicy != "delete" && o.orphanPolicy != "report" {
		return fmt.Errorf("--orphan-policy must be delete or report, not %q", o.orphanPolicy)
	}
	if o.maxConcurrent < 1 {
		return fmt.Errorf("--max-concurrent-reconciles must be at least 1")
	}
	if err := o.nginx.validate(); err != nil {
		return err
	}
	if err := o.rateLimits.Validate(); err != nil {
		return fmt.Errorf("--cloud-* rate limits: %w", err)
	}
	if err := o.gcp.Validate(); err != nil {
		return err
	}
	if err := o.aws.Validate(); err != nil {
		return err
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// restConfig loads the kubeconfig the flag names, or the default chain.
func restConfig(path string) (*rest.Config, error) {
	if path != "" {
		cfg, err := clientcmd.BuildConfigFromFlags("", path)
		if err != nil {
			return nil, fmt.Errorf("loading kubeconfig %s: %w", path, err)
		}
		return cfg, nil
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig: %w", err)
	}
	return cfg, nil
}

func newManager(cfg *rest.Config, opts controllerOptions) (manager.Manager, error) {
	scheme, err := porticoscheme.New()
	if err != nil {
		return nil, err
	}
	cacheOpts := controllers.CacheOptions()
	cacheOpts.SyncPeriod = &opts.syncPeriod
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                  scheme,
		Cache:                   cacheOpts,
		Metrics:                 metricsserver.Options{BindAddress: opts.metricsAddr},
		HealthProbeBindAddress:  opts.probeAddr,
		LeaderElection:          opts.leaderElect,
		LeaderElectionID:        opts.leaderElectID,
		LeaderElectionNamespace: opts.leaderElectNS,
	})
	if err != nil {
		return nil, fmt.Errorf("creating the manager: %w", err)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return nil, fmt.Errorf("adding the health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return nil, fmt.Errorf("adding the readiness check: %w", err)
	}
	return mgr, nil
}

// openCluster reads the cluster record in the controller's namespace, creating it at the
// first start: the cluster ID, from --cluster-id or the UID of namespace kube-system, and the
// locations the providers used. A --cluster-id that disagrees with the record is refused.
func openCluster(ctx context.Context, cfg *rest.Config, opts controllerOptions) (*cluster.Store, error) {
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		return nil, fmt.Errorf("creating a client: %w", err)
	}
	ns := cluster.Namespace(opts.namespace)
	return cluster.Open(ctx, c, cluster.Options{Namespace: ns, ClusterID: opts.clusterID})
}

// newRegistry builds the providers the flags ask for, from the catalog.
func newRegistry(opts controllerOptions, clusterID string, pub *publish.Source) (*providers.Registry, error) {
	s := catalog.Settings{ClusterID: clusterID, Observer: metrics.CallObserver{}, RateLimits: opts.rateLimits, GCP: opts.gcp, AWS: opts.aws}
	if contains(opts.providers, v1alpha1.ProviderNginx) {
		var err error
		if s.Nginx, err = opts.nginx.settings(pub); err != nil {
			return nil, err
		}
	}
	return catalog.Registry(opts.providers, s)
}

func runController(ctx context.Context, opts controllerOptions) error {
	cfg, err := restConfig(opts.kubeconfig)
	if err != nil {
		return err
	}
	record, err := openCluster(ctx, cfg, opts)
	if err != nil {
		return err
	}
	clusterID := record.ID()
	pub, err := publish.Parse(opts.nginx.publishService, opts.nginx.publishAddress)
	if err != nil {
		return usageError{err}
	}
	registry, err := newRegistry(opts, clusterID, pub)
	if err != nil {
		return err
	}
	mgr, err := newManager(cfg, opts)
	if err != nil {
		return err
	}
	if err := controllers.Setup(ctx, mgr, controllers.Options{
		Registry:                registry,
		DefaultProvider:         opts.defaultProvider,
		MaxConcurrentReconciles: opts.maxConcurrent,
		OrphanSweepInterval:     opts.sweepInterval,
		OrphansReportOnly:       opts.orphanPolicy == "report",
		EventRefresh:            opts.eventRefresh,
		HealthPoll:              opts.healthPoll,
		HealthResync:            opts.healthResync,
		Locations:               record,
		SeveralManagers:         severalManagers,
		Publish:                 pub,
	}); err != nil {
		return err
	}
	if err := addReadiness(mgr, registry); err != nil {
		return err
	}
	log := ctrl.Log.WithName("setup")
	log.Info("Starting the manager", "version", version, "providers", registry.Names(), "clusterID", clusterID, "leaderElect", opts.leaderElect)
	if err := mgr.Start(ctx); err != nil {
		return fmt.Errorf("running the manager: %w", err)
	}
	return nil
}
