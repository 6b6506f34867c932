package verify

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestControlPlaneBuildIsCached proves that once the control plane is built, running the
// build again (as every `make test` does) builds nothing and prints only the cache directory.
func TestControlPlaneBuildIsCached(t *testing.T) {
	root := repoRoot(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(filepath.Join(root, "hack", "controlplane", "build.sh"))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("build.sh rebuilt or reported something although the cache is full:\n%s", stderr.String())
	}
	dir := strings.TrimSpace(stdout.String())
	for _, bin := range []string{"etcd", "kube-apiserver", "kubectl"} {
		if info, err := os.Stat(filepath.Join(dir, bin)); err != nil || info.Mode()&0o111 == 0 {
			t.Errorf("%s is not an executable in %s", bin, dir)
		}
	}
}
