package envtest

import (
	"context"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porticov1alpha1 "github.com/portico-dev/portico/api/v1alpha1"
)

// A backend's protocol, the minimum TLS version and the gcp class's subnetwork and zones
// are stored as the model and the providers write them.
func TestProtocolTLSAndGCPSiteRoundTrip(t *testing.T) {
	ctx := context.Background()
	lb := validLoadBalancer("options")
	lb.Spec.Backends[0].Protocol = porticov1alpha1.ProtocolGRPC
	lb.Spec.Frontends.MinTLSVersion = "1.2"
	if err := k8sClient.Create(ctx, lb); err != nil {
		t.Fatalf("creating a LoadBalancer with protocol GRPC and TLS 1.2: %v", err)
	}
	t.Cleanup(func() { _ = k8sClient.Delete(ctx, lb) })
	params := &porticov1alpha1.IngressClassParams{ObjectMeta: metav1.ObjectMeta{Name: "gcp-site"},
		Spec: porticov1alpha1.IngressClassParamsSpec{Provider: porticov1alpha1.ProviderGCP, GCP: &porticov1alpha1.GCPParams{
			Project: "shop-project", Network: "shop-vpc", Subnetwork: "shop-pods", Zones: []porticov1alpha1.Zone{"europe-west1-b", "europe-west1-c"}}}}
	if err := k8sClient.Create(ctx, params); err != nil {
		t.Fatalf("creating IngressClassParams with a subnetwork and zones: %v", err)
	}
	t.Cleanup(func() { _ = k8sClient.Delete(ctx, params) })

	gotLB := &porticov1alpha1.LoadBalancer{}
	gotParams := &porticov1alpha1.IngressClassParams{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Name: "options"}, gotLB); err != nil {
		t.Fatal(err)
	}
	if err := k8sClient.Get(ctx, client.ObjectKey{Name: "gcp-site"}, gotParams); err != nil {
		t.Fatal(err)
	}
	if gotLB.Spec.Backends[0].Protocol != "GRPC" || gotLB.Spec.Frontends.MinTLSVersion != "1.2" {
		t.Errorf("LoadBalancer read back with %+v and %+v", gotLB.Spec.Backends[0], gotLB.Spec.Frontends)
	}
	if g := gotParams.Spec.GCP; g.Subnetwork != "shop-pods" || len(g.Zones) != 2 || g.Zones[0] != "europe-west1-b" {
		t.Errorf("spec.gcp read back as %+v", g)
	}
}

func TestProtocolTLSAndGCPSiteValidation(t *testing.T) {
	gcpParams := func(name string, g porticov1alpha1.GCPParams) client.Object {
		return &porticov1alpha1.IngressClassParams{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: porticov1alpha1.IngressClassParamsSpec{GCP: &g}}
	}
	cases := []struct {
		name    string
		obj     client.Object
		message []string
	}{
		{"unknown backend protocol", func() client.Object {
			lb := validLoadBalancer("bad-protocol")
			lb.Spec.Backends[0].Protocol = "h2c"
			return lb
		}(), []string{"spec.backends[0].protocol", `Unsupported value: "h2c"`}},
		{"unknown TLS version", func() client.Object {
			lb := validLoadBalancer("bad-tls-version")
			lb.Spec.Frontends.MinTLSVersion = "1.4"
			return lb
		}(), []string{"spec.frontends.minTLSVersion", `Unsupported value: "1.4"`}},
		{"a region for a zone", gcpParams("bad-zone", porticov1alpha1.GCPParams{Zones: []porticov1alpha1.Zone{"europe-west1"}}),
			[]string{"spec.gcp.zones[0]", "should match"}},
		{"the same zone twice", gcpParams("dup-zone", porticov1alpha1.GCPParams{Zones: []porticov1alpha1.Zone{"europe-west1-b", "europe-west1-b"}}),
			[]string{"spec.gcp.zones[1]", "Duplicate value"}},
		{"a subnetwork URL for a name", gcpParams("bad-subnet", porticov1alpha1.GCPParams{Subnetwork: "regions/europe-west1/subnetworks/pods"}),
			[]string{"spec.gcp.subnetwork", "should match"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := k8sClient.Create(context.Background(), tc.obj)
			if err == nil {
				_ = k8sClient.Delete(context.Background(), tc.obj)
				t.Fatal("the API server accepted an invalid object")
			}
			if !apierrors.IsInvalid(err) {
				t.Fatalf("want an Invalid error, got %v", err)
			}
			for _, want := range tc.message {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err.Error(), want)
				}
			}
		})
	}
}
