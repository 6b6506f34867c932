// Package testenv runs portico inside a test: a real kube-apiserver and etcd (envtest) with
// portico's CRDs, and the portico controller with the fake provider, in-process. A platform
// team uses it to test its Ingresses in CI the way portico tests itself: apply Ingresses,
// wait until their LoadBalancer is Programmed, and read what the cloud would get.
//
// The control-plane binaries come from KUBEBUILDER_ASSETS, or from the cache that
// `make controlplane` fills in a portico checkout.
package testenv

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/go-logr/logr"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers"
	"github.com/portico-dev/portico/controllers/metrics"
	"github.com/portico-dev/portico/controllers/publish"
	"github.com/portico-dev/portico/internal/controlplane"
	porticoscheme "github.com/portico-dev/portico/internal/scheme"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

// ClassName is the IngressClass that Start creates by default, marked as the cluster
// default, so that Ingresses without a class are portico's.
const ClassName = "portico"

// Options configure an Env.
type Options struct {
	// ClusterID names the cluster in cloud resource names; default "testenv".
	ClusterID string
	// Cloud is the fake cloud to use; default a new one. Tests that restart the controller
	// keep the same Cloud, as a real cloud outlives the controller.
	Cloud *fake.Cloud
	// SyncPeriod is how often the controller resyncs everything; default 10 hours.
	SyncPeriod time.Duration
	// SlowRetry is the wait after a quota or not-found error; default 2 seconds, as tests
	// wait for it.
	SlowRetry time.Duration
	// ClassName is the default IngressClass to create; default ClassName. Its
	// IngressClassParams of the same name select ClassProvider.
	ClassName string
	// OrphanSweepInterval runs the orphan sweep in the controller; default off.
	OrphanSweepInterval time.Duration
	// ExtraProviders run next to the fake provider, for tests of more than one provider.
	ExtraProviders []providers.Provider
	// ClassProvider is the provider the default class's IngressClassParams select: the fake
	// provider by default, or one of ExtraProviders, so that a suite of a real provider
	// serves Ingresses without a class as a cluster whose default class is that provider's.
	ClassProvider string
	// EventRefresh is how often the controller tells a standing problem again; default the
	// controller's (30 minutes).
	EventRefresh time.Duration
	// HealthPoll is how soon the controller checks a load balancer's health again while a
	// pod readiness gate waits or a target is unhealthy; default half a second, as tests
	// wait for it.
	HealthPoll time.Duration
	// HealthResync is how often the controller checks the health of a load balancer whose
	// targets are all healthy; default the controller's (10 minutes).
	HealthResync time.Duration
	// APIServerFlags are extra kube-apiserver flags, for example {"event-ttl": "6s"}.
	APIServerFlags map[string]string
	// MaxConcurrentReconciles per controller; default 4, the controller's default.
	MaxConcurrentReconciles int
	// Publish is the shared address of the nginx mode's LoadBalancers (--publish-service or
	// --publish-address); a change of its Service re-reconciles them. Nil for none.
	Publish *publish.Source
	// Logger receives the controller's logs; default none, or stderr when PORTICO_TEST_LOG
	// is set.
	Logger *logr.Logger
}

// Env is a running control plane with portico.
type Env struct {
	// Config reaches the API server as a cluster admin.
	Config *rest.Config
	// Client reads and writes directly to the API server (no cache).
	Client client.Client
	// Cloud is the fake cloud the controller provisions into.
	Cloud *fake.Cloud
	// ClusterID is the cluster's ID in cloud resource names.
	ClusterID string

	cp         *controlplane.ControlPlane
	mu         sync.Mutex
	controller *running
	writes     writeCounter
	ensured    ensured
	opts       Options
	// providerNames are the providers the controller runs.
	providerNames []string
}

// modelConfig is the model's view of the controller Start runs.
func (e *Env) modelConfig() model.Config {
	e.mu.Lock()
	defer e.mu.Unlock()
	return model.Config{EnabledProviders: e.providerNames, DefaultProvider: v1alpha1.ProviderFake}
}

// SetSyncPeriod changes how often the controller resyncs; it takes effect when the
// controller next starts.
func (e *Env) SetSyncPeriod(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.opts.SyncPeriod = d
}

type running struct {
	cancel context.CancelFunc
	done   chan error
}

// Start starts the control plane, installs portico's CRDs and default IngressClass, and
// starts the controller with the fake provider.
func Start(ctx context.Context, opts Options) (*Env, error) {
	if opts.ClusterID == "" {
		opts.ClusterID = "testenv"
	}
	if opts.Cloud == nil {
		opts.Cloud = fake.NewCloud()
	}
	opts.Logger = loggerFor(opts.Logger)
	ctrl.SetLogger(*opts.Logger) // for what logs before the manager, once per process
	cp, err := controlplane.StartWith(opts.APIServerFlags)
	if err != nil {
		return nil, err
	}
	if opts.ClassName == "" {
		opts.ClassName = ClassName
	}
	if opts.SlowRetry == 0 {
		opts.SlowRetry = 2 * time.Second
	}
	if opts.HealthPoll == 0 {
		opts.HealthPoll = 500 * time.Millisecond
	}
	env := &Env{Config: cp.Config, Cloud: opts.Cloud, ClusterID: opts.ClusterID, cp: cp, opts: opts}
	if err := env.setup(ctx); err != nil {
		_ = cp.Stop()
		return nil, err
	}
	if err := env.StartController(ctx); err != nil {
		_ = cp.Stop()
		return nil, err
	}
	return env, nil
}

