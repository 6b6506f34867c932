package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portico-dev/portico/providers/ratelimit"
)

// cloudRateFlags are the flags of the cloud providers' client-side rate limit.
var cloudRateFlags = []string{
	"cloud-reads-per-second", "cloud-read-burst", "cloud-writes-per-second", "cloud-write-burst",
	"cloud-operation-polls-per-second", "cloud-operation-poll-burst",
}

// The controller takes the rate-limit flags, and docs/install.md's flag table lists each.
func TestControllerHasTheCloudRateFlags(t *testing.T) {
	cmd := newControllerCommand()
	if err := cmd.Flags().Parse([]string{"--cloud-writes-per-second=3", "--cloud-write-burst=1"}); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "install.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range cloudRateFlags {
		if cmd.Flags().Lookup(name) == nil {
			t.Errorf("portico controller has no --%s", name)
		}
		if !strings.Contains(string(doc), "`--"+name+"`") {
			t.Errorf("docs/install.md does not document --%s", name)
		}
	}
	if got := cmd.Flags().Lookup("cloud-writes-per-second"); got == nil || got.Value.String() != "3" {
		t.Errorf("--cloud-writes-per-second=3 parsed as %v", got)
	}
}

// A rate the limiter cannot run is a usage error that says what is wrong.
func TestBadCloudRateIsAUsageError(t *testing.T) {
	for _, args := range [][]string{
		{"controller", "--kubeconfig", "/nonexistent", "--cloud-writes-per-second", "-1"},
		{"controller", "--kubeconfig", "/nonexistent", "--cloud-read-burst", "0"},
	} {
		code, _, errOut := runPortico(t, args...)
		if code != exitUsage || !strings.Contains(errOut, "rate limits") {
			t.Errorf("portico %v exited %d with %q, want %d and the rate-limit error", args, code, errOut, exitUsage)
		}
	}
}

// The flags' rates reach the gcp provider's constructor, which builds its limiter from them.
func TestRegistryGivesTheRatesToTheGCPProvider(t *testing.T) {
	opts := controllerOptions{providers: []string{"gcp"}, rateLimits: ratelimit.DefaultConfig()}
	if _, err := newRegistry(opts, "cluster-a", nil); err != nil {
		t.Fatal(err)
	}
	bad := ratelimit.DefaultConfig()
	bad.PollsPerSecond = -1
	opts.rateLimits = bad
	if _, err := newRegistry(opts, "cluster-a", nil); err == nil || !strings.Contains(err.Error(), "rate limits") {
		t.Errorf("a negative poll rate built the gcp provider (%v)", err)
	}
}
