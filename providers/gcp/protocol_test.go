package gcp

import (
	"slices"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
)

// backendOf reads the backend service and health check of backend "web" from gcptest.
func backendOf(t *testing.T, tc *testCloud, lb string) (*computepb.BackendService, *computepb.HealthCheck) {
	t.Helper()
	namer := testConfig().namer
	bs, ok := tc.srv.Resource("projects/" + testProject + "/global/backendServices/" + namer.Name("bs", lb, "web"))
	if !ok {
		t.Fatalf("no backend service in %v", tc.srv.Inventory())
	}
	hc, ok := tc.srv.Resource("projects/" + testProject + "/global/healthChecks/" + namer.Name("hc", lb, "web"))
	if !ok {
		t.Fatalf("no health check in %v", tc.srv.Inventory())
	}
	return bs.(*computepb.BackendService), hc.(*computepb.HealthCheck)
}

// A backend's protocol becomes its backend service's, and its health check probes the same
// way with the same settings; a change is made in place, and then nothing is left to do.
func TestBackendProtocolReachesTheBackendServiceAndHealthCheck(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	d := full(t, "proto")
	d.Spec.Backends[0].Protocol = v1alpha1.ProtocolHTTPS
	tc.pass(t, d)
	bs, hc := backendOf(t, tc, "proto")
	if bs.GetProtocol() != "HTTPS" || hc.GetType() != "HTTPS" || hc.GetHttpsHealthCheck().GetRequestPath() != "/healthz" || hc.GetCheckIntervalSec() != 3 {
		t.Errorf("backend service %s, health check %s %v every %ds; want HTTPS probing /healthz every 3s",
			bs.GetProtocol(), hc.GetType(), hc.GetHttpsHealthCheck(), hc.GetCheckIntervalSec())
	}

	d.Spec.Backends[0].Protocol = v1alpha1.ProtocolGRPC
	if got := tc.pass(t, d); !slices.Equal(got, []string{"Update HealthCheck", "Update BackendService"}) {
		t.Errorf("HTTPS to GRPC made %v, want the health check and backend service updated in place", got)
	}
	bs, hc = backendOf(t, tc, "proto")
	if bs.GetProtocol() != "HTTP2" || hc.GetType() != "HTTP2" || hc.GetHttp2HealthCheck().GetRequestPath() != "/healthz" || hc.HttpsHealthCheck != nil {
		t.Errorf("GRPC gave backend service %s and health check %s %v; want HTTP2 for both", bs.GetProtocol(), hc.GetType(), hc.GetHttp2HealthCheck())
	}
	if p := tc.plan(t, d); len(p.Steps) != 0 {
		t.Errorf("after the change a pass plans %v", p.Actions())
	}

	d.Spec.Backends[0].Protocol = ""
	tc.pass(t, d)
	if bs, hc = backendOf(t, tc, "proto"); bs.GetProtocol() != "HTTP" || hc.GetType() != "HTTP" || hc.GetHttpHealthCheck().GetRequestPath() != "/healthz" {
		t.Errorf("no protocol gave %s and %s; want HTTP", bs.GetProtocol(), hc.GetType())
	}
}

// Each backend service's description names the Service port it serves, besides its owner,
// and the load balancer still owns it: a second pass plans nothing.
func TestBackendServiceDescriptionNamesTheService(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	d := full(t, "described")
	d.Spec.Backends[0].Service = v1alpha1.ServiceRef{Namespace: "shop", Name: "web", PortName: "http"}
	tc.pass(t, d)
	bs, hc := backendOf(t, tc, "described")
	o, ok := providers.OwnerFromDescription(bs.GetDescription())
	if !ok || o.Service != "shop/web:http" || o.LoadBalancer != "described" || o.ClusterID != "cluster-a" {
		t.Errorf("backend service description %q; want the owner and shop/web:http", bs.GetDescription())
	}
	if o, _ := providers.OwnerFromDescription(hc.GetDescription()); o.Service != "" {
		t.Errorf("the health check's description %q names a Service; only backend services do", hc.GetDescription())
	}
	if p := tc.plan(t, d); len(p.Steps) != 0 {
		t.Errorf("a second pass plans %v", p.Actions())
	}
}
