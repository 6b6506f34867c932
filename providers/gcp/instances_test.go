package gcp_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
)

const instanceCluster = "cluster-a"

// instanceCloud is gcptest with a cluster's nodes registered as VMs, and a provider.
type instanceCloud struct {
	t   *testing.T
	srv *gcptest.Server
	api *gcp.Clients
	p   *gcp.Provider
}

func newInstanceCloud(t *testing.T) *instanceCloud {
	t.Helper()
	srv := gcptest.New(gcptest.Options{Project: contractProject, OperationPolls: 1})
	t.Cleanup(srv.Close)
	c, err := srv.Clients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	api := &gcp.Clients{Addresses: c.Addresses, HealthChecks: c.HealthChecks, BackendServices: c.BackendServices, URLMaps: c.URLMaps,
		TargetHTTPProxies: c.TargetHTTPProxies, TargetHTTPSProxies: c.TargetHTTPSProxies, SSLCertificates: c.SSLCertificates, SSLPolicies: c.SSLPolicies,
		ForwardingRules: c.ForwardingRules, NEGs: c.NEGs, InstanceGroups: c.InstanceGroups, Firewalls: c.Firewalls}
	ic := &instanceCloud{t: t, srv: srv, api: api}
	ic.p = ic.provider()
	return ic
}

// provider is a new provider of the cluster: a restarted controller.
func (c *instanceCloud) provider() *gcp.Provider {
	return gcp.New(gcp.Options{ClusterID: instanceCluster, Project: contractProject, Clients: c.api})
}

// nodes registers n VMs in a zone ("zone-a-node-0", ...) and returns them as the targets of
// a NodePort.
func (c *instanceCloud) nodes(zone string, n int, nodePort int32) []providers.Target {
	var out []providers.Target
	for i := range n {
		name := fmt.Sprintf("%s-node-%d", zone, i)
		ip := fmt.Sprintf("10.%d.%d.%d", len(zone), i/250, i%250+1)
		c.srv.AddInstance(contractProject, zone, name, ip)
		out = append(out, providers.Target{IP: ip, Port: nodePort, Zone: zone, Node: name})
	}
	return out
}

func instanceLB(name string, targetType string, targets ...providers.Target) *providers.Desired {
	return &providers.Desired{
		Ref: providers.Ref{Name: name, Location: contractProject},
		Spec: v1alpha1.LoadBalancerSpec{
			Provider: gcp.ProviderName, Frontends: v1alpha1.Frontends{HTTP: true}, DefaultBackend: "web",
			Backends: []v1alpha1.Backend{{Name: "web", TargetType: targetType,
				Service: v1alpha1.ServiceRef{Namespace: "default", Name: name, PortNumber: 80}}},
		},
		Targets: map[string][]providers.Target{"web": targets},
	}
}

func (c *instanceCloud) ensure(d *providers.Desired) *providers.Observed {
	c.t.Helper()
	obs, err := c.p.Ensure(context.Background(), d)
	if err != nil {
		c.t.Fatalf("ensure %s: %v", d.Ref.Name, err)
	}
	return obs
}

func (c *instanceCloud) delete(name string) {
	c.t.Helper()
	if err := c.p.Delete(context.Background(), providers.Ref{Name: name, Location: contractProject}); err != nil {
		c.t.Fatalf("delete %s: %v", name, err)
	}
}

// writes returns the API methods of the writes made since the call log was last reset, as
// "instanceGroups.addInstances"; and resets it.
func (c *instanceCloud) writes() []string {
	var out []string
	for _, call := range c.srv.Calls() {
		if call.Write {
			out = append(out, strings.TrimPrefix(call.Permission, "compute.")+" "+lastSegments(call.Path))
		}
	}
	c.srv.ResetCalls()
	return out
}

func lastSegments(path string) string {
	parts := strings.Split(path, "/")
	return parts[len(parts)-1]
}

func count(calls []string, suffix string) int {
	n := 0
	for _, c := range calls {
		if strings.HasSuffix(c, " "+suffix) {
			n++
		}
	}
	return n
}

// resyncWritesNothing checks that a pass of every load balancer again, from a restarted
// provider too, writes nothing.
func (c *instanceCloud) resyncWritesNothing(lbs ...*providers.Desired) {
	c.t.Helper()
	c.srv.ResetCalls()
	for _, p := range []*gcp.Provider{c.p, c.provider()} {
		for _, d := range lbs {
			if _, err := p.Ensure(context.Background(), d); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	if w := c.writes(); len(w) != 0 {
		c.t.Errorf("a resync with nothing changed wrote %v", w)
	}
}

// group returns the cluster's instance group of a zone, its members by name, and whether it exists.
func (c *instanceCloud) group(zone string) (*computepb.InstanceGroup, []string, bool) {
	for _, path := range c.srv.Inventory() {
		if strings.Contains(path, "/zones/"+zone+"/instanceGroups/") {
			m, _ := c.srv.Resource(path)
			g := m.(*computepb.InstanceGroup)
			var names []string
			for _, u := range c.srv.Members(contractProject, zone, g.GetName()) {
				names = append(names, lastSegments(u))
			}
			return g, names, true
		}
	}
	return nil, nil, false
}

func namedPorts(g *computepb.InstanceGroup) []string {
	var out []string
	for _, np := range g.GetNamedPorts() {
		out = append(out, fmt.Sprintf("%s=%d", np.GetName(), np.GetPort()))
	}
	return out
}

// firewall returns the cluster's firewall rule and whether it exists.
func (c *instanceCloud) firewall() (*computepb.Firewall, bool) {
	for _, path := range c.srv.Inventory() {
		if strings.Contains(path, "/global/firewalls/") {
			m, _ := c.srv.Resource(path)
			return m.(*computepb.Firewall), true
		}
	}
	return nil, false
}

func allowedPorts(f *computepb.Firewall) []string {
	var out []string
	for _, a := range f.GetAllowed() {
		out = append(out, a.GetIPProtocol()+":"+strings.Join(a.GetPorts(), ","))
	}
	return out
}

func (c *instanceCloud) backendService(lb string) *computepb.BackendService {
	c.t.Helper()
	for _, path := range c.srv.Inventory() {
		if strings.Contains(path, "/backendServices/") && strings.Contains(path, lb) {
			m, _ := c.srv.Resource(path)
			return m.(*computepb.BackendService)
		}
	}
	c.t.Fatalf("no backend service of %s", lb)
	return nil
}
