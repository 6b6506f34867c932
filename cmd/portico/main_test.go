package main

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

func runPortico(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := runPortico(t, "version")
	if code != exitOK {
		t.Fatalf("portico version exited %d", code)
	}
	if !strings.HasPrefix(out, "portico dev") || !strings.Contains(out, runtime.Version()) {
		t.Errorf("unexpected version text %q", out)
	}

	code, out, _ = runPortico(t, "version", "-o", "json")
	if code != exitOK {
		t.Fatalf("portico version -o json exited %d", code)
	}
	var v versionInfo
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("version -o json is not JSON: %v\n%s", err, out)
	}
	if v.Version != "dev" || v.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("unexpected version object %+v", v)
	}

	code, out, _ = runPortico(t, "version", "-o", "yaml")
	if code != exitOK || !strings.Contains(out, "goVersion: "+runtime.Version()) {
		t.Errorf("version -o yaml exited %d with %q", code, out)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	cases := [][]string{
		{"version", "--no-such-flag"},
		{"version", "-o", "xml"},
		{"version", "extra-argument"},
		{"no-such-command"},
	}
	for _, args := range cases {
		code, out, errOut := runPortico(t, args...)
		if code != exitUsage {
			t.Errorf("portico %v exited %d, want %d (stderr %q)", args, code, exitUsage, errOut)
		}
		if out != "" || !strings.HasPrefix(errOut, "error: ") {
			t.Errorf("portico %v: want the error on stderr only, got stdout %q stderr %q", args, out, errOut)
		}
	}
}

func TestControllerFlagErrorsExitTwo(t *testing.T) {
	cases := map[string][]string{
		"unknown provider":              {"controller", "--providers", "azure"},
		"default provider not enabled":  {"controller", "--providers", "fake", "--default-provider", "gcp"},
		"unknown orphan policy":         {"controller", "--orphan-policy", "ignore"},
		"no reconciles":                 {"controller", "--max-concurrent-reconciles", "0"},
		"sync period that is no period": {"controller", "--sync-period", "often"},
	}
	for name, args := range cases {
		code, _, errOut := runPortico(t, args...)
		if code != exitUsage || !strings.HasPrefix(errOut, "error: ") {
			t.Errorf("%s: portico %v exited %d with %q, want %d and the error", name, args, code, errOut, exitUsage)
		}
	}
}

// TestEmptyProvidersIsRefused starts the controller with no provider: a usage error that
// names the flag, before anything connects to a cluster.
func TestEmptyProvidersIsRefused(t *testing.T) {
	for _, value := range []string{"", "fake,"} {
		code, out, errOut := runPortico(t, "controller", "--kubeconfig", "/nonexistent", "--providers", value)
		if code != exitUsage || !strings.Contains(errOut, "--providers") {
			t.Errorf("--providers %q: exited %d with %q; want %d and an error naming --providers", value, code, errOut, exitUsage)
		}
		if out != "" {
			t.Errorf("--providers %q: printed %q on stdout", value, out)
		}
	}
}
