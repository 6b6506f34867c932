package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/controllers/cluster"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

// versionInfo is what `portico version` prints.
type versionInfo struct {
	Version   string `json:"version"`
	GitCommit string `json:"gitCommit,omitempty"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
	// Cluster is the cluster record, with --cluster.
	Cluster *cluster.Info `json:"cluster,omitempty"`
}

func currentVersion() versionInfo {
	info := versionInfo{
		Version:   version,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if build, ok := debug.ReadBuildInfo(); ok {
		for _, s := range build.Settings {
			if s.Key == "vcs.revision" {
				info.GitCommit = s.Value
			}
		}
	}
	return info
}

// versionOptions are the flags of `portico version`.
type versionOptions struct {
	out        outputFormat
	cluster    bool
	kubeconfig string
	namespace  string
}

func newVersionCommand() *cobra.Command {
	var opts versionOptions
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the portico version, and with --cluster the cluster ID and locations in use",
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := currentVersion()
			text := "portico " + v.Version + " (" + v.GoVersion + ", " + v.Platform + ")\n"
			if v.GitCommit != "" {
				text = "portico " + v.Version + " commit " + v.GitCommit + " (" + v.GoVersion + ", " + v.Platform + ")\n"
			}
			if opts.cluster {
				info, err := readCluster(cmd.Context(), opts)
				if err != nil {
					return err
				}
				v.Cluster = info
				text += clusterText(info)
			}
			return opts.out.print(cmd.OutOrStdout(), v, text)
		},
	}
	opts.out.addFlag(cmd)
	f := cmd.Flags()
	f.BoolVar(&opts.cluster, "cluster", false, "also print the cluster ID and the locations each provider used, from the cluster record of the kubeconfig's cluster")
	f.StringVar(&opts.kubeconfig, "kubeconfig", "", "path to a kubeconfig, with --cluster; default: $KUBECONFIG or ~/.kube/config")
	f.StringVar(&opts.namespace, "namespace", "", "the controller's namespace, with --cluster; default: $POD_NAMESPACE, else "+cluster.DefaultNamespace)
	return cmd
}

// readCluster reads the cluster record from the kubeconfig's cluster.
func readCluster(ctx context.Context, opts versionOptions) (*cluster.Info, error) {
	cfg, err := restConfig(opts.kubeconfig)
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		return nil, fmt.Errorf("creating a client: %w", err)
	}
	ns := cluster.Namespace(opts.namespace)
	return cluster.Read(ctx, c, ns)
}

// clusterText prints the cluster record for people.
func clusterText(info *cluster.Info) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cluster ID: %s (ConfigMap %s)\n", info.ID, info.ConfigMap)
	if len(info.Locations) == 0 {
		b.WriteString("locations: none recorded yet\n")
		return b.String()
	}
	b.WriteString("locations:\n")
	names := make([]string, 0, len(info.Locations))
	for p := range info.Locations {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		fmt.Fprintf(&b, "  %s: %s\n", p, strings.Join(info.Locations[p], ", "))
	}
	return b.String()
}
