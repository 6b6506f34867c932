package main

import (
	"flag"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	porticoscheme "github.com/portico-dev/portico/internal/scheme"
)

// Leader election and Events need these permissions whatever the reconcilers do.
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// controllerOptions are the flags of `portico controller`.
type controllerOptions struct {
	kubeconfig    string
	metricsAddr   string
	probeAddr     string
	leaderElect   bool
	leaderElectNS string
	zap           zap.Options
	leaderElectID string
}

func newControllerCommand() *cobra.Command {
	opts := controllerOptions{leaderElectID: "portico.dev"}
	cmd := &cobra.Command{
		Use:   "controller",
		Short: "Run the portico controller against a cluster",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts.zap)))
			return runController(cmd, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.kubeconfig, "kubeconfig", "", "path to a kubeconfig; default: $KUBECONFIG, ~/.kube/config or in-cluster")
	f.StringVar(&opts.metricsAddr, "metrics-bind-address", ":8080", "address of the Prometheus metrics endpoint; 0 turns it off")
	f.StringVar(&opts.probeAddr, "health-probe-bind-address", ":8081", "address of the /healthz and /readyz endpoints")
	f.BoolVar(&opts.leaderElect, "leader-elect", false, "elect a leader so that only one replica reconciles at a time")
	f.StringVar(&opts.leaderElectNS, "leader-election-namespace", "", "namespace of the leader election Lease; default: the pod's namespace")
	zapFlags := flag.NewFlagSet("zap", flag.ContinueOnError)
	opts.zap.BindFlags(zapFlags)
	f.AddGoFlagSet(zapFlags)
	return cmd
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
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                  scheme,
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

func runController(cmd *cobra.Command, opts controllerOptions) error {
	cfg, err := restConfig(opts.kubeconfig)
	if err != nil {
		return err
	}
	mgr, err := newManager(cfg, opts)
	if err != nil {
		return err
	}
	log := ctrl.Log.WithName("setup")
	log.Info("Starting the manager", "version", version, "leaderElect", opts.leaderElect)
	if err := mgr.Start(cmd.Context()); err != nil {
		return fmt.Errorf("running the manager: %w", err)
	}
	return nil
}
