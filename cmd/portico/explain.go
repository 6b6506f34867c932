package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/model"
)

// explainReport is what `portico explain -o json|yaml` prints.
type explainReport struct {
	model.Explanation `json:",inline"`
	// Problems of the Ingresses read, which may explain a missing route.
	Problems []model.Problem `json:"problems,omitempty"`
	// Ignored lists Ingresses that are not portico's.
	Ignored []model.Ignored `json:"ignored,omitempty"`
	// Assumptions portico made for what the files did not say.
	Assumptions []string `json:"assumptions,omitempty"`
}

type explainOptions struct {
	files           []string
	url             string
	loadBalancer    string
	defaultProvider string
	out             outputFormat
}

func newExplainCommand() *cobra.Command {
	var opts explainOptions
	cmd := &cobra.Command{
		Use:   "explain -f FILE... --url URL",
		Short: "Explain offline where a request goes: which Ingress, rule and backend, and why",
		Long: `explain reads Ingress manifests (and optionally Services, Secrets, IngressClasses and
IngressClassParams) without a cluster, translates them as the controller does, and routes
one request through the result with Kubernetes semantics. Services and Secrets that the
files do not contain are assumed to exist. It exits 1 when an Ingress has an error.`,
		Example: `  portico explain -f ingress.yaml --url http://shop.example.com/cart
  portico explain -f app/ -f classes.yaml --url https://shop.example.com/ -o json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(opts.files) == 0 || opts.url == "" {
				return usageError{errors.New("explain needs -f FILE and --url URL")}
			}
			return runExplain(cmd.InOrStdin(), cmd.OutOrStdout(), opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&opts.files, "filename", "f", nil, "manifest file or directory to read; - reads stdin (repeatable)")
	f.StringVar(&opts.url, "url", "", "the request: http://host/path, https://host/path, host/path or /path")
	f.StringVar(&opts.loadBalancer, "load-balancer", "", "the LoadBalancer that receives the request, when several fit its host")
	f.StringVar(&opts.defaultProvider, "default-provider", "", "the provider for Ingresses that choose none, as the controller's flag")
	opts.out.addFlag(cmd)
	return cmd
}

func runExplain(stdin io.Reader, stdout io.Writer, opts explainOptions) error {
	u, err := model.ParseRequestURL(opts.url)
	if err != nil {
		return usageError{fmt.Errorf("--url: %w", err)}
	}
	objects, err := readManifests(stdin, opts.files)
	if err != nil {
		return err
	}
	report := explainReport{}
	objects.AssumeServicesExist, objects.AssumeSecretsExist = true, true
	report.Assumptions = append(report.Assumptions, "Services and Secrets the files do not contain exist, with every port asked for")
	if len(objects.IngressClasses) == 0 {
		assumePorticoClasses(objects)
		report.Assumptions = append(report.Assumptions, "no IngressClass was given: every Ingress is portico's")
	}
	results, ignored := model.TranslateAll(objects.Ingresses, &objects.Snapshot, model.Config{DefaultProvider: opts.defaultProvider})
	report.Explanation = model.Explain(results, objects.Ingresses, u, opts.loadBalancer)
	report.Ignored = ignored
	errs := 0
	for _, r := range results {
		for _, p := range r.Problems {
			report.Problems = append(report.Problems, p)
			if p.Severity == model.SeverityError {
				errs++
			}
		}
	}
	if err := opts.out.print(stdout, report, explainText(report)); err != nil {
		return err
	}
	if errs > 0 {
		return fmt.Errorf("%d error(s) in the Ingresses read; see the problems above", errs)
	}
	return nil
}

// readManifests reads every file, every .yaml, .yml and .json file of a directory, and stdin
// for "-".
func readManifests(stdin io.Reader, paths []string) (*model.Objects, error) {
	objects := &model.Objects{}
	for _, path := range paths {
		files, err := manifestFiles(path)
		if err != nil {
			return nil, err
		}
		for _, file := range files {
			var data []byte
			if file == "-" {
				data, err = io.ReadAll(stdin)
			} else {
				data, err = os.ReadFile(file)
			}
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", file, err)
			}
			if err := model.ParseObjects(data, objects); err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
		}
	}
	return objects, nil
}

func manifestFiles(path string) ([]string, error) {
	if path == "-" {
		return []string{"-"}, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("-f %s: %w", path, err)}
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && (strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".json")) {
			files = append(files, path+string(os.PathSeparator)+name)
		}
	}
	return files, nil
}

// assumePorticoClasses makes every class the Ingresses name, and the default, portico's.
func assumePorticoClasses(objects *model.Objects) {
	names := map[string]bool{"portico": true}
	for _, ing := range objects.Ingresses {
		if ing.Spec.IngressClassName != nil {
			names[*ing.Spec.IngressClassName] = true
		}
		if c := ing.Annotations["kubernetes.io/ingress.class"]; c != "" {
			names[c] = true
		}
	}
	for name := range names {
		ic := networkingv1.IngressClass{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec:       networkingv1.IngressClassSpec{Controller: model.ControllerName},
		}
		if name == "portico" {
			ic.Annotations = map[string]string{"ingressclass.kubernetes.io/is-default-class": "true"}
		}
		objects.IngressClasses = append(objects.IngressClasses, ic)
	}
}
