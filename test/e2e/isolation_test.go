package e2e

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers/fake"
)

// resourceNamed returns the name of the load balancer's cloud resource of that kind.
func resourceNamed(t *testing.T, lbName, kind string) string {
	t.Helper()
	for _, r := range env.Inventory(lbName) {
		if r.Kind == kind {
			return r.Name
		}
	}
	t.Fatalf("LoadBalancer %s has no %s: %+v", lbName, kind, env.Inventory(lbName))
	return ""
}

// TestAnotherNamespaceCannotTakeAnAddressOrCertificate: an Ingress of namespace A that names,
// as its static address or pre-shared certificate, one portico made for a load balancer of
// namespace B is refused with a clear reason, and B keeps its address and certificate.
func TestAnotherNamespaceCannotTakeAnAddressOrCertificate(t *testing.T) {
	victim := newNamespace(t)
	service(t, victim, "front", 80, "10.0.1.1")
	cert, key := selfSigned(t, "shop.example.com")
	tlsSecret(t, victim, "shop-tls", cert, key)
	apply(t, victim, tlsIngress)
	victimLB, err := env.WaitProgrammed(timeout(t), victim, "web")
	if err != nil {
		t.Fatal(err)
	}
	address := resourceNamed(t, victimLB.Name, fake.KindAddress)
	certificate := resourceNamed(t, victimLB.Name, fake.KindSslCertificate)

	thief := newNamespace(t)
	service(t, thief, "front", 80, "10.0.2.1")
	apply(t, thief, strings.Replace(tlsIngress, "metadata: {name: web, namespace: NAMESPACE}",
		"metadata: {name: web, namespace: NAMESPACE, annotations: {"+model.AnnotationStaticAddress+": "+address+"}}", 1))
	thiefLB := lbNameOf(thief, "web")
	if _, err := env.WaitCondition(timeout(t), thiefLB, v1alpha1.ConditionProgrammed, "False", fake.ReasonStaticAddressOwnedByPortico); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, getIngress(t, thief, "web"), "ProgrammingFailed", address)

	annotate(t, thief, "web", model.AnnotationStaticAddress, "")
	annotate(t, thief, "web", model.AnnotationPreSharedCerts, certificate)
	if err := waitFor(t, "port 443 of the thief to be refused", func() bool {
		for _, p := range getLB(t, thiefLB).Status.Ports {
			if p.Port == 443 && p.Error == fake.ReasonCertificateOwnedByPortico {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("%v: ports %+v", err, getLB(t, thiefLB).Status.Ports)
	}

	after := getLB(t, victimLB.Name)
	if after.Status.Address != victimLB.Status.Address || resourceNamed(t, victimLB.Name, fake.KindSslCertificate) != certificate {
		t.Errorf("the victim's load balancer changed: %+v", after.Status)
	}
}
