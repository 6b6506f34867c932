package main

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/testenv"
)

// devProject is the Google Cloud project of `portico dev --provider gcp`: it exists only in
// the in-process emulator.
const devProject = "portico-dev"

// devCloud is the cloud `portico dev` provisions into: the fake provider's, or the GCP
// provider's over gcptest, so that a newcomer sees what portico creates in Google Cloud
// (real compute API names and ids, made by the real SDK) without an account.
type devCloud struct {
	provider string
	extra    []providers.Provider
	close    func()
	vms      *devVMs // the Nodes' VMs, in the gcp cloud only
}

// newDevCloud returns the cloud of --provider; close it once the controller has stopped.
func newDevCloud(provider, clusterID string) (*devCloud, error) {
	switch provider {
	case v1alpha1.ProviderFake:
		return &devCloud{provider: provider, close: func() {}}, nil
	case v1alpha1.ProviderGCP:
		srv := gcptest.New(gcptest.Options{Project: devProject})
		p := gcp.New(gcp.Options{
			ClusterID: clusterID, Project: devProject,
			Dial: func(ctx context.Context) (*gcp.Clients, error) { return gcp.Dial(ctx, srv.ClientOptions()...) },
		})
		return &devCloud{provider: provider, extra: []providers.Provider{p}, close: srv.Close,
			vms: &devVMs{srv: srv, project: devProject}}, nil
	default:
		return nil, usageError{fmt.Errorf("--provider %q: portico dev runs fake or gcp", provider)}
	}
}

// options are the testenv options that run the controller with this cloud, its default
// IngressClass (portico-PROVIDER) selecting it, so that the samples are served by it.
func (c *devCloud) options(clusterID string) testenv.Options {
	return testenv.Options{
		ClusterID: clusterID, ClassName: "portico-" + c.provider,
		ExtraProviders: c.extra, ClassProvider: c.provider,
	}
}

// started follows the cluster the controller runs in: in the gcp cloud, each Node gets its VM.
func (c *devCloud) started(ctx context.Context, env *testenv.Env) error {
	if c.vms == nil {
		return nil
	}
	return c.vms.watch(ctx, env.Config)
}
