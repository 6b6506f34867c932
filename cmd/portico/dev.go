package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/config/samples"
	"github.com/portico-dev/portico/controllers/loadbalancer"
	"github.com/portico-dev/portico/internal/controlplane"
	"github.com/portico-dev/portico/testenv"
)

type devOptions struct {
	kubeconfig string
	samples    string
	noSamples  bool
	logFile    string
	provider   string
	// nginxHTTPPort and nginxHTTPSPort are where the nginx mode listens on 127.0.0.1.
	nginxHTTPPort, nginxHTTPSPort int
}

func newDevCommand() *cobra.Command {
	var opts devOptions
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run portico on a local control plane with the fake, gcp or aws provider, no cluster or cloud needed",
		Long: `dev starts a local kube-apiserver and etcd (built from source the first time),
installs portico's CRDs and an IngressClass for the provider, runs the controller,
applies the samples of config/samples, and writes a kubeconfig so that you can look with
kubectl. When nginx is on PATH it also runs the nginx mode on 127.0.0.1, which serves the
sample Ingress hello from an echo server, so that you can curl through it. With --provider gcp the controller provisions, through the real Google Cloud SDK,
into an emulator of the compute API running in the same process, so that
kubectl describe loadbalancer shows the GCE resources portico would create; each Node you
apply gets a VM of its name in its zone there, so that target type instance works too.
With --provider aws it provisions Application Load Balancers, through the real AWS SDK, into
an emulator of ELBv2, EC2 and ACM holding a VPC with tagged subnets; each Node you apply gets
an EC2 instance there, named in its spec.providerID. It runs until interrupted.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDev(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.kubeconfig, "kubeconfig-out", defaultDevKubeconfig(), "where to write the kubeconfig of the local control plane")
	f.StringVar(&opts.samples, "samples", "", "directory of manifests to apply once portico runs; default: the built-in samples of config/samples")
	f.BoolVar(&opts.noSamples, "no-samples", false, "apply no samples")
	f.StringVar(&opts.provider, "provider", "fake", "the provider to run: fake, gcp against an in-process emulator of the compute API, or aws against one of ELBv2, EC2 and ACM")
	f.IntVar(&opts.nginxHTTPPort, "nginx-http-port", defaultNginxHTTPPort, "port on 127.0.0.1 where nginx serves the Ingresses of provider nginx (when nginx is on PATH)")
	f.IntVar(&opts.nginxHTTPSPort, "nginx-https-port", defaultNginxHTTPSPort, "HTTPS port on 127.0.0.1 of the nginx mode")
	f.StringVar(&opts.logFile, "log-file", filepath.Join(filepath.Dir(defaultDevKubeconfig()), "portico.log"), "where the controller's logs go")
	return cmd
}

func defaultDevKubeconfig() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "portico", "dev", "kubeconfig")
}

func runDev(ctx context.Context, stdout, stderr io.Writer, opts devOptions) error {
	cloud, err := newDevCloud(opts.provider, "dev")
	if err != nil {
		return err
	}
	defer cloud.close() // after the controller stopped, below
	fmt.Fprintln(stderr, ">> starting the local control plane")
	if _, err := controlplane.Build(stderr); err != nil {
		return err
	}
	logger, closeLog, err := devLogger(opts.logFile)
	if err != nil {
		return err
	}
	defer closeLog()
	nx, err := newDevNginx(opts.nginxHTTPPort, opts.nginxHTTPSPort, stderr)
	if err != nil {
		return err
	}
	envOpts := cloud.options("dev")
	if nx != nil {
		defer nx.close() // after the controller stopped, below
		envOpts.ExtraProviders = append(envOpts.ExtraProviders, nx.provider)
		envOpts.Publish = nx.publish
	}
	envOpts.Logger = &logger
	// Retries as the controller in a cluster does, as docs/status.md says.
	envOpts.SlowRetry = loadbalancer.DefaultSlowRetry
	env, err := testenv.Start(ctx, envOpts)
	if err != nil {
		return err
	}
	defer func() {
		fmt.Fprintln(stderr, ">> stopping")
		if err := env.Stop(); err != nil {
			fmt.Fprintf(stderr, "error: stopping: %v\n", err)
		}
	}()
	if err := cloud.started(ctx, env); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(opts.kubeconfig), 0o700); err != nil {
		return err
	}
	if err := env.WriteKubeconfig(opts.kubeconfig); err != nil {
		return err
	}
	if !opts.noSamples {
		if err := applySamples(ctx, env, opts.samples, stderr, nx != nil); err != nil {
			return err
		}
	}
	if nx != nil && !opts.noSamples && opts.samples == "" {
		if err := nx.startBackend(ctx, env); err != nil {
			return err
		}
	}
	printDevHelp(stdout, env, opts, nx)
	<-ctx.Done()
	return nil
}

// devLogger writes the controller's logs to a file, so that they do not bury the
// instructions in the terminal.
func devLogger(path string) (logr.Logger, func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return logr.Logger{}, nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return logr.Logger{}, nil, fmt.Errorf("opening the log file: %w", err)
	}
	return zap.New(zap.WriteTo(f)), func() { _ = f.Close() }, nil
}

// applySamples applies every manifest of dir (the built-in samples when dir is empty) in
// name order and waits briefly for the load balancers, so that the first kubectl shows them
// programmed. The sample of the nginx mode is left out when nginx does not run.
func applySamples(ctx context.Context, env *testenv.Env, dir string, stderr io.Writer, withNginx bool) error {
	fsys := fs.FS(samples.FS)
	if dir != "" {
		fsys = os.DirFS(dir)
	}
	files, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageError{fmt.Errorf("--samples %s holds no .yaml file", dir)}
	}
	sort.Strings(files)
	for _, f := range files {
		if f == devNginxSample && !withNginx {
			continue
		}
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return err
		}
		if err := env.ApplyYAML(ctx, string(data)); err != nil {
			return fmt.Errorf("sample %s: %w", f, err)
		}
		fmt.Fprintf(stderr, ">> applied sample %s\n", f)
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := env.WaitProgrammed(wait, "demo", "web"); err != nil {
		fmt.Fprintf(stderr, ">> the sample load balancers are not programmed yet: %v\n", err)
	}
	return nil
}

func printDevHelp(w io.Writer, env *testenv.Env, opts devOptions, nx *devNginx) {
	kubectl, kubeconfig, logFile := env.Kubectl(), opts.kubeconfig, opts.logFile
	lines := []string{
		"portico dev is ready: a local control plane with the portico controller and the " + providerPhrase(opts.provider) + ".",
		"",
		"Look with kubectl (built from source with the control plane):",
		"  export KUBECONFIG=" + kubeconfig,
		"  alias kubectl=" + kubectl,
		"  kubectl get ingress -n demo",
		"  kubectl get loadbalancers -o wide",
		"  kubectl describe loadbalancer        # the cloud resources behind each Ingress",
		"  kubectl describe ingress -n demo broken   # why an Ingress is not served",
		"",
		"Ask where a request goes, offline (it exits 1 and lists the problem of the broken sample):",
		"  go run ./cmd/portico explain -f config/samples --url http://shop.example.com/cart",
	}
	if nx != nil {
		lines = append(lines,
			"",
			"nginx serves the Ingresses of provider nginx at "+nx.url()+"; the sample hello reaches an echo server:",
			"  curl -H 'Host: hello.example.com' "+nx.url(),
		)
	}
	lines = append(lines,
		"",
		"The controller logs to "+logFile+".",
		"Press Ctrl-C to stop. Everything lives in memory and is gone when portico dev stops.",
	)
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}

// providerPhrase says what the controller provisions into.
func providerPhrase(provider string) string {
	switch provider {
	case v1alpha1.ProviderGCP:
		return "gcp provider, provisioning into an in-process emulator of the Google Cloud compute API (project " + devProject + ")"
	case v1alpha1.ProviderAWS:
		return "aws provider, provisioning into an in-process emulator of ELBv2, EC2 and ACM (region " + emulatedRegion + ", " + emulatedVPC + ")"
	}
	return provider + " provider"
}
