package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// nginxPlan is the JSON and YAML output of plan --provider nginx: the configuration nginx
// would serve, and the certificate files it refers to (their paths, never their content).
type nginxPlan struct {
	LoadBalancers []string       `json:"loadBalancers"`
	Config        string         `json:"config"`
	Files         []string       `json:"files,omitempty"`
	Problems      []plan.Problem `json:"problems,omitempty"`
	Ignored       []plan.Ignored `json:"ignored,omitempty"`
	Assumptions   []string       `json:"assumptions,omitempty"`
}

func addNginxPlanFlags(cmd *cobra.Command, opts *planOptions) {
	f := cmd.Flags()
	f.IntVar(&opts.httpPort, "http-port", defaultNginxHTTPPort, "with --provider nginx: the port nginx listens on for HTTP")
	f.IntVar(&opts.httpsPort, "https-port", defaultNginxHTTPSPort, "with --provider nginx: the port nginx listens on for HTTPS")
	f.StringVar(&opts.writeDir, "write-dir", "", "with --provider nginx: write nginx.conf and the certificate files (keys included, mode 0600) into this new prefix directory")
}

// checkNginxFlags refuses the nginx flags with another provider: they would be ignored.
func checkNginxFlags(cmd *cobra.Command, opts planOptions) error {
	if opts.provider == v1alpha1.ProviderNginx {
		return nil
	}
	for _, name := range []string{"http-port", "https-port", "write-dir"} {
		if cmd.Flags().Changed(name) {
			return usageError{fmt.Errorf("--%s needs --provider nginx", name)}
		}
	}
	return nil
}

// planNginx prints the complete nginx configuration that the accepted Ingresses render to,
// runnable as is with `nginx -p DIR -c FILE`. The configuration alone goes to stdout, so
// that it can be redirected into a file; what portico assumed goes to stderr.
func planNginx(cmd *cobra.Command, opts planOptions, results []*model.Result, objs *model.Objects, doc plan.Document) error {
	in, assumed := nginxInputOffline(results, objs, nginxfallback.Settings{
		HTTPPort: opts.httpPort, HTTPSPort: opts.httpsPort, RedirectHTTPSPort: opts.httpsPort,
	})
	out := nginxPlan{Problems: doc.Problems, Ignored: doc.Ignored}
	for _, a := range append(doc.Assumptions, assumed...) {
		if a == assumeObjectsExist {
			a = "Services the files do not contain exist, with every port asked for, and no endpoint (their backends answer 503)"
		}
		out.Assumptions = append(out.Assumptions, a)
	}
	for _, lb := range in.LoadBalancers {
		out.LoadBalancers = append(out.LoadBalancers, lb.Name)
	}
	config, files, err := renderNginxPlan(cmd, opts, in)
	if err != nil {
		return err
	}
	out.Config, out.Files = string(config), files
	if len(files) > 0 && opts.writeDir == "" {
		out.Assumptions = append(out.Assumptions, fmt.Sprintf(
			"the configuration refers to %d certificate file(s) under %s/ that are not printed, since they hold private keys: --write-dir DIR writes them", len(files), nginxfallback.CertDir))
	}
	if err := opts.out.print(cmd.OutOrStdout(), out, out.Config); err != nil {
		return err
	}
	if opts.out == "text" {
		printNginxNotes(cmd.ErrOrStderr(), out)
	}
	return planFindings(cmd.ErrOrStderr(), doc)
}

// renderNginxPlan renders the configuration, and writes it with its certificate files when
// --write-dir asks. It lists the certificate files either way.
func renderNginxPlan(cmd *cobra.Command, opts planOptions, in nginxfallback.Input) ([]byte, []string, error) {
	if opts.writeDir != "" {
		config, files, err := nginxfallback.WriteTree(cmd.Context(), opts.writeDir, in)
		if err != nil {
			return nil, nil, fmt.Errorf("write the nginx prefix %s: %w", opts.writeDir, err)
		}
		return config, files, nil
	}
	config, err := nginxfallback.Render(in)
	if err != nil {
		return nil, nil, fmt.Errorf("render the nginx configuration: %w", err)
	}
	return config, certificatePathsIn(config), nil
}

