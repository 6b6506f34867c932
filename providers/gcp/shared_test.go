package gcp_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
)

// A load balancer of target type instance: the cluster's instance group of each zone holds
// the zone's nodes and the NodePort's named port, the backend service reaches both groups
// through it, the firewall rule lets Google's checkers reach the NodePort, the status lists
// the shared resources, Owned never counts them as a load balancer, and a resync writes nothing.
func TestInstanceTargetsFullCreate(t *testing.T) {
	c := newInstanceCloud(t)
	targets := append(c.nodes("zone-a", 2, 30080), c.nodes("zone-b", 1, 30080)...)
	shop := instanceLB("shop", v1alpha1.TargetTypeInstance, targets...)
	obs := c.ensure(shop)

	for zone, want := range map[string][]string{"zone-a": {"zone-a-node-0", "zone-a-node-1"}, "zone-b": {"zone-b-node-0"}} {
		g, members, ok := c.group(zone)
		if !ok {
			t.Fatalf("no instance group in %s: %v", zone, c.srv.Inventory())
		}
		if !slices.Equal(members, want) || !slices.Equal(namedPorts(g), []string{"port30080=30080"}) {
			t.Errorf("the group of %s holds %v with named ports %v; want %v and port30080=30080", zone, members, namedPorts(g), want)
		}
		if d, ok := providers.ClusterFromDescription(g.GetDescription()); !ok || d != instanceCluster {
			t.Errorf("the group of %s is not the cluster's: %q", zone, g.GetDescription())
		}
	}
	bs := c.backendService("shop")
	if bs.GetPortName() != "port30080" || len(bs.GetBackends()) != 2 {
		t.Fatalf("backend service: port name %q, backends %v", bs.GetPortName(), bs.GetBackends())
	}
	for _, be := range bs.GetBackends() {
		if !strings.Contains(be.GetGroup(), "/instanceGroups/") || be.GetBalancingMode() != "UTILIZATION" {
			t.Errorf("backend %v is not an instance group balanced by UTILIZATION", be)
		}
	}
	fw, ok := c.firewall()
	if !ok || !slices.Equal(allowedPorts(fw), []string{"tcp:30080"}) || !slices.Equal(fw.GetSourceRanges(), []string{"130.211.0.0/22", "35.191.0.0/16"}) ||
		!strings.HasSuffix(fw.GetNetwork(), "/global/networks/default") {
		t.Fatalf("firewall rule: %v", fw)
	}
	kinds := map[string]int{}
	for _, r := range obs.Resources {
		kinds[r.Kind]++
	}
	if kinds[gcp.KindInstanceGroup] != 2 || kinds[gcp.KindFirewall] != 1 {
		t.Errorf("the status lists %v; want both instance groups and the firewall rule", kinds)
	}
	owned, err := c.p.Owned(context.Background(), nil)
	if err != nil || len(owned) != 1 || owned[0].Name != "shop" {
		t.Errorf("Owned = %v, %v; want shop alone", owned, err)
	}
	c.resyncWritesNothing(shop)
}

// Nodes come and go in batches of at most 500 per call; the new ones are added before the
// old ones are removed; Plan says so first.
func TestInstanceNodesAddedAndRemovedInBatches(t *testing.T) {
	c := newInstanceCloud(t)
	shop := instanceLB("shop", v1alpha1.TargetTypeInstance, c.nodes("zone-a", 2, 30080)...)
	c.ensure(shop)
	c.writes()

	many := instanceLB("shop", v1alpha1.TargetTypeInstance, c.nodes("zone-a", 503, 30080)...)
	pl, err := c.p.Plan(context.Background(), many)
	if err != nil || len(pl.Actions) != 1 || pl.Actions[0].Kind != gcp.KindInstanceGroup || pl.Actions[0].Detail != "add 501 instance(s)" {
		t.Fatalf("plan = %+v, %v; want the instance group to add 501 instances", pl, err)
	}
	c.ensure(many)
	w := c.writes()
	if count(w, "addInstances") != 2 || len(w) != 2 {
		t.Errorf("adding 501 nodes wrote %v; want two addInstances calls", w)
	}
	if _, members, _ := c.group("zone-a"); len(members) != 503 {
		t.Errorf("the group holds %d instances; want 503", len(members))
	}

	one := instanceLB("shop", v1alpha1.TargetTypeInstance, many.Targets["web"][7])
	c.ensure(one)
	w = c.writes()
	if count(w, "removeInstances") != 2 || len(w) != 2 {
		t.Errorf("removing 502 nodes wrote %v; want two removeInstances calls", w)
	}
	if _, members, _ := c.group("zone-a"); !slices.Equal(members, []string{"zone-a-node-7"}) {
		t.Errorf("the group holds %v; want zone-a-node-7", members)
	}
	c.resyncWritesNothing(one)
}

