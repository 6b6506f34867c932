package gcp

import (
	"context"
	"slices"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/ratelimit"
)

func TestNoCredentialsIsAnErrorOnTheLoadBalancer(t *testing.T) {
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/credentials.json")
	t.Setenv("GOOGLE_CLOUD_PROJECT", "")
	p, err := NewFromEnvironment("cluster-a", providers.NopObserver{}, ratelimit.DefaultConfig(), Defaults{})
	if err != nil {
		t.Fatalf("the provider did not start without credentials: %v", err)
	}
	d := loadBalancer("web").http().backend("web").defaultBackend("web").d
	if _, err := p.Ensure(context.Background(), d); !providers.IsInvalid(err) || providers.ReasonOf(err) != "ProjectMissing" {
		t.Errorf("without a project Ensure answered %v, want ProjectMissing", err)
	}
	d.Params = &v1alpha1.IngressClassParamsSpec{GCP: &v1alpha1.GCPParams{Project: "demo-project"}}
	if _, err := p.Ensure(context.Background(), d); !providers.IsRetryable(err) || providers.ReasonOf(err) != "CredentialsUnavailable" {
		t.Errorf("without credentials Ensure answered %v, want a retryable CredentialsUnavailable", err)
	}
}

func TestLocationIsTheProject(t *testing.T) {
	p := New(Options{ClusterID: "c", Project: "default-project"})
	for _, c := range []struct {
		params *v1alpha1.IngressClassParamsSpec
		want   string
	}{
		{nil, "default-project"},
		{&v1alpha1.IngressClassParamsSpec{GCP: &v1alpha1.GCPParams{Project: "other-project"}}, "other-project"},
		{&v1alpha1.IngressClassParamsSpec{GCP: &v1alpha1.GCPParams{Region: "europe-west1"}}, "default-project"},
	} {
		if got := p.Location(c.params); got != c.want {
			t.Errorf("Location(%v) = %q, want %q", c.params, got, c.want)
		}
	}
}

// recorder keeps the API methods a provider reports.
type recorder struct{ methods []string }

func (r *recorder) ObserveCall(provider, method string, _ error) {
	if provider == ProviderName {
		r.methods = append(r.methods, method)
	}
}

func TestObserverSeesEveryMethod(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	rec := &recorder{}
	p := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api, Observer: rec})
	if _, err := p.Ensure(context.Background(), full(t, "observed")); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"urlMaps.list", "networkEndpointGroups.aggregatedList", "urlMaps.insert",
		"networkEndpointGroups.attachNetworkEndpoints", "forwardingRules.insert"} {
		if !slices.Contains(rec.methods, m) {
			t.Errorf("the observer never saw %s; it saw %v", m, rec.methods)
		}
	}
}

func TestStaticAddressIsUsedNotOwned(t *testing.T) {
	tc := newTestCloud(t, gcptest.Options{})
	op, err := tc.client.api.Addresses.Insert(context.Background(), &computepb.InsertGlobalAddressRequest{Project: testProject,
		AddressResource: &computepb.Address{Name: proto.String("user-ip")}})
	mustWait(t, op, err)
	ip, err := tc.client.api.Addresses.Get(context.Background(), &computepb.GetGlobalAddressRequest{Project: testProject, Address: "user-ip"})
	if err != nil {
		t.Fatal(err)
	}
	p := New(Options{ClusterID: "cluster-a", Project: testProject, Clients: tc.client.api})
	d := full(t, "static")
	d.Spec.StaticAddress = "user-ip"
	obs, err := p.Ensure(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs.Addresses) != 1 || obs.Addresses[0].IP != ip.GetAddress() {
		t.Errorf("the load balancer answers on %v, want the static %s", obs.Addresses, ip.GetAddress())
	}
	if pl, err := p.Plan(context.Background(), d); err != nil || !pl.Empty() {
		t.Errorf("a second pass plans %v (%v)", pl, err)
	}
	if err := p.Delete(context.Background(), providers.Ref{Name: "static", Location: testProject}); err != nil {
		t.Fatal(err)
	}
	if _, ok := tc.srv.Resource("projects/demo-project/global/addresses/user-ip"); !ok {
		t.Error("deleting the load balancer deleted the user's static address")
	}
}
