package e2e

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/testcert"
)

// selfSigned returns a PEM certificate and key for host.
func selfSigned(t *testing.T, host string) (certPEM, keyPEM []byte) {
	t.Helper()
	certPEM, keyPEM, err := testcert.SelfSigned(host)
	if err != nil {
		t.Fatal(err)
	}
	return certPEM, keyPEM
}

func tlsSecret(t *testing.T, ns, name string, cert, key []byte) {
	t.Helper()
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Type:       corev1.SecretTypeTLS,
		Data:       map[string][]byte{corev1.TLSCertKey: cert, corev1.TLSPrivateKeyKey: key},
	}
	if err := env.Apply(context.Background(), secret); err != nil {
		t.Fatal(err)
	}
}

const tlsIngress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: NAMESPACE}
spec:
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: front, port: {number: 80}}}}]}
`

// TestInvalidCertificateFailsPort443Only: a certificate the cloud refuses leaves HTTP
// serving, marks port 443 in the Ingress status with the reason, and recovers when the
// Secret is fixed, without the Ingress changing.
func TestInvalidCertificateFailsPort443Only(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "front", 80, "10.0.1.1")
	cert, _ := selfSigned(t, "shop.example.com")
	_, otherKey := selfSigned(t, "shop.example.com")
	tlsSecret(t, ns, "shop-tls", cert, otherKey) // the key does not match the certificate
	apply(t, ns, tlsIngress)
	lbName := lbNameOf(ns, "web")
	if _, err := env.WaitCondition(timeout(t), lbName, v1alpha1.ConditionProgrammed, "False", "CertificateInvalid"); err != nil {
		t.Fatal(err)
	}
	var ports string
	err := waitFor(t, "port 443 to show the error in the Ingress status", func() bool {
		ing := getIngress(t, ns, "web")
		if len(ing.Status.LoadBalancer.Ingress) == 0 {
			return false
		}
		ports = ""
		ok := false
		for _, p := range ing.Status.LoadBalancer.Ingress[0].Ports {
			if p.Error != nil {
				ports += " " + *p.Error
			}
			if p.Port == 443 && p.Error != nil && *p.Error == "CertificateInvalid" {
				ok = true
			}
			if p.Port == 80 && p.Error != nil {
				return false
			}
		}
		return ok
	})
	if err != nil {
		t.Fatalf("%v (port errors:%s)", err, ports)
	}
	ing := getIngress(t, ns, "web")
	waitEvent(t, ing, "ProgrammingFailed", "CertificateInvalid")
	for _, e := range eventsOf(t, ing) {
		if strings.Contains(e, "PRIVATE KEY") || strings.Contains(e, string(otherKey[30:60])) {
			t.Fatalf("an Event carries key material: %s", e)
		}
	}

	cert2, key2 := selfSigned(t, "shop.example.com")
	tlsSecret(t, ns, "shop-tls", cert2, key2)
	if _, err := env.WaitProgrammed(timeout(t), ns, "web"); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, "port 443 without error", func() bool {
		ing := getIngress(t, ns, "web")
		for _, p := range ing.Status.LoadBalancer.Ingress[0].Ports {
			if p.Error != nil {
				return false
			}
		}
		return len(ing.Status.LoadBalancer.Ingress[0].Ports) == 2
	}); err != nil {
		t.Fatal(err)
	}
}