// Two load balancers on the same nodes share the zone's instance group (Google would refuse
// a VM in two load-balanced groups) and the firewall rule, each with the union of their
// ports; deleting one prunes its port and keeps the group; deleting the last removes the
// group and the rule.
func TestLoadBalancersShareTheClusterResources(t *testing.T) {
	c := newInstanceCloud(t)
	nodes := c.nodes("zone-a", 2, 30080)
	shop := instanceLB("shop", v1alpha1.TargetTypeInstance, nodes...)
	blog := instanceLB("blog", v1alpha1.TargetTypeInstance, retarget(nodes, 30081)...)
	pods := instanceLB("pods", v1alpha1.TargetTypeIP, providers.Target{IP: "10.8.0.1", Port: 8080, Zone: "zone-a"})
	for _, d := range []*providers.Desired{shop, blog, pods} {
		c.ensure(d)
	}
	g, members, _ := c.group("zone-a")
	if !slices.Equal(namedPorts(g), []string{"port30080=30080", "port30081=30081"}) || len(members) != 2 {
		t.Fatalf("the shared group has named ports %v and members %v", namedPorts(g), members)
	}
	if groups := strings.Count(strings.Join(c.srv.Inventory(), " "), "/instanceGroups/"); groups != 1 {
		t.Errorf("%d instance groups; want the zone's one", groups)
	}
	if fw, _ := c.firewall(); !slices.Equal(allowedPorts(fw), []string{"tcp:8080,30080,30081"}) {
		t.Errorf("the firewall rule allows %v; want the pods' port and both NodePorts", allowedPorts(fw))
	}
	c.resyncWritesNothing(shop, blog, pods)

	c.delete("shop")
	g, members, ok := c.group("zone-a")
	if !ok || !slices.Equal(namedPorts(g), []string{"port30081=30081"}) || len(members) != 2 {
		t.Fatalf("after shop's delete the group is %v with named ports %v; want it kept with blog's port only", ok, namedPorts(g))
	}
	if fw, _ := c.firewall(); !slices.Equal(allowedPorts(fw), []string{"tcp:8080,30081"}) {
		t.Errorf("after shop's delete the firewall rule allows %v", allowedPorts(fw))
	}
	c.resyncWritesNothing(blog, pods)

	c.delete("blog")
	if _, _, ok := c.group("zone-a"); ok {
		t.Error("the instance group outlived its last user")
	}
	if fw, _ := c.firewall(); !slices.Equal(allowedPorts(fw), []string{"tcp:8080"}) {
		t.Errorf("after blog's delete the firewall rule allows %v", allowedPorts(fw))
	}
	c.delete("pods")
	for _, path := range c.srv.Inventory() {
		if !strings.Contains(path, "/instances/") {
			t.Errorf("left after every load balancer's delete: %s", path)
		}
	}
}

// A Delete whose snapshot missed another load balancer's use of the group (a backend service
// made since it last listed) finds Google refusing the group's delete as in use: that is
// "still used", not a failure, and the group stays for its user.
func TestInstanceGroupInUseIsStillUsed(t *testing.T) {
	c := newInstanceCloud(t)
	nodes := c.nodes("zone-a", 1, 30080)
	shop := instanceLB("shop", v1alpha1.TargetTypeInstance, nodes...)
	c.ensure(shop)
	other := c.provider() // another pass whose writes c.p's snapshot has not seen
	blog := instanceLB("blog", v1alpha1.TargetTypeInstance, nodes...)
	if _, err := other.Ensure(context.Background(), blog); err != nil {
		t.Fatal(err)
	}
	c.srv.ResetCalls()
	c.delete("shop")
	refused := slices.ContainsFunc(c.srv.Calls(), func(call gcptest.Call) bool {
		return call.Method == "DELETE" && strings.Contains(call.Path, "/instanceGroups/") && call.Status == 400
	})
	if !refused {
		t.Fatal("the delete never met Google's in-use refusal; the test proves nothing")
	}
	if _, members, ok := c.group("zone-a"); !ok || len(members) != 1 {
		t.Fatalf("the group blog uses was deleted (%v) or emptied (%v)", ok, members)
	}
	c.ensure(blog)
	c.resyncWritesNothing(blog)
}

// retarget returns the targets on another NodePort.
func retarget(ts []providers.Target, port int32) []providers.Target {
	out := slices.Clone(ts)
	for i := range out {
		out[i].Port = port
	}
	return out
}

