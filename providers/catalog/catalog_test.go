package catalog

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/ratelimit"
)

// TestProviderNamesAreOneList ties every list of provider names a user meets to
// v1alpha1.Providers: the spec.provider enums of both CRDs, the values the
// portico.dev/provider annotation allows, and the names of the catalog.
func TestProviderNamesAreOneList(t *testing.T) {
	want := sorted(v1alpha1.Providers)
	for _, crd := range []string{"portico.dev_loadbalancers.yaml", "portico.dev_ingressclassparams.yaml"} {
		if got := sorted(providerEnum(t, crd)); !slices.Equal(got, want) {
			t.Errorf("%s: spec.provider allows %v; v1alpha1.Providers is %v (edit the +kubebuilder:validation:Enum marker, then make manifests)", crd, got, want)
		}
	}
	allowed := ""
	for _, a := range model.Annotations {
		if a.Name == model.AnnotationProvider {
			allowed = a.Allowed
		}
	}
	if got := sorted(strings.Split(allowed, ", ")); !slices.Equal(got, want) {
		t.Errorf("the %s annotation allows %q; v1alpha1.Providers is %v", model.AnnotationProvider, allowed, want)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if !slices.Contains(v1alpha1.Providers, e.Name) {
			t.Errorf("the catalog registers %q, which is not in v1alpha1.Providers", e.Name)
		}
		if seen[e.Name] {
			t.Errorf("the catalog registers %q twice", e.Name)
		}
		seen[e.Name] = true
	}
}

// TestEveryEntryBuildsItsProvider builds each provider of the catalog: it must answer to its
// name and have a one-line description.
func TestEveryEntryBuildsItsProvider(t *testing.T) {
	if len(All()) == 0 {
		t.Fatal("the catalog is empty")
	}
	for _, e := range All() {
		p, err := e.New(Settings{ClusterID: "catalog-test", Observer: providers.NopObserver{}, RateLimits: ratelimit.DefaultConfig(),
			Nginx: nginxfallback.ProviderOptions{Supervisor: nginxfallback.Options{
				Nginx: "nginx", Dir: t.TempDir(), Settings: nginxfallback.Settings{HTTPPort: 8080, HTTPSPort: 8443, StatusPort: 10246},
			}}})
		if err != nil {
			t.Errorf("%s: %v", e.Name, err)
			continue
		}
		if p.Name() != e.Name {
			t.Errorf("the catalog's %s builds a provider named %s", e.Name, p.Name())
		}
		if e.Description == "" || strings.Contains(e.Description, "\n") {
			t.Errorf("%s: the description must be one line, not %q", e.Name, e.Description)
		}
	}
}

func TestRegistryBuildsTheNamedProviders(t *testing.T) {
	r, err := Registry([]string{v1alpha1.ProviderFake}, Settings{ClusterID: "catalog-test", Observer: providers.NopObserver{}})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Names(); !slices.Equal(got, []string{v1alpha1.ProviderFake}) {
		t.Errorf("the registry runs %v", got)
	}
	if _, err := Registry([]string{"azure"}, Settings{ClusterID: "catalog-test", Observer: providers.NopObserver{}}); err == nil || !strings.Contains(err.Error(), `"azure"`) {
		t.Errorf("an unknown provider gave %v; want an error naming it", err)
	}
}

// providerEnum reads the enum of spec.provider from a generated CRD.
func providerEnum(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "config", "crd", "bases", file))
	if err != nil {
		t.Fatal(err)
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(crd.Spec.Versions) == 0 || crd.Spec.Versions[0].Schema == nil {
		t.Fatalf("%s has no schema", file)
	}
	prop, ok := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["provider"]
	if !ok || len(prop.Enum) == 0 {
		t.Fatalf("%s: spec.provider has no enum", file)
	}
	var out []string
	for _, v := range prop.Enum {
		var s string
		if err := yaml.Unmarshal(v.Raw, &s); err != nil {
			t.Fatalf("%s: enum value %s: %v", file, v.Raw, err)
		}
		out = append(out, s)
	}
	return out
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// The aws entry takes the controller's --aws-* defaults: one that is not valid stops the
// provider from starting, with the flag named.
func TestAWSEntryTakesTheFlagsDefaults(t *testing.T) {
	e, ok := Lookup(v1alpha1.ProviderAWS)
	if !ok {
		t.Fatal("the catalog has no aws provider")
	}
	s := Settings{ClusterID: "catalog-test", Observer: providers.NopObserver{}, RateLimits: ratelimit.DefaultConfig(),
		AWS: aws.Defaults{Region: "eu-west-1", VPC: "vpc-0a1b2c3d", ClusterName: "shop"}}
	p, err := e.New(s)
	if err != nil {
		t.Fatal(err)
	}
	if loc := p.(interface {
		Location(*v1alpha1.IngressClassParamsSpec) string
	}).Location(nil); loc != "eu-west-1" {
		t.Errorf("the aws provider's region is %q, want --aws-region's eu-west-1", loc)
	}
	s.AWS.VPC = "default"
	if _, err := e.New(s); err == nil || !strings.Contains(err.Error(), "--aws-vpc") {
		t.Errorf("a VPC that is no VPC ID gave %v, want an error naming --aws-vpc", err)
	}
}
