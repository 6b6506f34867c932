package envtest

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porticov1alpha1 "github.com/portico-dev/portico/api/v1alpha1"
)

// TestInstallManifestsApply applies config/default with the kubectl built from source, the
// way the install guide does, and checks that the controller's Deployment and RBAC exist.
func TestInstallManifestsApply(t *testing.T) {
	kubeconfig := writeKubeconfig(t)
	kubectl := cp.Kubectl()
	var out []byte
	// The two commands of docs/install.md. --force-conflicts only because the suite installed
	// the CRDs already, with another field manager.
	for _, dir := range []string{"crd", "default"} {
		cmd := exec.Command(kubectl, "--kubeconfig", kubeconfig, "apply", "--server-side", "--force-conflicts",
			"-k", filepath.Join("..", "..", "config", dir))
		o, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl apply -k config/%s: %v\n%s", dir, err, o)
		}
		out = append(out, o...)
	}
	for _, want := range []string{"deployment.apps/portico-controller", "clusterrole.rbac.authorization.k8s.io/portico-controller"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("kubectl output does not mention %s:\n%s", want, out)
		}
	}

	ctx := context.Background()
	deploy := &appsv1.Deployment{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: "portico-system", Name: "portico-controller"}, deploy); err != nil {
		t.Fatalf("reading the Deployment: %v", err)
	}
	if sa := deploy.Spec.Template.Spec.ServiceAccountName; sa != "portico-controller" {
		t.Errorf("Deployment runs as service account %q, want portico-controller", sa)
	}
	binding := &rbacv1.ClusterRoleBinding{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Name: "portico-controller"}, binding); err != nil {
		t.Fatalf("reading the ClusterRoleBinding: %v", err)
	}
	if binding.RoleRef.Name != "portico-controller" || binding.Subjects[0].Namespace != "portico-system" {
		t.Errorf("ClusterRoleBinding does not bind the controller's role to its service account: %+v", binding)
	}
	checkClusterRecordAccess(t, deploy)
	class := &networkingv1.IngressClass{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Name: "portico"}, class); err != nil {
		t.Fatalf("reading the IngressClass: %v", err)
	}
	params := &porticov1alpha1.IngressClassParams{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Name: class.Spec.Parameters.Name}, params); err != nil {
		t.Fatalf("the IngressClass's parameters do not exist: %v", err)
	}
	if class.Spec.Controller != "portico.dev/ingress-controller" || params.Spec.Provider != porticov1alpha1.ProviderFake {
		t.Errorf("IngressClass %+v with parameters %+v", class.Spec, params.Spec)
	}
}

// checkClusterRecordAccess checks what the cluster record needs: the controller knows its
// namespace (POD_NAMESPACE from the downward API), and may read and write ConfigMaps there,
// and only there.
func checkClusterRecordAccess(t *testing.T, deploy *appsv1.Deployment) {
	t.Helper()
	ctx := context.Background()
	var fromDownwardAPI bool
	for _, e := range deploy.Spec.Template.Spec.Containers[0].Env {
		if e.Name == "POD_NAMESPACE" && e.ValueFrom != nil && e.ValueFrom.FieldRef != nil && e.ValueFrom.FieldRef.FieldPath == "metadata.namespace" {
			fromDownwardAPI = true
		}
	}
	if !fromDownwardAPI {
		t.Error("the Deployment does not set POD_NAMESPACE from metadata.namespace")
	}
	role := &rbacv1.Role{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: "portico-system", Name: "portico-controller"}, role); err != nil {
		t.Fatalf("reading the Role: %v", err)
	}
	var configMaps bool
	for _, r := range role.Rules {
		if slices.Contains(r.Resources, "configmaps") && slices.Contains(r.Verbs, "create") && slices.Contains(r.Verbs, "update") {
			configMaps = true
		}
	}
	if !configMaps {
		t.Errorf("the Role does not let the controller create and update ConfigMaps: %+v", role.Rules)
	}
	binding := &rbacv1.RoleBinding{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: "portico-system", Name: "portico-controller"}, binding); err != nil {
		t.Fatalf("reading the RoleBinding: %v", err)
	}
	if binding.RoleRef.Kind != "Role" || binding.RoleRef.Name != "portico-controller" || binding.Subjects[0].Name != "portico-controller" {
		t.Errorf("the RoleBinding does not bind the Role to the controller's service account: %+v", binding)
	}
	cluster := &rbacv1.ClusterRole{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Name: "portico-controller"}, cluster); err != nil {
		t.Fatal(err)
	}
	for _, r := range cluster.Rules {
		if slices.Contains(r.Resources, "configmaps") {
			t.Errorf("the ClusterRole grants ConfigMaps in every namespace: %+v", r)
		}
	}
}