func (e *Env) setup(ctx context.Context) error {
	scheme, err := porticoscheme.New()
	if err != nil {
		return err
	}
	e.Client, err = client.New(e.Config, client.Options{Scheme: scheme})
	if err != nil {
		return fmt.Errorf("creating a client: %w", err)
	}
	name := e.opts.ClassName
	params := &v1alpha1.IngressClassParams{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       v1alpha1.IngressClassParamsSpec{Provider: cmp.Or(e.opts.ClassProvider, v1alpha1.ProviderFake)},
	}
	if err := e.Client.Create(ctx, params); err != nil {
		return fmt.Errorf("creating IngressClassParams %s: %w", name, err)
	}
	group := v1alpha1.GroupVersion.Group
	scope := networkingv1.IngressClassParametersReferenceScopeCluster
	class := &networkingv1.IngressClass{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{
			"ingressclass.kubernetes.io/is-default-class": "true",
		}},
		Spec: networkingv1.IngressClassSpec{
			Controller: model.ControllerName,
			Parameters: &networkingv1.IngressClassParametersReference{
				APIGroup: &group, Kind: "IngressClassParams", Name: name, Scope: &scope,
			},
		},
	}
	if err := e.Client.Create(ctx, class); err != nil {
		return fmt.Errorf("creating IngressClass %s: %w", name, err)
	}
	return nil
}

// loggerFor returns the logger the controller uses: the given one, else stderr when
// PORTICO_TEST_LOG is set, else none. The manager gets it explicitly, since the process-wide
// logger of controller-runtime can be set only once.
func loggerFor(l *logr.Logger) *logr.Logger {
	if l != nil {
		return l
	}
	out := logr.Discard()
	if os.Getenv("PORTICO_TEST_LOG") != "" {
		out = zap.New(zap.UseDevMode(true), zap.WriteTo(os.Stderr))
	}
	return &out
}

// StartController starts a new portico controller against the Env's API server and cloud.
func (e *Env) StartController(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.controller != nil {
		return errors.New("the controller is already running")
	}
	mgr, err := e.newManager(ctx)
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- mgr.Start(runCtx) }()
	if !mgr.GetCache().WaitForCacheSync(runCtx) {
		cancel()
		return fmt.Errorf("the controller's cache did not sync: %w", <-r.done)
	}
	e.controller = r
	return nil
}

func (e *Env) newManager(ctx context.Context) (manager.Manager, error) {
	scheme, err := porticoscheme.New()
	if err != nil {
		return nil, err
	}
	cfg := rest.CopyConfig(e.Config)
	cfg.WrapTransport = e.writes.wrap
	cacheOpts := controllers.CacheOptions()
	if e.opts.SyncPeriod > 0 {
		cacheOpts.SyncPeriod = &e.opts.SyncPeriod
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Logger:                 *e.opts.Logger,
		Scheme:                 scheme,
		Cache:                  cacheOpts,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
	})
	if err != nil {
		return nil, fmt.Errorf("creating the manager: %w", err)
	}
	fp := counted{fake.New(e.Cloud, fake.Options{ClusterID: e.ClusterID, Observer: metrics.CallObserver{}}), &e.ensured}
	all := append([]providers.Provider{fp},
		e.opts.ExtraProviders...)
	registry, err := providers.NewRegistry(all...)
	if err != nil {
		return nil, err
	}
	e.providerNames = registry.Names()
	err = controllers.Setup(ctx, mgr, controllers.Options{
		Registry:                registry,
		DefaultProvider:         "fake",
		MaxConcurrentReconciles: cmp.Or(e.opts.MaxConcurrentReconciles, 4),
		SeveralManagers:         true,
		SlowRetry:               e.opts.SlowRetry,
		OrphanSweepInterval:     e.opts.OrphanSweepInterval,
		EventRefresh:            e.opts.EventRefresh,
		HealthPoll:              e.opts.HealthPoll,
		HealthResync:            e.opts.HealthResync,
		Publish:                 e.opts.Publish,
	})
	if err != nil {
		return nil, err
	}
	return mgr, nil
}

// ReplaceCloud gives the next controller another fake cloud, as a restarted `portico
// controller --providers fake` gets a new, empty one. Call it while the controller is stopped.
func (e *Env) ReplaceCloud(c *fake.Cloud) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.controller != nil {
		return errors.New("stop the controller before replacing its cloud")
	}
	e.Cloud = c
	return nil
}

// StopController stops the controller and waits until it has stopped. The control plane
// and the cloud stay as they are.
func (e *Env) StopController() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.controller == nil {
		return nil
	}
	e.controller.cancel()
	err := <-e.controller.done
	e.controller = nil
	return err
}

// Stop stops the controller and the control plane.
func (e *Env) Stop() error {
	return errors.Join(e.StopController(), e.cp.Stop())
}

// WriteKubeconfig writes a kubeconfig for kubectl to path.
func (e *Env) WriteKubeconfig(path string) error {
	return e.cp.WriteKubeconfig(path)
}

// Kubectl returns the path of the kubectl built with the control plane.
func (e *Env) Kubectl() string {
	return e.cp.Kubectl()
}
