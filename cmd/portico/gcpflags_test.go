package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The gcp provider's defaults are flags of `portico controller`, documented in install.md;
// a zone that is not one is a usage error naming the flag.
func TestControllerHasTheGCPFlags(t *testing.T) {
	cmd := newControllerCommand()
	if err := cmd.Flags().Parse([]string{"--gcp-network=shop-vpc", "--gcp-zones=europe-west1-b,europe-west1-c"}); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "install.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"gcp-project", "gcp-network", "gcp-subnetwork", "gcp-zones"} {
		if cmd.Flags().Lookup(name) == nil {
			t.Errorf("portico controller has no --%s", name)
		}
		if !strings.Contains(string(doc), "`--"+name+"`") {
			t.Errorf("docs/install.md does not document --%s", name)
		}
	}
	code, _, errOut := runPortico(t, "controller", "--kubeconfig", "/nonexistent", "--gcp-zones", "europe-west1")
	if code != exitUsage || !strings.Contains(errOut, "--gcp-zones") {
		t.Errorf("a bad zone exited %d with %q, want %d naming --gcp-zones", code, errOut, exitUsage)
	}
}
