package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/cluster"
	"github.com/portico-dev/portico/controllers/loadbalancer"
	porticoscheme "github.com/portico-dev/portico/internal/scheme"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/catalog"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/ratelimit"
)

// newPlanProvider builds the provider an online plan reads the live cloud through, from the
// catalog, as `portico controller` builds it (gcp: Application Default Credentials and
// GOOGLE_CLOUD_PROJECT; aws: the SDK's default credential chain, and the --aws-* flags given
// to plan, which should be the controller's). A fake provider built here holds an empty cloud of its own, the
// controller's being in the controller's memory; the tests give the one their controller runs.
var newPlanProvider = func(name string, s catalog.Settings) (providers.Provider, error) {
	e, ok := catalog.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("provider %s is not in this build", quoteText(name))
	}
	return e.New(s)
}

// liveCluster is what an online plan reads: the cluster's API server, and the providers of
// its live cloud, built once each.
type liveCluster struct {
	client    client.Client
	clusterID string
	// aws are the --aws-* flags, which the aws provider needs online as the controller
	// does: the region and VPC of classes that name none.
	aws   aws.Defaults
	built map[string]*planProvider
}

// connect reaches the cluster and reads the controller's cluster ID from its record, unless
// --cluster-id names it.
func connect(ctx context.Context, opts planOptions) (*liveCluster, error) {
	cfg, err := planRestConfig(opts)
	if err != nil {
		return nil, err
	}
	scheme, err := porticoscheme.New()
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, fmt.Errorf("creating a client: %w", err)
	}
	live := &liveCluster{client: liveClient{c}, clusterID: opts.clusterID, aws: opts.aws, built: map[string]*planProvider{}}
	if !opts.clusterIDSet {
		info, err := cluster.Read(ctx, c, cluster.Namespace(opts.namespace))
		if err != nil {
			return nil, fmt.Errorf("reading the controller's cluster ID (or give --cluster-id): %w", err)
		}
		live.clusterID = info.ID
	}
	return live, nil
}

func planRestConfig(opts planOptions) (*rest.Config, error) {
	if opts.inCluster {
		cfg, err := rest.InClusterConfig()
		if err != nil {
			return nil, usageError{fmt.Errorf("--in-cluster: %w", err)}
		}
		return cfg, nil
	}
	return restConfig(opts.kubeconfig)
}

// provider returns the live provider of that name; it plans against the live cloud, so it
// has nothing to prepare.
func (l *liveCluster) provider(name string) (*planProvider, error) {
	if p, ok := l.built[name]; ok {
		return p, nil
	}
	p, err := newPlanProvider(name, catalog.Settings{ClusterID: l.clusterID, Observer: providers.NopObserver{}, RateLimits: ratelimit.DefaultConfig(), AWS: l.aws})
	if err != nil {
		return nil, fmt.Errorf("provider %s: %w", quoteText(name), err)
	}
	r, ok := p.(plan.Reporter)
	if !ok {
		return nil, fmt.Errorf("provider %s cannot report a plan", quoteText(name))
	}
	pp := &planProvider{Provider: p, Reporter: r, close: func() {}}
	l.built[name] = pp
	return pp, nil
}

func runPlanOnline(cmd *cobra.Command, opts planOptions) error {
	live, err := connect(cmd.Context(), opts)
	if err != nil {
		return err
	}
	if len(opts.files) == 0 {
		return runDrift(cmd, opts, live)
	}
	return runPlanLive(cmd, opts, live)
}

// runDrift plans every live load balancer against its live cloud, as the next reconcile
// would: what Ensure would create, update and delete. Changes are a finding (exit 1).
func runDrift(cmd *cobra.Command, opts planOptions, live *liveCluster) error {
	ctx := cmd.Context()
	lbs := &v1alpha1.LoadBalancerList{}
	if err := live.client.List(ctx, lbs); err != nil {
		return fmt.Errorf("listing LoadBalancers: %w", err)
	}
	doc := plan.Document{LoadBalancers: []plan.Report{}}
	for i := range lbs.Items {
		lb := &lbs.Items[i]
		if !lb.DeletionTimestamp.IsZero() {
			continue // being deleted: Ensure no longer runs for it
		}
		rep, problem := driftOf(ctx, live, lb)
		if problem != nil {
			doc.Problems = append(doc.Problems, *problem)
			continue
		}
		doc.LoadBalancers = append(doc.LoadBalancers, *rep)
	}
	if err := opts.out.print(cmd.OutOrStdout(), doc, planText(doc)); err != nil {
		return err
	}
	return driftFindings(cmd.ErrOrStderr(), doc)
}

// driftOf plans one live load balancer with what the controller resolves for it. A provider
// this build cannot run (nginx, which has no cloud) is a warning; a load balancer that cannot
// be resolved or planned is an error, as its drift is unknown.
func driftOf(ctx context.Context, live *liveCluster, lb *v1alpha1.LoadBalancer) (*plan.Report, *plan.Problem) {
	problem := func(severity, field string, err error) *plan.Problem {
		return &plan.Problem{Object: "LoadBalancer " + lb.Name, Field: field, Severity: severity, Reason: providers.ReasonOf(err), Message: err.Error()}
	}
	p, err := live.provider(lb.Spec.Provider)
	if err != nil {
		return nil, problem(string(model.SeverityWarning), "spec.provider", fmt.Errorf("not planned: %w", err))
	}
	want, err := loadbalancer.Resolve(ctx, live.client, p.Provider, lb)
	if err != nil {
		return nil, problem(string(model.SeverityError), "spec", fmt.Errorf("resolving its targets, certificates and class parameters: %w", err))
	}
	// Drift is what the cloud holds now: the status's fingerprints, which let a controller
	// skip reads after a restart, would hide a change made behind portico's back.
	want.Known = nil
	rep, err := p.Report(ctx, want)
	if err != nil {
		return nil, problem(string(model.SeverityError), "spec.provider", fmt.Errorf("planning with provider %s: %w", lb.Spec.Provider, err))
	}
	rep.Members = nil // the LoadBalancer's members, whatever the provider said
	for _, m := range lb.Spec.Members {
		rep.Members = append(rep.Members, m.Namespace+"/"+m.Name)
	}
	return rep, nil
}

// driftFindings names on stderr every load balancer that cannot be planned and every change
// the controller would make, and returns an error (exit 1) when there is one.
func driftFindings(stderr io.Writer, doc plan.Document) error {
	errs, changes, lbs := 0, 0, 0
	for _, p := range doc.Problems {
		if p.Severity == string(model.SeverityError) {
			errs++
			fmt.Fprintln(stderr, oneLine(problemText(p)))
		}
	}
	for _, lb := range doc.LoadBalancers {
		for _, r := range lb.Resources {
			fmt.Fprintf(stderr, "Drift   LoadBalancer %s: %s %s %s\n", lb.LoadBalancer, r.Op, r.Kind, r.Name)
		}
		for _, b := range lb.Blocked {
			fmt.Fprintf(stderr, "Drift   LoadBalancer %s: blocked %s %s: %s\n", lb.LoadBalancer, b.Kind, b.Name, oneLine(b.Message))
		}
		if n := len(lb.Resources) + len(lb.Blocked); n > 0 {
			changes += n
			lbs++
		}
	}
	switch {
	case errs > 0:
		return fmt.Errorf("%d load balancer(s) could not be planned, and %d change(s) to %d other(s) would be made by the controller", errs, changes, lbs)
	case changes > 0:
		return fmt.Errorf("drift: %d change(s) to %d load balancer(s) would be made by the controller", changes, lbs)
	}
	return nil
}
