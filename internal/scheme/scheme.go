// Package scheme builds the runtime.Scheme every portico client uses: the Kubernetes types
// and portico's own.
package scheme

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	porticov1alpha1 "github.com/portico-dev/portico/api/v1alpha1"
)

// New returns a scheme with the Kubernetes types and portico's.
func New() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("adding Kubernetes types to the scheme: %w", err)
	}
	if err := porticov1alpha1.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("adding portico types to the scheme: %w", err)
	}
	return s, nil
}
