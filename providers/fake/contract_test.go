package fake_test

import (
	"errors"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
	"github.com/portico-dev/portico/providers/providertest"
)

// TestContract runs the provider contract suite against the fake cloud.
func TestContract(t *testing.T) {
	providertest.Run(t, providertest.Harness{
		NewCloud: func(testing.TB) providertest.Cloud { return &contractCloud{cloud: fake.NewCloud()} },
		Kinds:    fake.Kinds,
		Locations: []*v1alpha1.IngressClassParamsSpec{
			{Provider: v1alpha1.ProviderFake, Fake: &v1alpha1.FakeParams{Location: "europe-west1"}},
			{Provider: v1alpha1.ProviderFake, Fake: &v1alpha1.FakeParams{Location: "us-east1"}},
		},
		Lacks: map[providertest.Capability]string{
			providertest.RandomFaults: "the fake cloud fails chosen calls (InjectError, FailWrite), never a random share " +
				"of them (TestContract/CrashAfterAnyWrite fails each write in turn)",
		},
	})
}

// contractCloud is the fake cloud as the contract suite sees it.
type contractCloud struct {
	cloud  *fake.Cloud
	counts providertest.Counts
}

var _ providertest.Cloud = (*contractCloud)(nil)

func (c *contractCloud) Provider(clusterID string) providers.Provider {
	return fake.New(c.cloud, fake.Options{ClusterID: clusterID})
}

// Counts drains the cloud's call log into running totals, so that the log's bound never
// loses a call between two counts.
func (c *contractCloud) Counts() providertest.Counts {
	for _, call := range c.cloud.Calls() {
		if call.Mutating() {
			c.counts.Writes++
		} else {
			c.counts.Reads++
		}
	}
	c.cloud.ResetCalls()
	return c.counts
}

// errLost is the answer of the write that fails.
var errLost = errors.New("connection reset by peer")

func (c *contractCloud) FailWrite(n int, landed bool) { c.cloud.FailWrite(n, errLost, landed) }

func (c *contractCloud) Resources() []providertest.Resource {
	inv := c.cloud.Inventory()
	out := make([]providertest.Resource, 0, len(inv))
	for _, r := range inv {
		o, _ := providers.OwnerFromDescription(r.Description)
		out = append(out, providertest.Resource{Location: r.Location, Kind: r.Kind, Name: r.Name, Owner: o})
	}
	return out
}

// Route evaluates the load balancer's URL map in the cloud, and maps the backend service it
// chooses back to the backend of the spec, by the names the fake gives them.
func (c *contractCloud) Route(clusterID string, want *providers.Desired, host, path string) (string, bool) {
	namer := providers.Namer{ClusterID: clusterID, MaxLength: 63}
	svc, ok := fake.RouteURLMap(c.cloud, namer.Name("um", want.Ref.Name), host, path)
	if !ok {
		return "", false
	}
	for _, b := range want.Spec.Backends {
		if namer.Name("bs", want.Ref.Name, b.Name) == svc {
			return b.Name, true
		}
	}
	return "backend service " + svc, true
}
