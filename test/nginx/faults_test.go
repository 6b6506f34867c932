package nginx

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/testenv"
)

// nginx killed under the controller is started again and serves what it served.
func TestKilledNginxIsRestartedAndServes(t *testing.T) {
	ns := newNamespace(t)
	backend(t, ns, "web")
	ingress(ns, "shop").prefix("killed.example.com", "/", "web").create(t)
	waitServed(t, "killed.example.com", "/", ns, "web")
	pid := masterPID(t)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := testenv.WaitFor(timeout(t), "a new nginx master", func(context.Context) (bool, error) {
		n := pidInFile()
		return n != 0 && n != pid, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	waitServed(t, "killed.example.com", "/", ns, "web")
}

// A configuration nginx refuses never loads: what served keeps serving, and the
// LoadBalancer's condition carries nginx's reason.
func TestRefusedConfigurationKeepsTheOldOne(t *testing.T) {
	ns := newNamespace(t)
	backend(t, ns, "web")
	ingress(ns, "steady").prefix("steady.example.com", "/", "web").create(t)
	waitServed(t, "steady.example.com", "/", ns, "web")

	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "broken"},
		Type:       corev1.SecretTypeTLS,
		Data: map[string][]byte{
			corev1.TLSCertKey:       []byte("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"),
			corev1.TLSPrivateKeyKey: []byte("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"),
		},
	}
	if err := env.Client.Create(context.Background(), secret); err != nil {
		t.Fatal(err)
	}
	ingress(ns, "broken").prefix("broken.example.com", "/", "web").tls("broken", "broken.example.com").create(t)
	lb, err := env.WaitCondition(timeout(t), lbNameOf(ns, "broken"), v1alpha1.ConditionProgrammed, "False", nginxfallback.ReasonRejected)
	if err != nil {
		t.Fatal(err)
	}
	if c := meta.FindStatusCondition(lb.Status.Conditions, v1alpha1.ConditionProgrammed); !strings.Contains(c.Message, "cannot load certificate") {
		t.Errorf("the condition does not say why nginx refused: %q", c.Message)
	}
	waitServed(t, "steady.example.com", "/", ns, "web")
	waitServed(t, "broken.example.com", "/", ns, "")
}

// masterPID reads the pid of the nginx master.
func masterPID(t *testing.T) int {
	t.Helper()
	pid := pidInFile()
	if pid == 0 {
		t.Fatal("nginx wrote no pid file")
	}
	return pid
}

// pidInFile is the pid in nginx's pid file; 0 while there is none (nginx is restarting).
func pidInFile() int {
	b, _ := os.ReadFile(filepath.Join(prefix, nginxfallback.PidFile))
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}
