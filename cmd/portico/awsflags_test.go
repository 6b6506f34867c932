package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The aws provider's defaults are flags of `portico controller`, documented in install.md
// and install-aws.md; a value that is not a region, a VPC ID or an EKS cluster name is a
// usage error naming the flag, before anything connects.
func TestControllerHasTheAWSFlags(t *testing.T) {
	cmd := newControllerCommand()
	if err := cmd.Flags().Parse([]string{"--aws-region=eu-west-1", "--aws-vpc=vpc-0a1b2c3d", "--aws-cluster-name=shop", "--aws-node-security-groups=sg-0a1b2c3d"}); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"install.md", "install-aws.md"} {
		doc, err := os.ReadFile(filepath.Join("..", "..", "docs", page))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"aws-region", "aws-vpc", "aws-cluster-name", "aws-node-security-groups"} {
			if cmd.Flags().Lookup(name) == nil {
				t.Errorf("portico controller has no --%s", name)
			}
			if !strings.Contains(string(doc), "`--"+name+"`") {
				t.Errorf("docs/%s does not document --%s", page, name)
			}
		}
	}
	for flag, bad := range map[string]string{"--aws-region": "Ireland", "--aws-vpc": "default", "--aws-cluster-name": "-shop", "--aws-node-security-groups": "nodes"} {
		code, _, errOut := runPortico(t, "controller", "--kubeconfig", "/nonexistent", "--providers", "aws", flag+"="+bad)
		if code != exitUsage || !strings.Contains(errOut, flag) || !strings.Contains(errOut, bad) {
			t.Errorf("%s %s exited %d with %q, want %d naming the flag and the value", flag, bad, code, errOut, exitUsage)
		}
	}
}
