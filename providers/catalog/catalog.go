// Package catalog is the one list of the providers this build of portico can run: each
// registers its name, a one-line description and its constructor in one line of entries.
// The controller's --providers flag, its registry and the provider table of docs/install.md
// read it, so that adding a provider touches its own folder and that line (and, for a new
// name, v1alpha1.Providers, which the CRD enums and the annotation's allowed values follow).
package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
	nginxfallback "github.com/portico-dev/portico/nginx-fallback"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/fake"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/ratelimit"
)

// Settings are what the controller gives every provider it builds.
type Settings struct {
	// ClusterID names the cluster in resource names and ownership records.
	ClusterID string
	// Observer is told about every cloud call.
	Observer providers.CallObserver
	// RateLimits are the client-side rates of a cloud provider's calls (the --cloud-* flags);
	// each provider paces its own calls with them.
	RateLimits ratelimit.Config
	// GCP are the gcp provider's defaults (the --gcp-* flags).
	GCP gcp.Defaults
	// AWS are the aws provider's defaults (the --aws-* flags).
	AWS aws.Defaults
	// Nginx configures the nginx mode: its binary, prefix, ports, reload interval, metrics
	// and the shared address (the controller's --nginx-* and --publish-* flags).
	Nginx nginxfallback.ProviderOptions
}

// Constructor returns a provider for a cluster.
type Constructor func(s Settings) (providers.Provider, error)

// Entry is one provider of this build.
type Entry struct {
	// Name is the provider's name, one of v1alpha1.Providers.
	Name string
	// Description says in one line what the provider does, for the docs and the flag's help.
	Description string
	// New builds the provider.
	New Constructor
}

// entries lists the providers of this build, one line each.
var entries = []Entry{
	{v1alpha1.ProviderAWS, "an AWS Application Load Balancer, through the ELBv2, EC2 and ACM APIs with the SDK's default credential chain", newAWS},
	{v1alpha1.ProviderGCP, "a Google Cloud global external Application Load Balancer, through the compute API with Application Default Credentials", newGCP},
	{v1alpha1.ProviderNginx, "nginx, run by the controller in the cluster, serving every load balancer of provider nginx on one address", newNginx},
	{v1alpha1.ProviderFake, "an in-memory cloud for tests, demos and dry runs: it creates no real resource", newFake},
}

func newGCP(s Settings) (providers.Provider, error) {
	return gcp.NewFromEnvironment(s.ClusterID, s.Observer, s.RateLimits, s.GCP)
}

// newAWS builds the aws provider; its clients load the credential chain on first use, so
// that a controller without AWS credentials still starts, and says so on the load
// balancers that need them.
func newAWS(s Settings) (providers.Provider, error) {
	return aws.NewFromEnvironment(s.ClusterID, s.Observer, s.RateLimits, s.AWS)
}

func newNginx(s Settings) (providers.Provider, error) {
	return nginxfallback.NewProvider(s.Nginx)
}

// newFake ignores the rate limits: its cloud is in memory, and pacing it would only slow
// down the tests and demos it serves.
func newFake(s Settings) (providers.Provider, error) {
	return fake.NewInMemory(s.ClusterID, s.Observer)
}

// All returns the providers of this build, in the order of v1alpha1.Providers.
func All() []Entry {
	out := slices.Clone(entries)
	slices.SortStableFunc(out, func(a, b Entry) int {
		return slices.Index(v1alpha1.Providers, a.Name) - slices.Index(v1alpha1.Providers, b.Name)
	})
	return out
}

// Names returns the names of the providers of this build, in the order of All.
func Names() []string {
	var out []string
	for _, e := range All() {
		out = append(out, e.Name)
	}
	return out
}

// Lookup returns the entry of a provider of this build.
func Lookup(name string) (Entry, bool) {
	i := slices.IndexFunc(entries, func(e Entry) bool { return e.Name == name })
	if i < 0 {
		return Entry{}, false
	}
	return entries[i], true
}

// Registry builds the named providers for a cluster into a registry.
func Registry(names []string, s Settings) (*providers.Registry, error) {
	ps := make([]providers.Provider, 0, len(names))
	for _, name := range names {
		e, ok := Lookup(name)
		if !ok {
			return nil, fmt.Errorf("unknown provider %q; this build runs %s", name, strings.Join(Names(), ", "))
		}
		p, err := e.New(s)
		if err != nil {
			return nil, fmt.Errorf("starting provider %s: %w", name, err)
		}
		ps = append(ps, p)
	}
	return providers.NewRegistry(ps...)
}
