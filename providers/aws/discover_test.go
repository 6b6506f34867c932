package aws_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

// importByUser imports a certificate for the hosts into ACM as a user would: no tags.
func importByUser(t *testing.T, cloud *testCloud, hosts ...string) string {
	t.Helper()
	c, k, err := testcert.SelfSigned(hosts...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cloud.clients.ACM.ImportCertificate(context.Background(), &acm.ImportCertificateInput{Certificate: c, PrivateKey: k})
	if err != nil {
		t.Fatal(err)
	}
	return awssdk.ToString(out.CertificateArn)
}

// discovering is the shop load balancer with a spec.tls entry without secretName.
func discovering(hosts ...v1alpha1.Hostname) *desired {
	d := shop()
	d.d.Spec.Frontends.HTTPS = true
	d.d.Spec.TLS = []v1alpha1.TLSCertificate{{Discovered: true, Hosts: hosts}}
	return d
}

// httpsCertificates lists the ARNs the load balancer's HTTPS listener serves.
func httpsCertificates(t *testing.T, cloud *testCloud, lb string) []string {
	t.Helper()
	for _, r := range cloud.srv.Inventory() {
		if o, ok := providers.OwnerFromTags(r.Tags); !ok || o.LoadBalancer != lb || r.Kind != "Listener" {
			continue
		}
		l, extra, _ := cloud.srv.Listener(r.ID)
		if l.Protocol != elbtypes.ProtocolEnumHttps {
			continue
		}
		var out []string
		for _, c := range l.Certificates {
			out = append(out, awssdk.ToString(c.CertificateArn))
		}
		out = append(out, extra...)
		slices.Sort(out)
		return slices.Compact(out)
	}
	t.Fatalf("%s has no HTTPS listener", lb)
	return nil
}

// A host's own certificate beats a wildcard one, a wildcard covers one label, and the
// listener serves what was found for each host.
func TestDiscoveredCertificatesAreTheUsersACMCertificatesForEachHost(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	shopCert := importByUser(t, cloud, "shop.example.com")
	wildcard := importByUser(t, cloud, "*.example.com")
	importByUser(t, cloud, "*.other.example.com") // covers no host asked for
	d := discovering("shop.example.com", "api.example.com")
	converge(t, p, d.d)
	want := []string{shopCert, wildcard}
	slices.Sort(want)
	if got := httpsCertificates(t, cloud, "shop-web"); !slices.Equal(got, want) {
		t.Errorf("the HTTPS listener serves %v, want shop.example.com's own certificate and the wildcard for api.example.com: %v", got, want)
	}
	if w := writesSince(cloud, func() { ensure(t, p, d.d) }); len(w) > 0 {
		t.Errorf("a resync wrote %v", w)
	}
}

// A host ACM has nothing for is an error naming it, and the listener is not made without it.
func TestAHostWithoutCertificateInACMIsAnErrorNamingIt(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	importByUser(t, cloud, "shop.example.com")
	d := discovering("shop.example.com", "deep.api.example.com")
	importByUser(t, cloud, "*.example.com") // covers api.example.com, not deep.api.example.com
	_, err := p.Ensure(context.Background(), d.d)
	if err == nil || !providers.IsInvalid(err) || !strings.Contains(err.Error(), "deep.api.example.com") || strings.Contains(err.Error(), "shop.example.com,") {
		t.Fatalf("ensure: %v; want an invalid error naming deep.api.example.com only", err)
	}
}

// A certificate portico imported from another load balancer's TLS Secret is never
// discovered: it goes when that load balancer goes.
func TestACertificatePorticoImportedIsNotDiscovered(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	other := lbNamed("other").backend("web", "10.0.1.9").host("shop.example.com", prefix("/", "web")).https(certificate(t, "shop.example.com"))
	converge(t, p, other.d)
	_, err := p.Ensure(context.Background(), discovering("shop.example.com").d)
	if err == nil || !strings.Contains(err.Error(), "shop.example.com") {
		t.Fatalf("ensure: %v; want no certificate found for shop.example.com, as the only one is portico's", err)
	}
}
