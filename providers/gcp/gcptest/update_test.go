package gcptest

import (
	"net/http"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

func (e *env) urlMap(name string) *computepb.UrlMap {
	e.t.Helper()
	um, err := e.c.URLMaps.Get(e.ctx, &computepb.GetUrlMapRequest{Project: proj, UrlMap: name})
	if err != nil {
		e.t.Fatal(err)
	}
	return um
}

func TestURLMapFingerprints(t *testing.T) {
	e := newEnv(t, Options{})
	e.createGraph()
	e.done(e.c.BackendServices.Insert(e.ctx, &computepb.InsertBackendServiceRequest{Project: proj,
		BackendServiceResource: backendService("other-be", "lb-hc")}))
	read := e.urlMap("lb-um")

	patch := &computepb.UrlMap{Fingerprint: read.Fingerprint, DefaultService: proto.String(global("backendServices", "other-be"))}
	e.done(e.c.URLMaps.Patch(e.ctx, &computepb.PatchUrlMapRequest{Project: proj, UrlMap: "lb-um", UrlMapResource: patch}))
	after := e.urlMap("lb-um")
	if after.GetFingerprint() == read.GetFingerprint() || after.GetId() != read.GetId() || len(after.GetHostRules()) != 1 {
		t.Fatalf("patch: fingerprint %q→%q, id %d→%d, host rules %d; want a new fingerprint, the same id, untouched host rules",
			read.GetFingerprint(), after.GetFingerprint(), read.GetId(), after.GetId(), len(after.GetHostRules()))
	}
	if got, _ := e.srv.Route("lb-um", "elsewhere.org", "/"); got != "other-be" {
		t.Fatalf("after patch the default service is %q", got)
	}

	_, err := e.c.URLMaps.Patch(e.ctx, &computepb.PatchUrlMapRequest{Project: proj, UrlMap: "lb-um", UrlMapResource: patch})
	wantAPIError(t, err, http.StatusPreconditionFailed, "conditionNotMet")
	_, err = e.c.URLMaps.Patch(e.ctx, &computepb.PatchUrlMapRequest{Project: proj, UrlMap: "lb-um",
		UrlMapResource: &computepb.UrlMap{DefaultService: proto.String(global("backendServices", "lb-be"))}})
	wantAPIError(t, err, http.StatusPreconditionFailed, "conditionNotMet")

	whole := urlMap("lb-um", "lb-be").build()
	whole.Fingerprint = after.Fingerprint
	e.done(e.c.URLMaps.Update(e.ctx, &computepb.UpdateUrlMapRequest{Project: proj, UrlMap: "lb-um", UrlMapResource: whole}))
	if got := e.urlMap("lb-um"); len(got.GetHostRules()) != 0 || got.GetId() != read.GetId() {
		t.Fatalf("update did not replace the URL map: %v", got)
	}
	_, err = e.c.URLMaps.Update(e.ctx, &computepb.UpdateUrlMapRequest{Project: proj, UrlMap: "lb-um", UrlMapResource: whole})
	wantAPIError(t, err, http.StatusPreconditionFailed, "conditionNotMet")
}

func TestBackendServiceAndHealthCheckUpdatedInPlace(t *testing.T) {
	e := newEnv(t, Options{})
	e.createGraph()
	be, err := e.c.BackendServices.Get(e.ctx, &computepb.GetBackendServiceRequest{Project: proj, BackendService: "lb-be"})
	if err != nil {
		t.Fatal(err)
	}
	e.done(e.c.BackendServices.Patch(e.ctx, &computepb.PatchBackendServiceRequest{Project: proj, BackendService: "lb-be",
		BackendServiceResource: &computepb.BackendService{Fingerprint: be.Fingerprint, TimeoutSec: proto.Int32(90)}}))
	_, err = e.c.BackendServices.Patch(e.ctx, &computepb.PatchBackendServiceRequest{Project: proj, BackendService: "lb-be",
		BackendServiceResource: &computepb.BackendService{Fingerprint: be.Fingerprint, TimeoutSec: proto.Int32(10)}})
	wantAPIError(t, err, http.StatusPreconditionFailed, "conditionNotMet")
	be2, _ := e.c.BackendServices.Get(e.ctx, &computepb.GetBackendServiceRequest{Project: proj, BackendService: "lb-be"})
	_, err = e.c.BackendServices.Patch(e.ctx, &computepb.PatchBackendServiceRequest{Project: proj, BackendService: "lb-be",
		BackendServiceResource: &computepb.BackendService{Fingerprint: be2.Fingerprint, LoadBalancingScheme: proto.String("EXTERNAL")}})
	wantAPIError(t, err, http.StatusBadRequest, "invalid")
	if be2.GetTimeoutSec() != 90 || len(be2.GetBackends()) != 1 {
		t.Fatalf("patched backend service = %v", be2)
	}

	e.done(e.c.HealthChecks.Patch(e.ctx, &computepb.PatchHealthCheckRequest{Project: proj, HealthCheck: "lb-hc",
		HealthCheckResource: &computepb.HealthCheck{HttpHealthCheck: &computepb.HTTPHealthCheck{RequestPath: proto.String("/ready")}}}))
	hc, err := e.c.HealthChecks.Get(e.ctx, &computepb.GetHealthCheckRequest{Project: proj, HealthCheck: "lb-hc"})
	if err != nil {
		t.Fatal(err)
	}
	if hc.GetHttpHealthCheck().GetRequestPath() != "/ready" || hc.GetHttpHealthCheck().GetPort() != 8080 || hc.GetCheckIntervalSec() != 5 {
		t.Fatalf("a merge patch keeps sibling fields: %v", hc)
	}
	bad := healthCheck("lb-hc", "/x")
	bad.CheckIntervalSec, bad.TimeoutSec = proto.Int32(5), proto.Int32(10)
	_, err = e.c.HealthChecks.Update(e.ctx, &computepb.UpdateHealthCheckRequest{Project: proj, HealthCheck: "lb-hc", HealthCheckResource: bad})
	wantAPIError(t, err, http.StatusBadRequest, "invalid")
}

func TestCertificateRotationAndSetMethods(t *testing.T) {
	e := newEnv(t, Options{})
	e.createGraph()
	cert, key := selfSigned(t, "foo.com", "www.foo.com")
	e.done(e.c.SSLCertificates.Insert(e.ctx, &computepb.InsertSslCertificateRequest{Project: proj,
		SslCertificateResource: &computepb.SslCertificate{Name: proto.String("lb-cert-2"), Certificate: proto.String(cert), PrivateKey: proto.String(key)}}))
	_, err := e.c.SSLCertificates.Delete(e.ctx, &computepb.DeleteSslCertificateRequest{Project: proj, SslCertificate: "lb-cert"})
	wantAPIError(t, err, http.StatusBadRequest, "resourceInUseByAnotherResource")
	e.done(e.c.TargetHTTPSProxies.SetSslCertificates(e.ctx, &computepb.SetSslCertificatesTargetHttpsProxyRequest{Project: proj,
		TargetHttpsProxy: "lb-https", TargetHttpsProxiesSetSslCertificatesRequestResource: &computepb.TargetHttpsProxiesSetSslCertificatesRequest{
			SslCertificates: []string{global("sslCertificates", "lb-cert-2")}}}))
	e.done(e.c.SSLCertificates.Delete(e.ctx, &computepb.DeleteSslCertificateRequest{Project: proj, SslCertificate: "lb-cert"}))

	redirect := urlMap("lb-redirect", "lb-be").build()
	e.done(e.c.URLMaps.Insert(e.ctx, &computepb.InsertUrlMapRequest{Project: proj, UrlMapResource: redirect}))
	e.done(e.c.TargetHTTPProxies.SetUrlMap(e.ctx, &computepb.SetUrlMapTargetHttpProxyRequest{Project: proj, TargetHttpProxy: "lb-http",
		UrlMapReferenceResource: &computepb.UrlMapReference{UrlMap: proto.String(global("urlMaps", "lb-redirect"))}}))
	e.done(e.c.TargetHTTPSProxies.SetUrlMap(e.ctx, &computepb.SetUrlMapTargetHttpsProxyRequest{Project: proj, TargetHttpsProxy: "lb-https",
		UrlMapReferenceResource: &computepb.UrlMapReference{UrlMap: proto.String(global("urlMaps", "lb-redirect"))}}))
	e.done(e.c.URLMaps.Delete(e.ctx, &computepb.DeleteUrlMapRequest{Project: proj, UrlMap: "lb-um"}))
	_, err = e.c.TargetHTTPProxies.SetUrlMap(e.ctx, &computepb.SetUrlMapTargetHttpProxyRequest{Project: proj, TargetHttpProxy: "lb-http",
		UrlMapReferenceResource: &computepb.UrlMapReference{UrlMap: proto.String(global("urlMaps", "lb-um"))}})
	wantAPIError(t, err, http.StatusNotFound, "notFound")

	e.done(e.c.TargetHTTPProxies.Insert(e.ctx, &computepb.InsertTargetHttpProxyRequest{Project: proj,
		TargetHttpProxyResource: &computepb.TargetHttpProxy{Name: proto.String("lb-http-2"), UrlMap: proto.String(global("urlMaps", "lb-redirect"))}}))
	e.done(e.c.ForwardingRules.SetTarget(e.ctx, &computepb.SetTargetGlobalForwardingRuleRequest{Project: proj, ForwardingRule: "lb-fr-80",
		TargetReferenceResource: &computepb.TargetReference{Target: proto.String(global("targetHttpProxies", "lb-http-2"))}}))
	e.done(e.c.TargetHTTPProxies.Delete(e.ctx, &computepb.DeleteTargetHttpProxyRequest{Project: proj, TargetHttpProxy: "lb-http"}))
	_, err = e.c.ForwardingRules.Patch(e.ctx, &computepb.PatchGlobalForwardingRuleRequest{Project: proj, ForwardingRule: "lb-fr-80",
		ForwardingRuleResource: &computepb.ForwardingRule{PortRange: proto.String("8080")}})
	wantAPIError(t, err, http.StatusBadRequest, "invalid")
}
