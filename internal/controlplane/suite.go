package controlplane

import (
	"fmt"
	"os"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	porticoscheme "github.com/portico-dev/portico/internal/scheme"
)

// RunSuite starts a control plane for a package's tests, hands a client of portico's scheme
// (no cache: it reads and writes the API server) to use, runs the tests and stops the
// control plane. It returns the exit code for os.Exit in TestMain.
func RunSuite(m *testing.M, use func(client.Client)) int {
	cp, err := Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = cp.Stop() }()
	scheme, err := porticoscheme.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	c, err := client.New(cp.Config, client.Options{Scheme: scheme})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	use(c)
	return m.Run()
}
