package envtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porticov1alpha1 "github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
)

// TestModelSpecsAreAcceptedByTheAPIServer translates every golden input of the model and
// creates the resulting LoadBalancers, so that the model's allow-lists and the CRD's
// validation never disagree: whatever the model lets through, the API server accepts.
func TestModelSpecsAreAcceptedByTheAPIServer(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("..", "..", "model", "testdata", "translate", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	created := 0
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden.yaml") {
			continue
		}
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		var objects model.Objects
		if err := model.ParseObjects(data, &objects); err != nil {
			t.Fatal(err)
		}
		objects.AssumeServicesExist = true
		results, _ := model.TranslateAll(objects.Ingresses, &objects.Snapshot, model.Config{})
		for _, r := range results {
			if len(r.Accepted()) == 0 {
				continue
			}
			lb := &porticov1alpha1.LoadBalancer{ObjectMeta: metav1.ObjectMeta{Name: r.Name}, Spec: r.Spec}
			if err := k8sClient.Create(ctx, lb); err != nil {
				t.Errorf("%s: the API server rejected LoadBalancer %s: %v", filepath.Base(in), r.Name, err)
				continue
			}
			created++
			_ = k8sClient.Delete(ctx, lb)
		}
	}
	if created < 10 {
		t.Errorf("only %d LoadBalancers were created; the golden inputs should give more", created)
	}
}
