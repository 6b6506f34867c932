// Package controlplane starts a real kube-apiserver and etcd (envtest) with portico's CRDs
// installed, for portico's own test suites and for the public testenv package.
//
// The binaries are built from source by hack/controlplane/build.sh into a cache outside the
// repository. KUBEBUILDER_ASSETS names their directory; when it is unset, the cache directory
// of the checkout is used if it holds the binaries, so `go test` works after one `make test`.
package controlplane

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// ControlPlane is a running kube-apiserver and etcd.
type ControlPlane struct {
	// Config reaches the API server as a cluster admin.
	Config *rest.Config
	// AssetsDir holds kube-apiserver, etcd and kubectl.
	AssetsDir string
	env       *envtest.Environment
}

// Start starts a control plane and installs the CRDs from config/crd/bases.
func Start() (*ControlPlane, error) {
	return StartWith(nil)
}

// StartWith starts a control plane whose kube-apiserver gets extra flags, for example
// {"event-ttl": "6s"} for tests of what users see once Events expire.
func StartWith(apiServerFlags map[string]string) (*ControlPlane, error) {
	assets, err := AssetsDir()
	if err != nil {
		return nil, err
	}
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	for name, value := range apiServerFlags {
		env.ControlPlane.GetAPIServer().Configure().Set(name, value)
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting the control plane from %s: %w", assets, err)
	}
	return &ControlPlane{Config: cfg, AssetsDir: assets, env: env}, nil
}

// Stop stops the API server and etcd.
func (c *ControlPlane) Stop() error {
	return c.env.Stop()
}

// Kubectl returns the path of the kubectl binary built with the control plane.
func (c *ControlPlane) Kubectl() string {
	return filepath.Join(c.AssetsDir, "kubectl")
}

// WriteKubeconfig writes a kubeconfig for the API server to path, for kubectl and portico.
func (c *ControlPlane) WriteKubeconfig(path string) error {
	return WriteKubeconfig(c.Config, path)
}

// WriteKubeconfig writes a kubeconfig that reaches cfg's API server to path.
func WriteKubeconfig(cfg *rest.Config, path string) error {
	kc := clientcmdapi.NewConfig()
	kc.Clusters["portico"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["portico"] = &clientcmdapi.AuthInfo{
		ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData, Token: cfg.BearerToken,
	}
	kc.Contexts["portico"] = &clientcmdapi.Context{Cluster: "portico", AuthInfo: "portico"}
	kc.CurrentContext = "portico"
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		return fmt.Errorf("writing kubeconfig %s: %w", path, err)
	}
	return nil
}

// Build builds the control-plane binaries that are missing, writing the build's progress to
// progress, and returns their directory. It needs a portico checkout.
func Build(progress io.Writer) (string, error) {
	if dir, err := AssetsDir(); err == nil {
		return dir, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	cmd := exec.Command(filepath.Join(root, "hack", "controlplane", "build.sh"))
	cmd.Stderr = progress
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("building the control plane: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// AssetsDir returns the directory that holds the control-plane binaries.
func AssetsDir() (string, error) {
	if dir := os.Getenv("KUBEBUILDER_ASSETS"); dir != "" {
		return dir, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	out, err := exec.Command(filepath.Join(root, "hack", "controlplane", "build.sh"), "--print").Output()
	if err != nil {
		return "", fmt.Errorf("finding the control-plane cache: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	for _, bin := range []string{"kube-apiserver", "etcd", "kubectl"} {
		if _, err := os.Stat(filepath.Join(dir, bin)); err != nil {
			return "", fmt.Errorf("%s is not built yet: run `make controlplane` (or `make test`) once", filepath.Join(dir, bin))
		}
	}
	return dir, nil
}

// repoRoot finds the checkout this package was compiled from.
func repoRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate the portico checkout")
	}
	root := filepath.Join(filepath.Dir(file), "..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return "", fmt.Errorf("portico checkout not found at %s: %w", root, err)
	}
	return root, nil
}
