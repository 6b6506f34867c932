package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/cluster"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/plan"
)

type planOptions struct {
	files           []string
	provider        string
	defaultProvider string
	clusterID       string
	project         string
	// aws are the --aws-* flags: offline, where the emulated account is; online, the
	// controller's defaults, which the live provider needs as the controller does.
	aws aws.Defaults
	out outputFormat
	// Online: the cluster to read, and the controller's namespace holding its cluster record.
	kubeconfig string
	inCluster  bool
	namespace  string
	// clusterIDSet is true when --cluster-id was given; online, the cluster record names it.
	clusterIDSet bool
	// httpPort, httpsPort and writeDir are for --provider nginx.
	httpPort, httpsPort int
	writeDir            string
}

func (o planOptions) online() bool { return o.kubeconfig != "" || o.inCluster }

// validateOnline refuses the flags an online plan would ignore.
func (o planOptions) validateOnline(cmd *cobra.Command) error {
	switch {
	case cmd.Flags().Changed("project"):
		return errors.New("--project is for offline plans; online, the project is the controller's: GOOGLE_CLOUD_PROJECT, or the class's spec.gcp.project")
	case len(o.files) == 0 && o.provider != "":
		return errors.New("--provider needs -f: the drift of a live load balancer is planned with its own provider")
	}
	return nil
}

// assumeObjectsExist is what plan assumes of the objects the files lack; the nginx plan
// says it otherwise, since nginx serves no certificate it was not given.
const assumeObjectsExist = "Services and Secrets the files do not contain exist, with every port asked for"

// defaultPlanClusterID names the cluster in resource names when --cluster-id is not given.
const defaultPlanClusterID = "cluster"

