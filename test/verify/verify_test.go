// Package verify proves that `make verify` catches what it promises to catch: a stale
// generated file, an untidy go.mod and unformatted Go code. Each case runs hack/verify.sh on
// a copy of the repository with one defect planted in it.
package verify

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestVerify(t *testing.T) {
	if testing.Short() {
		t.Skip("copies the repository and runs controller-gen")
	}
	root := repoRoot(t)
	controllerGen := buildControllerGen(t, root)

	cases := []struct {
		name  string
		plant func(t *testing.T, dir string)
		want  []string // empty: verify passes
	}{{
		name:  "clean tree passes",
		plant: func(*testing.T, string) {},
	}, {
		name: "stale CRD after an API doc change",
		plant: func(t *testing.T, dir string) {
			replaceInFile(t, filepath.Join(dir, "api/v1alpha1/loadbalancer_types.go"),
				"// Provider realises this load balancer.", "// Provider realises this load balancer, reworded.")
		},
		want: []string{"generated files were stale", "config/crd/bases/portico.dev_loadbalancers.yaml"},
	}, {
		name: "stale deepcopy after a new field",
		plant: func(t *testing.T, dir string) {
			replaceInFile(t, filepath.Join(dir, "api/v1alpha1/loadbalancer_types.go"),
				"type Frontends struct {", "type Frontends struct {\n\tExtra []string `json:\"extra,omitempty\"`")
		},
		want: []string{"generated files were stale", "api/v1alpha1/zz_generated.deepcopy.go"},
	}, {
		name: "stale provider table after a catalog change",
		plant: func(t *testing.T, dir string) {
			replaceInFile(t, filepath.Join(dir, "providers/catalog/catalog.go"),
				"an in-memory cloud for tests", "an in-memory cloud, reworded, for tests")
		},
		want: []string{"generated files were stale", "docs/install.md"},
	}, {
		name: "untidy go.mod",
		plant: func(t *testing.T, dir string) {
			appendToFile(t, filepath.Join(dir, "go.mod"), "\nrequire github.com/spf13/pflag v1.0.10\n")
		},
		want: []string{"go.mod of . is untidy"},
	}, {
		name: "unformatted Go file",
		plant: func(t *testing.T, dir string) {
			appendToFile(t, filepath.Join(dir, "cmd/portico/version.go"), "\nfunc   badlyFormatted( ) {}\n")
		},
		want: []string{"gofmt would change", "cmd/portico/version.go"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyRepo(t, root, controllerGen)
			tc.plant(t, dir)
			out, err := runVerify(dir)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("verify failed on a clean tree: %v\n%s", err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("verify passed with a planted defect:\n%s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("verify output does not mention %q:\n%s", w, out)
				}
			}
		})
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatalf("finding the repository root: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// buildControllerGen builds the pinned controller-gen once, so that the copies need not.
func buildControllerGen(t *testing.T, root string) string {
	t.Helper()
	cmd := exec.Command("make", "--no-print-directory", "-s", filepath.Join(root, "bin", "controller-gen"))
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building controller-gen: %v\n%s", err, out)
	}
	return filepath.Join(root, "bin", "controller-gen")
}

// copyRepo copies the tracked and untracked, not ignored, files of the working tree into a
// new git repository and puts controller-gen into its bin directory.
func copyRepo(t *testing.T, root, controllerGen string) string {
	t.Helper()
	dir := t.TempDir()
	list := exec.Command("git", "ls-files", "--cached", "--others", "--exclude-standard", "-z")
	list.Dir = root
	out, err := list.Output()
	if err != nil {
		t.Fatalf("listing files: %v", err)
	}
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if _, err := os.Stat(filepath.Join(root, rel)); os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		copyFile(t, filepath.Join(root, rel), filepath.Join(dir, rel))
	}
	// Copied last, so that it is newer than its go.mod and make does not rebuild it.
	copyFile(t, controllerGen, filepath.Join(dir, "bin", "controller-gen"))
	git := exec.Command("git", "init", "-q")
	git.Dir = dir
	if out, err := git.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	add := exec.Command("git", "add", "-A")
	add.Dir = dir
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("git add: %v\n%s", err, out)
	}
	return dir
}

func runVerify(dir string) (string, error) {
	cmd := exec.Command("hack/verify.sh")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	info, err := os.Stat(from)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, info.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
}

func replaceInFile(t *testing.T, path, old, replacement string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, replacement, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendToFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