// Two load balancers on new NodePorts made at the same time (two workers of the controller)
// both end up in the zone's group: the second pass to write it plans again once the first
// is done, so neither sets the named ports without the other's.
func TestConcurrentLoadBalancersKeepEachOthersPorts(t *testing.T) {
	c := newInstanceCloud(t)
	nodes := c.nodes("zone-a", 2, 30080)
	lbs := []*providers.Desired{
		instanceLB("shop", v1alpha1.TargetTypeInstance, nodes...),
		instanceLB("blog", v1alpha1.TargetTypeInstance, retarget(nodes, 30081)...),
		instanceLB("wiki", v1alpha1.TargetTypeInstance, retarget(nodes, 30082)...),
	}
	var wg sync.WaitGroup
	errs := make([]error, len(lbs))
	for i, d := range lbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.p.Ensure(context.Background(), d)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	g, _, _ := c.group("zone-a")
	if got := namedPorts(g); !slices.Equal(got, []string{"port30080=30080", "port30081=30081", "port30082=30082"}) {
		t.Errorf("the group's named ports are %v; want every load balancer's", got)
	}
	if fw, _ := c.firewall(); !slices.Equal(allowedPorts(fw), []string{"tcp:30080,30081,30082"}) {
		t.Errorf("the firewall rule allows %v; want every NodePort", allowedPorts(fw))
	}
	c.resyncWritesNothing(lbs...)
}

// A load balancer whose instance backend has no node yet (no Ready node seen, say) leaves the
// groups other load balancers serve through as they are.
func TestInstanceBackendWithoutNodesKeepsTheGroups(t *testing.T) {
	c := newInstanceCloud(t)
	shop := instanceLB("shop", v1alpha1.TargetTypeInstance, c.nodes("zone-a", 2, 30080)...)
	c.ensure(shop)
	c.ensure(instanceLB("blog", v1alpha1.TargetTypeInstance))
	if _, members, ok := c.group("zone-a"); !ok || len(members) != 2 {
		t.Fatalf("after a load balancer without nodes, shop's group holds %v (exists: %v)", members, ok)
	}
	c.resyncWritesNothing(shop)
}

// The firewall rule is the one of the class's network (IngressClassParams spec.gcp.network),
// named after it.
func TestFirewallRuleOfTheClassNetwork(t *testing.T) {
	c := newInstanceCloud(t)
	shop := instanceLB("shop", v1alpha1.TargetTypeIP, providers.Target{IP: "10.8.0.1", Port: 8443, Zone: "zone-a"})
	shop.Params = &v1alpha1.IngressClassParamsSpec{Provider: v1alpha1.ProviderGCP, GCP: &v1alpha1.GCPParams{Project: contractProject, Network: "prod-vpc"}}
	c.ensure(shop)
	fw, ok := c.firewall()
	if !ok || !strings.HasSuffix(fw.GetNetwork(), "/projects/"+contractProject+"/global/networks/prod-vpc") ||
		!strings.Contains(fw.GetName(), "prod-vpc") || !slices.Equal(allowedPorts(fw), []string{"tcp:8443"}) {
		t.Fatalf("firewall rule %v; want the rule of network prod-vpc allowing 8443", fw)
	}
	c.resyncWritesNothing(shop)
}

// Named ports are set with the fingerprint read: when someone changed the group since the
// snapshot read it, Google answers 412, and the provider reads the group again and retries.
func TestNamedPortsRetryOnAStaleFingerprint(t *testing.T) {
	c := newInstanceCloud(t)
	nodes := c.nodes("zone-a", 1, 30080)
	c.ensure(instanceLB("shop", v1alpha1.TargetTypeInstance, nodes...))
	g, _, _ := c.group("zone-a")
	op, err := c.api.InstanceGroups.SetNamedPorts(context.Background(), &computepb.SetNamedPortsInstanceGroupRequest{
		Project: contractProject, Zone: "zone-a", InstanceGroup: g.GetName(),
		InstanceGroupsSetNamedPortsRequestResource: &computepb.InstanceGroupsSetNamedPortsRequest{Fingerprint: g.Fingerprint,
			NamedPorts: []*computepb.NamedPort{{Name: proto.String("port30080"), Port: proto.Int32(30080)}, {Name: proto.String("by-hand"), Port: proto.Int32(9000)}}}})
	waitOp(t, op, err)
	c.srv.ResetCalls()
	c.ensure(instanceLB("blog", v1alpha1.TargetTypeInstance, retarget(nodes, 30081)...))
	stale := slices.ContainsFunc(c.srv.Calls(), func(call gcptest.Call) bool {
		return strings.HasSuffix(call.Path, "/setNamedPorts") && call.Status == 412
	})
	if !stale {
		t.Fatal("the provider's fingerprint was never stale; the test proves nothing")
	}
	if g, _, _ := c.group("zone-a"); !slices.Equal(namedPorts(g), []string{"port30080=30080", "port30081=30081"}) {
		t.Errorf("named ports %v; want both load balancers' after the retry", namedPorts(g))
	}
}
