package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"cloud.google.com/go/compute/apiv1/computepb"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/fake"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/plan"
)

// defaultPlanProject is the Google Cloud project of an offline gcp plan when --project is
// not given: it appears only in the resources' references to each other.
const defaultPlanProject = "my-project"

// planProvider is a provider that reports its plans: offline against an empty cloud of its
// own, in memory, or online against the live cloud.
type planProvider struct {
	providers.Provider
	plan.Reporter
	// prepare makes an offline plan's empty cloud hold what a user made before (a reserved
	// static address) and returns what it assumed; nil online.
	prepare func(ctx context.Context, want *providers.Desired) ([]string, error)
	// close releases the cloud.
	close func()
}

// newOfflineProvider returns the provider of that name with an empty cloud, or a usage
// error for a provider that has no offline plan.
func newOfflineProvider(name string, opts planOptions) (*planProvider, error) {
	switch name {
	case v1alpha1.ProviderFake:
		return offlineFake(opts.clusterID), nil
	case v1alpha1.ProviderGCP:
		return offlineGCP(opts.clusterID, opts.project), nil
	case v1alpha1.ProviderAWS:
		return offlineAWS(opts.clusterID, opts.aws), nil
	case v1alpha1.ProviderNginx:
		return nil, errors.New("provider nginx has no offline plan of cloud resources; --provider nginx prints the configuration nginx would serve")
	}
	return nil, fmt.Errorf("provider %s has no offline plan in this build; plan with --provider fake, gcp or aws", quoteText(name))
}

func offlineFake(clusterID string) *planProvider {
	cloud := fake.NewCloud()
	p := fake.New(cloud, fake.Options{ClusterID: clusterID, SnapshotTTL: -1})
	return &planProvider{Provider: p, Reporter: p, close: func() {}, prepare: func(_ context.Context, want *providers.Desired) ([]string, error) {
		if want.Spec.StaticAddress == "" {
			return nil, nil
		}
		loc := p.Location(want.Params)
		if _, ok := cloud.In(loc).Lookup(fake.KindAddress, want.Spec.StaticAddress); ok {
			return nil, nil
		}
		if _, err := cloud.In(loc).ReserveAddress(want.Spec.StaticAddress); err != nil {
			return nil, fmt.Errorf("reserving static address %s: %w", quoteText(want.Spec.StaticAddress), err)
		}
		return reservedAssumption(want.Spec.StaticAddress, loc), nil
	}}
}

// offlineGCP plans with the real gcp provider and the real SDK against an empty emulator
// of the compute API in this process: no credentials, no call leaves the machine, and the
// plan is the one Ensure would make in an empty project.
func offlineGCP(clusterID, project string) *planProvider {
	srv := gcptest.New(gcptest.Options{Project: project})
	p := gcp.New(gcp.Options{
		ClusterID: clusterID, Project: project, SnapshotTTL: -1,
		Dial: func(ctx context.Context) (*gcp.Clients, error) { return gcp.Dial(ctx, srv.ClientOptions()...) },
	})
	reserved := map[string]bool{}
	return &planProvider{Provider: p, Reporter: p, close: srv.Close, prepare: func(ctx context.Context, want *providers.Desired) ([]string, error) {
		name := want.Spec.StaticAddress
		if name == "" || reserved[p.Location(want.Params)+"/"+name] {
			return nil, nil
		}
		loc := p.Location(want.Params)
		if err := reserveGCPAddress(ctx, srv, loc, name); err != nil {
			return nil, fmt.Errorf("reserving static address %s: %w", quoteText(name), err)
		}
		reserved[loc+"/"+name] = true
		return reservedAssumption(name, loc), nil
	}}
}

// offlineAWS plans with the real aws provider and the real SDK against an emulator of
// ELBv2, EC2 and ACM in this process, seeded with the VPC and tagged subnets the provider
// discovers in an account: no credentials, no call leaves the machine, and the plan is the
// one Ensure would make in an account holding only the VPC.
func offlineAWS(clusterID string, d aws.Defaults) *planProvider {
	emu := newAWSEmulator(d)
	p := emu.provider(clusterID, -1)
	return &planProvider{Provider: p, Reporter: p, close: emu.close, prepare: emu.prepare(p)}
}

// reserveGCPAddress reserves a global address in the emulator, as the user did in Google.
func reserveGCPAddress(ctx context.Context, srv *gcptest.Server, project, name string) error {
	api, err := srv.Clients(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = api.Close() }()
	op, err := api.Addresses.Insert(ctx, &computepb.InsertGlobalAddressRequest{Project: project,
		AddressResource: &computepb.Address{Name: proto.String(name)}})
	if err != nil {
		return err
	}
	return op.Wait(ctx)
}

func reservedAssumption(name, loc string) []string {
	return []string{fmt.Sprintf("the static address %s is reserved in location %s", quoteText(name), loc)}
}

// bindPlanAWSFlags defines the controller's --aws-* flags on plan, saying what each means
// offline, where no account is read.
func bindPlanAWSFlags(cmd *cobra.Command, d *aws.Defaults) {
	fs := flag.NewFlagSet("aws", flag.ContinueOnError)
	d.BindFlags(fs)
	offline := map[string]string{
		"aws-region":               "offline: the region of the emulated account (default " + emulatedRegion + ")",
		"aws-vpc":                  "offline: the VPC of the emulated account (default " + emulatedVPC + ")",
		"aws-cluster-name":         "offline: the EKS cluster the emulated subnets and nodes' security group are tagged for",
		"aws-node-security-groups": "offline: security groups the emulated VPC holds as the nodes'",
	}
	fs.VisitAll(func(f *flag.Flag) {
		if o, ok := offline[f.Name]; ok {
			f.Usage = o + "; online, as the controller's flag: " + f.Usage
		}
	})
	cmd.Flags().AddGoFlagSet(fs)
}
