package ingress

import (
	"context"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/internal/controlplane"
	porticoscheme "github.com/portico-dev/portico/internal/scheme"
)

// TestStaleCopyNeverDropsAnotherFinalizer: syncMetadata works from the cache's copy, which may
// be older than the object; a finalizer another controller added since must survive, and the
// stale write must fail (to be retried) instead.
func TestStaleCopyNeverDropsAnotherFinalizer(t *testing.T) {
	cp, err := controlplane.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cp.Stop() }()
	scheme, err := porticoscheme.New()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cp.Config, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ing := &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "x"},
		Spec: networkingv1.IngressSpec{DefaultBackend: &networkingv1.IngressBackend{
			Service: &networkingv1.IngressServiceBackend{Name: "s", Port: networkingv1.ServiceBackendPort{Number: 80}},
		}},
	}
	if err := c.Create(ctx, ing); err != nil {
		t.Fatal(err)
	}
	stale := ing.DeepCopy() // what the informer cache still holds
	live := ing.DeepCopy()
	live.Finalizers = append(live.Finalizers, "example.com/other")
	if err := c.Update(ctx, live); err != nil {
		t.Fatal(err)
	}
	r := &Reconciler{Client: c, memory: newMemory()}
	if _, err := r.syncMetadata(ctx, stale, "some-lb"); err == nil {
		t.Error("a write from a stale copy succeeded; it must fail and be retried")
	}
	got := &networkingv1.Ingress{}
	if err := c.Get(ctx, client.ObjectKeyFromObject(ing), got); err != nil {
		t.Fatal(err)
	}
	if len(got.Finalizers) != 1 || got.Finalizers[0] != "example.com/other" {
		t.Errorf("finalizers %v, want another controller's kept", got.Finalizers)
	}
	if _, err := r.syncMetadata(ctx, got, "some-lb"); err != nil {
		t.Fatalf("a write from a fresh copy failed: %v", err)
	}
	if err := c.Get(ctx, client.ObjectKeyFromObject(ing), got); err != nil {
		t.Fatal(err)
	}
	if len(got.Finalizers) != 2 {
		t.Errorf("finalizers %v, want both", got.Finalizers)
	}
}
