package main

import (
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

// versionInfo is what `portico version` prints.
type versionInfo struct {
	Version   string `json:"version"`
	GitCommit string `json:"gitCommit,omitempty"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
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

func newVersionCommand() *cobra.Command {
	var out outputFormat
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the portico version",
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := currentVersion()
			text := "portico " + v.Version + " (" + v.GoVersion + ", " + v.Platform + ")\n"
			if v.GitCommit != "" {
				text = "portico " + v.Version + " commit " + v.GitCommit + " (" + v.GoVersion + ", " + v.Platform + ")\n"
			}
			return out.print(cmd.OutOrStdout(), v, text)
		},
	}
	out.addFlag(cmd)
	return cmd
}
