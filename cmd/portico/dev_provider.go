package main

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/api/v1alpha1"
	"k8s.io/client-go/rest"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/testenv"
)

// devProject is the Google Cloud project of `portico dev --provider gcp`: it exists only in
// the in-process emulator.
const devProject = "portico-dev"

// devAWSCluster is the EKS cluster name of `portico dev --provider aws`: the emulated
// subnets and nodes' security group are tagged for it, so that each load balancer is let
// into the nodes' group as on EKS.
const devAWSCluster = "portico-dev"

// devCloud is the cloud `portico dev` provisions into: the fake provider's, or the GCP
// provider's over gcptest, so that a newcomer sees what portico creates in Google Cloud
// (real compute API names and ids, made by the real SDK) without an account.
type devCloud struct {
	provider string
	extra    []providers.Provider
	close    func()
	// nodes gives the Nodes their machines in the cloud (VMs in gcp, instances in aws).
	nodes interface {
		watch(ctx context.Context, cfg *rest.Config) error
	}
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
			nodes: devVMs{srv: srv, project: devProject}}, nil
	case v1alpha1.ProviderAWS:
		emu := newAWSEmulator(aws.Defaults{ClusterName: devAWSCluster})
		p := emu.provider(clusterID, 0)
		return &devCloud{provider: provider, extra: []providers.Provider{p}, close: emu.close,
			nodes: &devInstances{emu: emu, region: emulatedRegion}}, nil
	default:
		return nil, usageError{fmt.Errorf("--provider %q: portico dev runs fake, gcp or aws", provider)}
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

// started follows the cluster the controller runs in: in the gcp cloud each Node gets its
// VM, in the aws cloud its instance.
func (c *devCloud) started(ctx context.Context, env *testenv.Env) error {
	if c.nodes == nil {
		return nil
	}
	return c.nodes.watch(ctx, env.Config)
}