func newPlanCommand() *cobra.Command {
	var opts planOptions
	cmd := &cobra.Command{
		Use:   "plan -f FILE... [--provider fake|gcp|aws|nginx] | plan --kubeconfig PATH [-f FILE...]",
		Short: "Show every cloud resource (or the nginx configuration) that Ingresses would get, offline, or what they would change in a live cluster",
		Long: `plan reads Ingress manifests (and optionally Services, EndpointSlices, Secrets,
IngressClasses and IngressClassParams) without a cluster and without a cloud, checks each
object as the API server would, groups and translates the Ingresses as the controller does,
and asks the provider what it would create in an empty cloud: every resource of every load
balancer, by kind and name, with the fields that decide routing. Services and Secrets that
the files do not contain are assumed to exist. fake, gcp and aws plan offline; gcp runs the
real SDK against an emulator of the compute API in this process, and with -o json prints each
resource as the compute API's JSON; aws runs the real SDK against an emulator of ELBv2, EC2
and ACM holding a VPC with tagged subnets (--aws-region, --aws-vpc, --aws-cluster-name), and
with -o json prints each resource as the input of the call that creates it, in the APIs' own
shapes. It exits 1 when an object or an Ingress has an error.

With --provider nginx it prints instead the complete nginx configuration that the Ingresses
render to, runnable as is: every path in it is relative to nginx's prefix, so
"nginx -p DIR -c FILE" serves the Ingresses on --http-port and --https-port. A Service with
EndpointSlices in the files gets their ready endpoints as upstream servers; one without
answers 503. Certificate files are never printed: --write-dir DIR writes the configuration
and them (keys mode 0600) into a new prefix directory.

With --kubeconfig (or --in-cluster) it plans against the cluster and its live cloud: the
files merged into the live groups, or without files the drift of every live load balancer,
what the controller's next reconcile would create, update and delete; drift exits 1.`,
		Example: `  portico plan -f ingress.yaml --provider gcp -o json
  portico plan -f ingress.yaml --provider aws --aws-region eu-west-1 --aws-cluster-name shop -o json
  portico plan -f app/ -f classes.yaml --provider fake
  portico plan -f app/ --provider nginx --write-dir /tmp/portico-nginx && nginx -p /tmp/portico-nginx -c nginx.conf
  portico plan --kubeconfig ~/.kube/config -f ingress.yaml
  portico plan --kubeconfig ~/.kube/config    # drift; exit 1 when the cloud differs`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.clusterIDSet = cmd.Flags().Changed("cluster-id")
			if err := opts.aws.Validate(); err != nil {
				return usageError{err}
			}
			switch {
			case opts.online():
				if err := opts.validateOnline(cmd); err != nil {
					return usageError{err}
				}
				return runPlanOnline(cmd, opts)
			case len(opts.files) == 0:
				return usageError{errors.New("plan needs -f FILE, or --kubeconfig (or --in-cluster) to show the drift of the live load balancers")}
			}
			if err := checkNginxFlags(cmd, opts); err != nil {
				return err
			}
			return runPlan(cmd, opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&opts.files, "filename", "f", nil, "manifest file or directory to read; - reads stdin (repeatable)")
	f.StringVar(&opts.provider, "provider", "", "plan every load balancer with this provider, whatever the Ingresses choose")
	f.StringVar(&opts.defaultProvider, "default-provider", "", "the provider for Ingresses that choose none, as the controller's flag")
	f.StringVar(&opts.clusterID, "cluster-id", defaultPlanClusterID, "the controller's cluster ID, which every resource name contains; online, default: the cluster record's")
	f.StringVar(&opts.project, "project", defaultPlanProject, "offline: the Google Cloud project of classes whose IngressClassParams name none (gcp), as the controller's GOOGLE_CLOUD_PROJECT")
	f.StringVar(&opts.kubeconfig, "kubeconfig", "", "plan online against this cluster and its live cloud: with -f, the files merged into the live groups; without, the drift of every live load balancer")
	f.BoolVar(&opts.inCluster, "in-cluster", false, "plan online with the in-cluster config of the pod portico plan runs in, as --kubeconfig")
	f.StringVar(&opts.namespace, "namespace", "", "online: the controller's namespace, whose cluster record gives the cluster ID; default: $POD_NAMESPACE, else "+cluster.DefaultNamespace)
	bindPlanAWSFlags(cmd, &opts.aws)
	addNginxPlanFlags(cmd, &opts)
	opts.out.addFlag(cmd)
	return cmd
}

func runPlan(cmd *cobra.Command, opts planOptions) error {
	objects, err := readManifests(cmd.InOrStdin(), opts.files)
	if err != nil {
		return err
	}
	doc := plan.Document{LoadBalancers: []plan.Report{}}
	doc.Problems = rejectInvalid(objects)
	objects.AssumeServicesExist, objects.AssumeSecretsExist = true, true
	doc.Assumptions = append(doc.Assumptions,
		assumeObjectsExist,
		"a Service gets the ready endpoints of the EndpointSlices the files contain, and none else; target type instance gets no node, as the files hold no Nodes")
	if len(objects.IngressClasses) == 0 {
		assumePorticoClasses(objects)
		doc.Assumptions = append(doc.Assumptions, "no IngressClass was given: every Ingress is portico's")
	}
	results := translate(objects, opts, &doc, nil)
	offline := map[string]*planProvider{}
	defer func() {
		for _, p := range offline {
			p.close()
		}
	}()
	get := func(name string) (*planProvider, error) {
		if p, ok := offline[name]; ok {
			return p, nil
		}
		p, err := newOfflineProvider(name, opts)
		if err != nil {
			return nil, usageError{err}
		}
		offline[name] = p
		return p, nil
	}
	if opts.provider == v1alpha1.ProviderNginx {
		return planNginx(cmd, opts, results, objects, doc)
	}
	if err := planAll(cmd.Context(), opts, results, &doc, get, offlineDesire(objects)); err != nil {
		return err
	}
	if err := opts.out.print(cmd.OutOrStdout(), doc, planText(doc)); err != nil {
		return err
	}
	return planFindings(cmd.ErrOrStderr(), doc)
}

// translate groups and translates the Ingresses as the controller does, and records the
// Ingresses that are not portico's and the problems of those that are, for the Ingresses
// ("namespace/name") that tell says to tell of (nil: all).
func translate(objects *model.Objects, opts planOptions, doc *plan.Document, tell func(ingress string) bool) []*model.Result {
	if tell == nil {
		tell = func(string) bool { return true }
	}
	results, ignored := model.TranslateAll(objects.Ingresses, &objects.Snapshot, model.Config{DefaultProvider: opts.defaultProvider})
	for _, ig := range ignored {
		if tell(ig.Ingress) {
			doc.Ignored = append(doc.Ignored, plan.Ignored(ig))
		}
	}
	for _, r := range results {
		for _, p := range r.Problems {
			if tell(p.Ingress.String()) {
				doc.Problems = append(doc.Problems, plan.Problem{
					Object: "Ingress " + p.Ingress.String(), Field: p.Field, Severity: string(p.Severity), Reason: p.Reason, Message: p.Message,
				})
			}
		}
	}
	return results
}

// desireFunc returns what a provider is given for a load balancer, and what was assumed.
type desireFunc func(ctx context.Context, p *planProvider, res *model.Result) (*providers.Desired, []string, error)

// planAll plans each load balancer that serves at least one Ingress with its provider, which
// get returns by name, given what desire resolves for it.
func planAll(ctx context.Context, opts planOptions, results []*model.Result, doc *plan.Document, get func(string) (*planProvider, error), desire desireFunc) error {
	for _, r := range results {
		if len(r.Accepted()) == 0 {
			continue
		}
		name := r.Spec.Provider
		if opts.provider != "" {
			name = opts.provider
		}
		p, err := get(name)
		if err != nil {
			return fmt.Errorf("load balancer %s: %w", r.Name, err)
		}
		want, assumed, err := desire(ctx, p, r)
		if err != nil {
			return fmt.Errorf("load balancer %s: %w", r.Name, err)
		}
		rep, err := reportOf(ctx, p, r, want)
		if err != nil {
			return err
		}
		doc.LoadBalancers = append(doc.LoadBalancers, *rep)
		for _, a := range assumed {
			if !slices.Contains(doc.Assumptions, a) {
				doc.Assumptions = append(doc.Assumptions, a)
			}
		}
	}
	return nil
}

// planFindings names on stderr every error of the input, and returns an error (exit 1)
// when there is one.
func planFindings(stderr io.Writer, doc plan.Document) error {
	errs := 0
	for _, p := range doc.Problems {
		if p.Severity == string(model.SeverityError) {
			errs++
			fmt.Fprintln(stderr, oneLine(problemText(p)))
		}
	}
	if errs > 0 {
		return fmt.Errorf("%d error(s) in the objects read; the plan leaves them out", errs)
	}
	return nil
}