// certificatePathsIn lists the certificate files a rendered configuration names.
func certificatePathsIn(config []byte) []string {
	seen := map[string]bool{}
	var out []string
	for _, line := range strings.Split(string(config), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 2 && (fields[0] == "ssl_certificate" || fields[0] == "ssl_certificate_key") {
			path := strings.TrimSuffix(fields[1], ";")
			if !seen[path] {
				seen[path] = true
				out = append(out, path)
			}
		}
	}
	sort.Strings(out)
	return out
}

func printNginxNotes(w io.Writer, p nginxPlan) {
	for _, pr := range p.Problems {
		if pr.Severity != string(model.SeverityError) {
			fmt.Fprintln(w, oneLine(problemText(pr)))
		}
	}
	for _, ig := range p.Ignored {
		fmt.Fprintf(w, "ignored, not portico's: %s: %s\n", ig.Ingress, oneLine(ig.Reason))
	}
	for _, a := range p.Assumptions {
		fmt.Fprintf(w, "assumed: %s\n", oneLine(a))
	}
}

// nginxInputOffline builds what one nginx serves from the files: every load balancer with
// an accepted member, oldest first, so that a contested host or the catch-all goes to the
// oldest as the controller decides it; the targets from the files' EndpointSlices (a
// backend without any answers 503) and the TLS Secrets the files contain.
func nginxInputOffline(results []*model.Result, objs *model.Objects, set nginxfallback.Settings) (nginxfallback.Input, []string) {
	var assumed []string
	in := nginxfallback.Input{Settings: set}
	for _, r := range oldestResultsFirst(results, objs) {
		lb := nginxfallback.LoadBalancer{Name: r.Name, Spec: *r.Spec.DeepCopy(),
			Targets: map[string][]providers.Target{}, Certificates: map[string]providers.Certificate{}}
		lb.Spec.Provider = v1alpha1.ProviderNginx
		for _, be := range r.Spec.Backends {
			lb.Targets[be.Name] = targetsOffline(be, objs)
		}
		for _, t := range r.Spec.TLS {
			if t.SecretRef == nil {
				continue
			}
			key := t.SecretRef.Namespace + "/" + t.SecretRef.Name
			if s, ok := objs.Secret(t.SecretRef.Namespace, t.SecretRef.Name); ok && s != nil {
				lb.Certificates[key] = certificateOf(s)
				continue
			}
			assumed = append(assumed, fmt.Sprintf("the TLS Secret %s is not in the files: its hosts refuse the TLS handshake; give the Secret with -f to serve them", quoteText(key)))
		}
		in.LoadBalancers = append(in.LoadBalancers, lb)
	}
	var lost map[string][]v1alpha1.Hostname
	in.HostOwners, in.CatchAll, lost = nginxfallback.ClaimsInOrder(in.LoadBalancers)
	for _, name := range sortedNames(lost) {
		for _, h := range lost[name] {
			assumed = append(assumed, fmt.Sprintf("load balancer %s does not serve %s: an older load balancer claims it", name, claimText(h)))
		}
	}
	return in, assumed
}

func claimText(h v1alpha1.Hostname) string {
	if h == "" {
		return "the catch-all (rules without host, default backend)"
	}
	return "host " + quoteText(string(h))
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// oldestResultsFirst keeps the load balancers that serve an Ingress, ordered by their oldest
// member's creation time, then by name (manifests usually carry no creation time).
func oldestResultsFirst(results []*model.Result, objs *model.Objects) []*model.Result {
	created := map[string]int64{}
	for _, ing := range objs.Ingresses {
		created[ing.Namespace+"/"+ing.Name] = ing.CreationTimestamp.UnixNano()
	}
	type entry struct {
		r     *model.Result
		since int64
	}
	var list []entry
	for _, r := range results {
		acc := r.Accepted()
		if len(acc) == 0 {
			continue
		}
		e := entry{r: r, since: created[acc[0].String()]}
		for _, m := range acc[1:] {
			e.since = min(e.since, created[m.String()])
		}
		list = append(list, e)
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].since != list[j].since {
			return list[i].since < list[j].since
		}
		return list[i].r.Name < list[j].r.Name
	})
	out := make([]*model.Result, 0, len(list))
	for _, e := range list {
		out = append(out, e.r)
	}
	return out
}
