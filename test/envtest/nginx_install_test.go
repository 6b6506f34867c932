package envtest

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNginxOverlayApplies applies config/nginx with the kubectl built from source, as a
// server-side dry run (the suite's other tests use config/default), and checks the data
// plane it installs: the Deployment of two replicas, its Service and PodDisruptionBudget.
func TestNginxOverlayApplies(t *testing.T) {
	kubeconfig := writeKubeconfig(t)
	cmd := exec.Command(cp.Kubectl(), "--kubeconfig", kubeconfig, "apply", "--server-side", "--force-conflicts",
		"--dry-run=server", "-k", filepath.Join("..", "..", "config", "nginx"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl apply -k config/nginx: %v\n%s", err, out)
	}
	for _, want := range []string{
		"deployment.apps/portico-controller", "service/portico-nginx",
		"poddisruptionbudget.policy/portico-nginx", "ingressclassparams.portico.dev/portico",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("kubectl output does not mention %s:\n%s", want, out)
		}
	}
	rendered, err := exec.Command(cp.Kubectl(), "kustomize", filepath.Join("..", "..", "config", "nginx")).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl kustomize: %v\n%s", err, rendered)
	}
	for _, want := range []string{"replicas: 2", "--providers=nginx", "--publish-service=$(POD_NAMESPACE)/portico-nginx", "containerPort: 8880", "provider: nginx"} {
		if !strings.Contains(string(rendered), want) {
			t.Errorf("config/nginx does not render %q", want)
		}
	}
}
