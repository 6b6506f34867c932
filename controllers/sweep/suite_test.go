package sweep_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/controlplane"
)

// k8s reaches a real API server; no controller runs against it, so the tests alone write the
// LoadBalancers' specs and statuses.
var k8s client.Client

func TestMain(m *testing.M) {
	os.Exit(controlplane.RunSuite(m, func(c client.Client) { k8s = c }))
}

var names atomic.Int64

// uniqueName returns a LoadBalancer name no other test uses.
func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, names.Add(1))
}

// lbBuilder builds a LoadBalancer object: its spec as the ingress controller writes it, its
// status as the loadbalancer controller does.
type lbBuilder struct{ lb *v1alpha1.LoadBalancer }

func loadBalancer(name string) *lbBuilder {
	return &lbBuilder{&v1alpha1.LoadBalancer{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.LoadBalancerSpec{
			Provider:  v1alpha1.ProviderFake,
			Frontends: v1alpha1.Frontends{HTTP: true},
		},
	}}
}

func (b *lbBuilder) provider(p string) *lbBuilder { b.lb.Spec.Provider = p; return b }

func (b *lbBuilder) params(name string) *lbBuilder { b.lb.Spec.ParametersRef = name; return b }

// servedBy says where the resources live: status.provider and status.location.
func (b *lbBuilder) servedBy(provider, location string) *lbBuilder {
	b.lb.Status.Provider, b.lb.Status.Location = provider, location
	return b
}

func (b *lbBuilder) create(t *testing.T) *v1alpha1.LoadBalancer {
	t.Helper()
	ctx := context.Background()
	status := b.lb.Status
	if err := k8s.Create(ctx, b.lb); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), b.lb) })
	if status.Provider != "" {
		b.lb.Status = status
		if err := k8s.Status().Update(ctx, b.lb); err != nil {
			t.Fatal(err)
		}
	}
	return b.lb
}

// fakeParams creates an IngressClassParams that puts the fake's load balancers in location.
func fakeParams(t *testing.T, location string) string {
	t.Helper()
	p := &v1alpha1.IngressClassParams{
		ObjectMeta: metav1.ObjectMeta{Name: uniqueName("params")},
		Spec:       v1alpha1.IngressClassParamsSpec{Provider: v1alpha1.ProviderFake, Fake: &v1alpha1.FakeParams{Location: location}},
	}
	if err := k8s.Create(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p.Name
}

// namespace creates a namespace, the controller's, for a cluster record.
func namespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "portico-"}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}
