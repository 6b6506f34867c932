package aws_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

const testCluster = "cluster-a"

// testCloud is awstest seeded with a VPC, its tagged subnets and the nodes' security group.
type testCloud struct {
	srv     *awstest.Server
	clients *aws.Clients
}

func newTestCloud(t testing.TB, opts awstest.Options) *testCloud {
	srv := awstest.New(opts)
	t.Cleanup(srv.Close)
	srv.SeedDefault()
	return &testCloud{srv: srv, clients: aws.ClientsOf(srv.Config())}
}

// provider returns a new provider of the cluster: a second one is a restarted controller.
func (c *testCloud) provider(cluster string) *aws.Provider {
	return aws.New(aws.Options{ClusterID: cluster, Region: "us-west-2", VPC: awstest.DefaultVPC,
		ELBV2: c.clients.ELBV2, EC2: c.clients.EC2, ACM: c.clients.ACM, SnapshotTTL: -1})
}

// writes returns the write calls made since the call log was reset, as "Action" each.
func (c *testCloud) writes() []string {
	var out []string
	for _, call := range c.srv.Calls() {
		if call.Write {
			out = append(out, call.Action)
		}
	}
	return out
}

// owned lists the cloud's resources owned by the load balancer, as "Kind name".
func (c *testCloud) owned(cluster, lb string) []string {
	var out []string
	for _, r := range c.srv.Inventory() {
		if o, ok := providers.OwnerFromTags(r.Tags); ok && o.ClusterID == cluster && o.LoadBalancer == lb {
			out = append(out, r.Kind+" "+r.Name)
		}
	}
	slices.Sort(out)
	return out
}

// desired is a typed builder of a load balancer for the scenarios.
type desired struct{ d *providers.Desired }

func lbNamed(name string) *desired {
	return &desired{d: &providers.Desired{Ref: providers.Ref{Name: name, Location: "us-west-2"},
		Spec:    v1alpha1.LoadBalancerSpec{Provider: "aws", Frontends: v1alpha1.Frontends{HTTP: true}},
		Targets: map[string][]providers.Target{}, Certificates: map[string]providers.Certificate{}}}
}

func (b *desired) backend(name string, ips ...string) *desired {
	b.d.Spec.Backends = append(b.d.Spec.Backends, v1alpha1.Backend{Name: name, TargetType: v1alpha1.TargetTypeIP,
		Service: v1alpha1.ServiceRef{Namespace: "shop", Name: name, PortNumber: 80}})
	for _, ip := range ips {
		b.d.Targets[name] = append(b.d.Targets[name], providers.Target{IP: ip, Port: 8080})
	}
	return b
}

func (b *desired) host(host v1alpha1.Hostname, paths ...v1alpha1.PathRule) *desired {
	b.d.Spec.Rules = append(b.d.Spec.Rules, v1alpha1.HostRule{Host: host, Paths: paths})
	return b
}

func prefix(path, backend string) v1alpha1.PathRule {
	return v1alpha1.PathRule{Path: path, PathType: v1alpha1.PathTypePrefix, Backend: backend}
}

func exact(path, backend string) v1alpha1.PathRule {
	return v1alpha1.PathRule{Path: path, PathType: v1alpha1.PathTypeExact, Backend: backend}
}

// shop is a load balancer with two backends and the rules of one host.
func shop() *desired {
	return lbNamed("shop-web").backend("web", "10.0.1.5", "10.0.2.6").backend("cart", "10.0.1.7").
		host("shop.example.com", prefix("/", "web"), prefix("/cart", "cart"))
}

func ensure(t *testing.T, p providers.Provider, d *providers.Desired) *providers.Observed {
	t.Helper()
	obs, err := p.Ensure(context.Background(), d)
	if err != nil {
		t.Fatalf("ensure %s: %v", d.Ref.Name, err)
	}
	return obs
}

// converge ensures until a pass changes nothing, as the controller's requeues would.
func converge(t *testing.T, p providers.Provider, d *providers.Desired) {
	t.Helper()
	var last error
	for range 10 {
		obs, err := p.Ensure(context.Background(), d)
		if err == nil && len(obs.Changes) == 0 {
			return
		}
		last = err
	}
	t.Fatalf("ensure %s did not converge: %v", d.Ref.Name, last)
}

func TestFullCreateThenResyncWritesNothing(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	obs := ensure(t, p, shop().d)
	if len(obs.Addresses) != 1 || !strings.Contains(obs.Addresses[0].Hostname, "elb") {
		t.Errorf("addresses %+v, want the ALB's DNS name", obs.Addresses)
	}
	kinds := map[string]int{}
	for _, r := range cloud.owned(testCluster, "shop-web") {
		kinds[strings.Fields(r)[0]]++
	}
	for kind, n := range map[string]int{"SecurityGroup": 1, "TargetGroup": 2, "LoadBalancer": 1, "Listener": 1} {
		if kinds[kind] != n {
			t.Errorf("%d %s tagged for the load balancer, want %d (all: %v)", kinds[kind], kind, n, cloud.owned(testCluster, "shop-web"))
		}
	}
	if kinds["Rule"] == 0 {
		t.Errorf("no listener rule was made: %v", cloud.owned(testCluster, "shop-web"))
	}
	for _, port := range obs.Ports {
		if port.Error != "" {
			t.Errorf("port %d: %s %s", port.Port, port.Error, port.Message)
		}
	}
	cloud.srv.ResetCalls()
	ensure(t, p, shop().d)
	ensure(t, cloud.provider(testCluster), shop().d)
	if w := cloud.writes(); len(w) != 0 {
		t.Errorf("a resync and a restart with nothing changed wrote %v", w)
	}
}

var _ = fmt.Sprint

// route asks awstest which backend of d a request reaches on the HTTP listener, by the
// target group the provider named for it; "" is a fixed response.
func route(t *testing.T, cloud *testCloud, d *providers.Desired, host, path string) string {
	t.Helper()
	var lbARN string
	for _, r := range cloud.srv.Inventory() {
		if o, ok := providers.OwnerFromTags(r.Tags); ok && r.Kind == "LoadBalancer" && o.LoadBalancer == d.Ref.Name {
			lbARN = r.ID
		}
	}
	rules, ok := cloud.srv.ListenerRules(lbARN, 80)
	if !ok {
		t.Fatalf("no listener on port 80 of %s", lbARN)
	}
	rule, err := awstest.Evaluate(rules, awstest.Request{Host: host, Path: path})
	if err != nil {
		t.Fatalf("awstest cannot route %s%s: %v", host, path, err)
	}
	for _, a := range rule.Actions {
		arn := ""
		if a.TargetGroupArn != nil {
			arn = *a.TargetGroupArn
		} else if a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) > 0 {
			arn = *a.ForwardConfig.TargetGroups[0].TargetGroupArn
		}
		for _, r := range cloud.srv.Inventory() {
			if arn != "" && r.ID == arn {
				return backendServing(d, r.Tags["portico.dev/service"], r.Name)
			}
		}
	}
	return ""
}

// backendServing is the backend whose Service the target group's tag names.
func backendServing(d *providers.Desired, service, tg string) string {
	for _, b := range d.Spec.Backends {
		if service == b.Service.Namespace+"/"+b.Service.Name+":"+fmt.Sprint(b.Service.PortNumber) {
			return b.Name
		}
	}
	return "target group " + tg
}
