package awstest_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

// selfSigned makes a PEM certificate and key for cn and sans.
func selfSigned(t *testing.T, key crypto.Signer, cn string, sans ...string) (certPEM, keyPEM []byte) {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: cn}, DNSNames: sans,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
}

func rsaKey(t *testing.T) crypto.Signer {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func (e *env) importCert(t *testing.T, certPEM, keyPEM []byte, tags ...acmtypes.Tag) string {
	t.Helper()
	out, err := e.acm.ImportCertificate(e.ctx, &acm.ImportCertificateInput{Certificate: certPEM, PrivateKey: keyPEM, Tags: tags})
	if err != nil {
		t.Fatalf("ImportCertificate: %v", err)
	}
	return *out.CertificateArn
}

func TestImportAndListCertificates(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	key := rsaKey(t)
	certPEM, keyPEM := selfSigned(t, key, "example.com", "example.com", "www.example.com", "*.api.example.com")
	arn := e.importCert(t, certPEM, keyPEM, acmtypes.Tag{Key: aws.String("cluster"), Value: aws.String("c1")})
	out, err := e.acm.ListCertificates(e.ctx, &acm.ListCertificatesInput{CertificateStatuses: []acmtypes.CertificateStatus{acmtypes.CertificateStatusIssued}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.CertificateSummaryList) != 1 {
		t.Fatalf("listed %d certificates", len(out.CertificateSummaryList))
	}
	sum := out.CertificateSummaryList[0]
	if *sum.CertificateArn != arn || *sum.DomainName != "example.com" || len(sum.SubjectAlternativeNameSummaries) != 3 ||
		sum.SubjectAlternativeNameSummaries[2] != "*.api.example.com" || sum.Status != acmtypes.CertificateStatusIssued ||
		sum.KeyAlgorithm != acmtypes.KeyAlgorithmRsa2048 || sum.NotAfter == nil {
		t.Errorf("summary = %+v", sum)
	}
	desc, err := e.acm.DescribeCertificate(e.ctx, &acm.DescribeCertificateInput{CertificateArn: &arn})
	if err != nil || desc.Certificate.Type != acmtypes.CertificateTypeImported || len(desc.Certificate.InUseBy) != 0 {
		t.Fatalf("describe = %+v, %v", desc, err)
	}
	tags, err := e.acm.ListTagsForCertificate(e.ctx, &acm.ListTagsForCertificateInput{CertificateArn: &arn})
	if err != nil || len(tags.Tags) != 1 || *tags.Tags[0].Value != "c1" {
		t.Fatalf("tags = %+v, %v", tags, err)
	}
	// Re-import by ARN replaces the certificate and keeps the ARN.
	newPEM, newKey := selfSigned(t, key, "other.example.com")
	again, err := e.acm.ImportCertificate(e.ctx, &acm.ImportCertificateInput{CertificateArn: &arn, Certificate: newPEM, PrivateKey: newKey})
	if err != nil || *again.CertificateArn != arn {
		t.Fatalf("re-import = %+v, %v", again, err)
	}
	desc, _ = e.acm.DescribeCertificate(e.ctx, &acm.DescribeCertificateInput{CertificateArn: &arn})
	if *desc.Certificate.DomainName != "other.example.com" {
		t.Errorf("after re-import the domain is %s", *desc.Certificate.DomainName)
	}
}

func TestImportCertificateErrors(t *testing.T) {
	e := newEnv(t, awstest.Options{})
	certPEM, _ := selfSigned(t, rsaKey(t), "a.example.com")
	_, otherKey := selfSigned(t, rsaKey(t), "b.example.com")
	_, err := e.acm.ImportCertificate(e.ctx, &acm.ImportCertificateInput{Certificate: certPEM, PrivateKey: otherKey})
	wantCode(t, err, "ValidationException")
	_, err = e.acm.ImportCertificate(e.ctx, &acm.ImportCertificateInput{Certificate: []byte("not pem"), PrivateKey: otherKey})
	wantCode(t, err, "ValidationException")
	_, err = e.acm.DescribeCertificate(e.ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String("arn:aws:acm:us-west-2:123456789012:certificate/nope")})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestListCertificatesLeavesECKeysOutByDefault(t *testing.T) {
	e := newEnv(t, awstest.Options{PageSize: 1})
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	e.importNew(t, ec, "ec.example.com")
	e.importNew(t, rsaKey(t), "rsa1.example.com")
	e.importNew(t, rsaKey(t), "rsa2.example.com")
	count := func(in *acm.ListCertificatesInput) int {
		n := 0
		p := acm.NewListCertificatesPaginator(e.acm, in)
		for p.HasMorePages() {
			out, err := p.NextPage(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			n += len(out.CertificateSummaryList)
		}
		return n
	}
	if n := count(&acm.ListCertificatesInput{}); n != 2 {
		t.Errorf("default listing: %d, want the 2 RSA_2048 ones", n)
	}
	all := &acm.ListCertificatesInput{Includes: &acmtypes.Filters{KeyTypes: []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmRsa2048, acmtypes.KeyAlgorithmEcPrime256v1}}}
	if n := count(all); n != 3 {
		t.Errorf("with key types: %d, want 3", n)
	}
}

// importNew imports a new self-signed certificate for cn.
func (e *env) importNew(t *testing.T, key crypto.Signer, cn string) string {
	t.Helper()
	certPEM, keyPEM := selfSigned(t, key, cn)
	return e.importCert(t, certPEM, keyPEM)
}

func TestHTTPSListenerCertificates(t *testing.T) {
	e, l, tg := listenerEnv(t, awstest.Options{Limits: awstest.Limits{CertificatesPerListener: 2}})
	key := rsaKey(t)
	var arns []string
	for _, cn := range []string{"a.example.com", "b.example.com", "c.example.com"} {
		arns = append(arns, e.importNew(t, key, cn))
	}
	out, err := e.elb.CreateListener(e.ctx, &elb.CreateListenerInput{LoadBalancerArn: l.LoadBalancerArn, Port: aws.Int32(443),
		Protocol: elbtypes.ProtocolEnumHttps, DefaultActions: forward(*tg.TargetGroupArn),
		Certificates: []elbtypes.Certificate{{CertificateArn: &arns[0]}}})
	if err != nil {
		t.Fatal(err)
	}
	https := out.Listeners[0]
	if *https.SslPolicy != awstest.DefaultSSLPolicy {
		t.Errorf("ssl policy = %s", *https.SslPolicy)
	}
	if c, ok := e.srv.Certificate(arns[0]); !ok || len(c.InUseBy) != 1 {
		t.Errorf("the served certificate as the server has it: %+v", c)
	}
	if _, err := e.elb.AddListenerCertificates(e.ctx, &elb.AddListenerCertificatesInput{ListenerArn: https.ListenerArn,
		Certificates: []elbtypes.Certificate{{CertificateArn: &arns[1]}}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.elb.AddListenerCertificates(e.ctx, &elb.AddListenerCertificatesInput{ListenerArn: https.ListenerArn,
		Certificates: []elbtypes.Certificate{{CertificateArn: &arns[2]}}})
	wantCode(t, err, "TooManyCertificates")
	if _, extra, ok := e.srv.Listener(*https.ListenerArn); !ok || len(extra) != 1 || extra[0] != arns[1] {
		t.Errorf("extra certificates as the server has them: %v", extra)
	}
	certs, err := e.elb.DescribeListenerCertificates(e.ctx, &elb.DescribeListenerCertificatesInput{ListenerArn: https.ListenerArn})
	if err != nil || len(certs.Certificates) != 2 || !*certs.Certificates[0].IsDefault || *certs.Certificates[1].IsDefault {
		t.Fatalf("listener certificates = %+v, %v", certs, err)
	}
	_, err = e.acm.DeleteCertificate(e.ctx, &acm.DeleteCertificateInput{CertificateArn: &arns[1]})
	wantCode(t, err, "ResourceInUseException")
	desc, err := e.acm.DescribeCertificate(e.ctx, &acm.DescribeCertificateInput{CertificateArn: &arns[1]})
	if err != nil || len(desc.Certificate.InUseBy) != 1 || desc.Certificate.InUseBy[0] != *l.LoadBalancerArn {
		t.Errorf("InUseBy = %+v, %v; want the load balancer", desc, err)
	}
	if _, err := e.elb.RemoveListenerCertificates(e.ctx, &elb.RemoveListenerCertificatesInput{ListenerArn: https.ListenerArn,
		Certificates: []elbtypes.Certificate{{CertificateArn: &arns[1]}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.acm.DeleteCertificate(e.ctx, &acm.DeleteCertificateInput{CertificateArn: &arns[1]}); err != nil {
		t.Fatalf("after removal from the listener: %v", err)
	}
	_, err = e.elb.CreateListener(e.ctx, &elb.CreateListenerInput{LoadBalancerArn: l.LoadBalancerArn, Port: aws.Int32(8443),
		Protocol: elbtypes.ProtocolEnumHttps, DefaultActions: forward(*tg.TargetGroupArn), SslPolicy: aws.String("nope"),
		Certificates: []elbtypes.Certificate{{CertificateArn: &arns[0]}}})
	wantCode(t, err, "SSLPolicyNotFound")
}
