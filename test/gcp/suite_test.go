// Package gcp runs the portico controller with the gcp provider against a real
// kube-apiserver and etcd (through testenv) and gcptest, the compute API emulator, in
// process: the SDK calls the provider makes are the ones it makes against Google.
package gcp

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/testenv"
)

const (
	clusterID = "gcpe2e"
	project   = "demo-project"
)

var (
	env *testenv.Env
	srv *gcptest.Server
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	srv = gcptest.New(gcptest.Options{Project: project})
	defer srv.Close()
	var err error
	env, err = testenv.Start(context.Background(), testenv.Options{
		ClusterID:      clusterID,
		ExtraProviders: []providers.Provider{newProvider(srv)},
		ClassProvider:  v1alpha1.ProviderGCP,
		// Health changes without a Kubernetes event: the tests of unhealthy endpoints wait
		// for the controller to look again.
		HealthResync: time.Second,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if err := env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}()
	return m.Run()
}

// newProvider is the gcp provider with the SDK's clients pointed at the emulator, as
// `portico controller` builds it with Application Default Credentials.
func newProvider(srv *gcptest.Server) *gcp.Provider {
	return gcp.New(gcp.Options{
		ClusterID: clusterID, Project: project, HealthResync: 500 * time.Millisecond,
		Dial: func(ctx context.Context) (*gcp.Clients, error) { return gcp.Dial(ctx, srv.ClientOptions()...) },
	})
}

// timeout bounds how long a test waits for the controller.
func timeout(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
