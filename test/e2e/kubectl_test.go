package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := env.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(env.Kubectl(), append([]string{"--kubeconfig", kubeconfig}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestKubectlShowsWhatTheIngressCreated: kubectl, built from the same Kubernetes release,
// answers "what did my Ingress create" from the objects portico writes.
func TestKubectlShowsWhatTheIngressCreated(t *testing.T) {
	ns, lb := servedWeb(t)
	waitEvent(t, getIngress(t, ns, "web"), "AddressAssigned", lb.Status.Address)
	if _, err := env.WaitCondition(timeout(t), lb.Name, "Ready", "True", "Ready"); err != nil {
		t.Fatal(err)
	}

	ing := kubectl(t, "describe", "ingress", "-n", ns, "web")
	for _, want := range []string{lb.Status.Address, "portico.dev/load-balancer: " + lb.Name,
		"LoadBalancerAssigned", "AddressAssigned", "ResourceCreated", "created URLMap"} {
		if !strings.Contains(ing, want) {
			t.Errorf("kubectl describe ingress does not show %q:\n%s", want, ing)
		}
	}

	get := kubectl(t, "get", "lb", lb.Name)
	for _, want := range []string{"PROVIDER", "ADDRESS", "READY", "AGE", "fake", lb.Status.Address, "True"} {
		if !strings.Contains(get, want) {
			t.Errorf("kubectl get lb does not show %q:\n%s", want, get)
		}
	}
	wide := kubectl(t, "get", "lb", lb.Name, "-o", "wide")
	if !strings.Contains(wide, "MEMBERS") || !strings.Contains(wide, "RESOURCES") {
		t.Errorf("kubectl get lb -o wide lacks the members and resource count:\n%s", wide)
	}

	describe := kubectl(t, "describe", "lb", lb.Name)
	for _, want := range []string{"Programmed", "Ready", "Kind:", "ForwardingRule", "URLMap", "BackendService",
		"NetworkEndpointGroup", "HealthCheck", "Address", ns, "ResourceCreated"} {
		if !strings.Contains(describe, want) {
			t.Errorf("kubectl describe lb does not show %q:\n%s", want, describe)
		}
	}
	for _, r := range lb.Status.Resources {
		if !strings.Contains(describe, r.Name) || !strings.Contains(describe, r.ID) {
			t.Errorf("kubectl describe lb does not name resource %s/%s (id %s)", r.Kind, r.Name, r.ID)
		}
	}
}
