package gcp_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"google.golang.org/api/option"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/providertest"
)

const contractProject = "demo-project"

// TestContract runs the provider contract suite against gcptest, through the real SDK.
// Every cloud grants exactly gcp.RolePermissions: a call outside them, or a write naming a
// resource they do not let it use, fails with 403, and after the suite (and the scenarios
// it lacks) every one of them must have been used.
func TestContract(t *testing.T) {
	perms := &permissionLog{}
	t.Cleanup(func() { perms.check(t, gcp.RolePermissions()) })
	t.Run("PermissionsOfDriftAndStaticAddress", func(t *testing.T) { driftScenario(t, perms) })
	t.Run("PermissionsOfAnSslPolicyOnAnExistingProxy", func(t *testing.T) { sslPolicyScenario(t, perms) })
	t.Run("PermissionsOfASubnetwork", func(t *testing.T) { subnetworkScenario(t, perms) })
	providertest.Run(t, providertest.Harness{
		NewCloud:       perms.newCloud,
		Kinds:          gcp.Kinds,
		ReadOneAtATime: []string{gcp.KindNetworkEndpointGroup, gcp.KindInstanceGroup},
		// Google returns at most 500 resources per list call.
		PageSize: 500,
		Locations: []*v1alpha1.IngressClassParamsSpec{
			{Provider: v1alpha1.ProviderGCP, GCP: &v1alpha1.GCPParams{Project: "project-one"}},
			{Provider: v1alpha1.ProviderGCP, GCP: &v1alpha1.GCPParams{Project: "project-two"}},
		},
	})
}

// contractCloud is gcptest as the contract suite sees it; its transport fails the write
// the suite asks for.
type contractCloud struct {
	srv     *gcptest.Server
	clients *gcp.Clients
	fail    *failingTransport
	// retries: the providers retry as Dial wires them (with short waits), which SetFaults
	// turns on for good.
	retries bool
}

var _ providertest.FaultyCloud = (*contractCloud)(nil)

func newContractCloud(t testing.TB, perms []string) (providertest.Cloud, *gcptest.Server) {
	srv := gcptest.New(gcptest.Options{Project: contractProject, OperationPolls: 1, Permissions: perms})
	t.Cleanup(srv.Close)
	fail := &failingTransport{next: srv.HTTPClient().Transport}
	c, err := srv.Clients(context.Background(), option.WithHTTPClient(&http.Client{Transport: fail}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &contractCloud{srv: srv, fail: fail, clients: &gcp.Clients{Addresses: c.Addresses, HealthChecks: c.HealthChecks,
		BackendServices: c.BackendServices, URLMaps: c.URLMaps, TargetHTTPProxies: c.TargetHTTPProxies,
		TargetHTTPSProxies: c.TargetHTTPSProxies, SSLCertificates: c.SSLCertificates, SSLPolicies: c.SSLPolicies, ForwardingRules: c.ForwardingRules, NEGs: c.NEGs,
		InstanceGroups: c.InstanceGroups, Firewalls: c.Firewalls}}, srv
}

func (c *contractCloud) Provider(clusterID string) providers.Provider {
	opts := gcp.Options{ClusterID: clusterID, Project: contractProject, Clients: c.clients}
	if c.retries {
		// Short retries, so that the suite is fast; as Dial wires them otherwise.
		opts.Retry, opts.Backoff = faultPolicy, faultPolicy.Backoff
	}
	p := gcp.New(opts)
	return &clusterNodes{Provider: p, cluster: clusterID, srv: c.srv}
}

func (c *contractCloud) Counts() providertest.Counts {
	return providertest.Counts{Reads: c.srv.Reads(), Writes: c.srv.Writes()}
}

func (c *contractCloud) FailWrite(n int, landed bool) { c.fail.arm(n, landed) }

// collections maps a URL's collection to the provider's kind.
var collections = map[string]string{
	"firewalls": gcp.KindFirewall, "instanceGroups": gcp.KindInstanceGroup, "addresses": gcp.KindAddress, "healthChecks": gcp.KindHealthCheck, "networkEndpointGroups": gcp.KindNetworkEndpointGroup,
	"backendServices": gcp.KindBackendService, "urlMaps": gcp.KindURLMap, "sslCertificates": gcp.KindSslCertificate, "sslPolicies": gcp.KindSslPolicy,
	"targetHttpProxies": gcp.KindTargetHTTPProxy, "targetHttpsProxies": gcp.KindTargetHTTPSProxy, "forwardingRules": gcp.KindForwardingRule,
}

func (c *contractCloud) Resources() []providertest.Resource {
	var out []providertest.Resource
	for _, path := range c.srv.Inventory() {
		parts := strings.Split(path, "/") // projects/P/{global|zones/Z}/COLLECTION/NAME
		if parts[len(parts)-2] == "instances" {
			continue // the clusters' nodes, which the test made
		}
		m, _ := c.srv.Resource(path)
		var desc string
		if d, ok := m.(interface{ GetDescription() string }); ok {
			desc = d.GetDescription()
		}
		o, _ := providers.OwnerFromDescription(desc)
		if cluster, ok := providers.ClusterFromDescription(desc); ok {
			o = providers.Owner{ClusterID: cluster} // shared by the cluster's load balancers
		}
		out = append(out, providertest.Resource{Location: parts[1], Kind: collections[parts[len(parts)-2]], Name: parts[len(parts)-1], Owner: o})
	}
	return out
}

// Route evaluates the load balancer's URL map in gcptest and maps the backend service it
// chooses back to the spec's backend, by the names the provider gives them. An empty path
// is sent as "/", as every HTTP client sends it.
func (c *contractCloud) Route(clusterID string, want *providers.Desired, host, path string) (string, bool) {
	if path == "" {
		path = "/"
	}
	namer := providers.Namer{ClusterID: clusterID, MaxLength: 63}
	svc, ok := c.srv.Route(namer.Name("um", want.Ref.Name), host, path)
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

// errReset is the answer of the write that fails.
var errReset = errors.New("connection reset by peer")

// failingTransport fails the nth write from when it is armed: before sending it, or after
// (the write landed, its answer was lost).
type failingTransport struct {
	next   http.RoundTripper
	mu     sync.Mutex
	n      int
	landed bool
}

func (f *failingTransport) arm(n int, landed bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n, f.landed = n, landed
}

// due counts a write and reports whether it is the one to fail, and whether it lands.
func (f *failingTransport) due(r *http.Request) (fail, landed bool) {
	if r.Method == http.MethodGet || strings.HasSuffix(r.URL.Path, "/wait") || strings.HasSuffix(r.URL.Path, "/listNetworkEndpoints") {
		return false, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == 0 {
		return false, false
	}
	f.n--
	return f.n == 0, f.landed
}

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	fail, landed := f.due(r)
	if !fail {
		return f.next.RoundTrip(r)
	}
	if landed {
		if resp, err := f.next.RoundTrip(r); err == nil {
			_ = resp.Body.Close()
		}
	}
	return nil, errReset
}
