package main

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers/plan"
)

type planOptions struct {
	files           []string
	provider        string
	defaultProvider string
	clusterID       string
	out             outputFormat
	// httpPort, httpsPort and writeDir are for --provider nginx.
	httpPort, httpsPort int
	writeDir            string
}

// assumeObjectsExist is what plan assumes of the objects the files lack; the nginx plan
// says it otherwise, since nginx serves no certificate it was not given.
const assumeObjectsExist = "Services and Secrets the files do not contain exist, with every port asked for"

// defaultPlanClusterID names the cluster in resource names when --cluster-id is not given.
const defaultPlanClusterID = "cluster"

func newPlanCommand() *cobra.Command {
	var opts planOptions
	cmd := &cobra.Command{
		Use:   "plan -f FILE... [--provider fake|nginx]",
		Short: "Show offline every cloud resource that Ingresses would get, before you apply them",
		Long: `plan reads Ingress manifests (and optionally Services, EndpointSlices, Secrets,
IngressClasses and IngressClassParams) without a cluster and without a cloud, checks each
object as the API server would, groups and translates the Ingresses as the controller does,
and asks the provider what it would create in an empty cloud: every resource of every load
balancer, by kind and name, with the fields that decide routing. Services and Secrets that
the files do not contain are assumed to exist. It exits 1 when an object or an Ingress has
an error, and 2 when the provider has no offline plan (fake and nginx have one).

With --provider nginx it prints instead the complete nginx configuration that the Ingresses
render to, runnable as is: every path in it is relative to nginx's prefix, so
"nginx -p DIR -c FILE" serves the Ingresses on --http-port and --https-port. A Service with
EndpointSlices in the files gets their ready endpoints as upstream servers; one without
answers 503. Certificate files are never printed: --write-dir DIR writes the configuration
and them (keys mode 0600) into a new prefix directory.`,
		Example: `  portico plan -f ingress.yaml --provider fake
  portico plan -f app/ --provider nginx --write-dir /tmp/portico-nginx && nginx -p /tmp/portico-nginx -c nginx.conf
  portico plan -f app/ -f classes.yaml -o json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(opts.files) == 0 {
				return usageError{errors.New("plan needs -f FILE")}
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
	f.StringVar(&opts.clusterID, "cluster-id", defaultPlanClusterID, "the controller's cluster ID, which every resource name contains")
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
	results, ignored := model.TranslateAll(objects.Ingresses, &objects.Snapshot, model.Config{DefaultProvider: opts.defaultProvider})
	for _, ig := range ignored {
		doc.Ignored = append(doc.Ignored, plan.Ignored(ig))
	}
	for _, r := range results {
		for _, p := range r.Problems {
			doc.Problems = append(doc.Problems, plan.Problem{
				Object: "Ingress " + p.Ingress.String(), Field: p.Field, Severity: string(p.Severity), Reason: p.Reason, Message: p.Message,
			})
		}
	}
	if opts.provider == v1alpha1.ProviderNginx {
		return planNginx(cmd, opts, results, objects, doc)
	}
	if err := planAll(cmd, opts, results, objects, &doc); err != nil {
		return err
	}
	if err := opts.out.print(cmd.OutOrStdout(), doc, planText(doc)); err != nil {
		return err
	}
	return planFindings(cmd.ErrOrStderr(), doc)
}

// planAll plans each load balancer that serves at least one Ingress with its provider.
func planAll(cmd *cobra.Command, opts planOptions, results []*model.Result, objects *model.Objects, doc *plan.Document) error {
	offline := map[string]*offlineProvider{}
	for _, r := range results {
		if len(r.Accepted()) == 0 {
			continue
		}
		name := r.Spec.Provider
		if opts.provider != "" {
			name = opts.provider
		}
		p, ok := offline[name]
		if !ok {
			var err error
			if p, err = newOfflineProvider(name, opts.clusterID); err != nil {
				return usageError{fmt.Errorf("load balancer %s: %w", r.Name, err)}
			}
			offline[name] = p
		}
		rep, assumed, err := reportOf(cmd.Context(), p, r, objects)
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
