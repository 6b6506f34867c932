package gcp

import (
	"context"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
)

// TestReportListsWhatEnsureWouldDo: after Ensure, the report of the same load balancer is
// empty; once a backend is dropped, it lists the URL map's update with the wanted map, and
// the backend's deletes with the resources as Google holds them, each the compute API's JSON.
func TestReportListsWhatEnsureWouldDo(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	p := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api, SnapshotTTL: -1})
	ctx := context.Background()
	two := loadBalancer("shop").http().backend("web", "api").defaultBackend("web").
		host("shop.example.com", prefix("/api", "api")).d
	if _, err := p.Ensure(ctx, two); err != nil {
		t.Fatal(err)
	}
	rep, err := p.Report(ctx, two)
	if err != nil || len(rep.Resources) != 0 {
		t.Fatalf("after Ensure the report lists %+v (%v), want nothing", rep, err)
	}
	one := loadBalancer("shop").http().backend("web").defaultBackend("web").d
	rep, err = p.Report(ctx, one)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, r := range rep.Resources {
		ops = append(ops, r.Op+" "+r.Kind)
		if r.Op == providers.OpDelete && !strings.Contains(r.Name, "-shop-api-") {
			t.Errorf("%s %s: only the api backend's resources go", r.Op, r.Name)
		}
	}
	want := "Update URLMap, Delete BackendService, Delete NetworkEndpointGroup, Delete HealthCheck"
	if strings.Join(ops, ", ") != want {
		t.Errorf("the report makes %q, want %q", strings.Join(ops, ", "), want)
	}
	deleted := &computepb.BackendService{}
	if err := protojson.Unmarshal(rep.Resources[1].Spec, deleted); err != nil || deleted.GetSelfLink() == "" || deleted.Id == nil {
		t.Errorf("a deleted backend service is not shown as Google holds it (%v): %s", err, rep.Resources[1].Spec)
	}
}

func TestDescriptionWithService(t *testing.T) {
	owner := providers.Owner{ClusterID: "c", LoadBalancer: "lb"}.Description()
	named := DescriptionWithService(owner, v1alpha1.ServiceRef{Namespace: "shop", Name: "cart", PortName: "http"})
	if o, ok := providers.OwnerFromDescription(named); !ok || o.LoadBalancer != "lb" || !strings.Contains(named, `"portico.dev/service":"shop/cart:http"`) {
		t.Errorf("DescriptionWithService(%q) = %q: the owner or the Service is lost", owner, named)
	}
	if again := DescriptionWithService(named, v1alpha1.ServiceRef{Namespace: "x", Name: "y", PortNumber: 1}); again != named {
		t.Errorf("a description that names its Service was changed: %q", again)
	}
	if other := DescriptionWithService("made by hand", v1alpha1.ServiceRef{Name: "y"}); other != "made by hand" {
		t.Errorf("a description portico did not write was changed: %q", other)
	}
}
