package gcptest

import (
	"errors"
	"slices"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/api/iterator"
	"google.golang.org/protobuf/proto"
)

func igLink(name string) string {
	return googleBase + "projects/" + proj + "/zones/" + zone + "/instanceGroups/" + name
}

func instanceRef(name string) *computepb.InstanceReference {
	return &computepb.InstanceReference{Instance: proto.String("projects/" + proj + "/zones/" + zone + "/instances/" + name)}
}

func (e *env) insertGroup(name string, ports ...*computepb.NamedPort) {
	e.t.Helper()
	e.done(e.c.InstanceGroups.Insert(e.ctx, &computepb.InsertInstanceGroupRequest{Project: proj, Zone: zone,
		InstanceGroupResource: &computepb.InstanceGroup{Name: proto.String(name), NamedPorts: ports}}))
}

func (e *env) addMembers(group string, names ...string) error {
	var refs []*computepb.InstanceReference
	for _, n := range names {
		refs = append(refs, instanceRef(n))
	}
	op, err := e.c.InstanceGroups.AddInstances(e.ctx, &computepb.AddInstancesInstanceGroupRequest{Project: proj, Zone: zone, InstanceGroup: group,
		InstanceGroupsAddInstancesRequestResource: &computepb.InstanceGroupsAddInstancesRequest{Instances: refs}})
	if err == nil {
		err = op.Wait(e.ctx)
	}
	return err
}

func (e *env) members(group string) []string {
	e.t.Helper()
	var out []string
	it := e.c.InstanceGroups.ListInstances(e.ctx, &computepb.ListInstancesInstanceGroupsRequest{Project: proj, Zone: zone, InstanceGroup: group,
		InstanceGroupsListInstancesRequestResource: &computepb.InstanceGroupsListInstancesRequest{InstanceState: proto.String("ALL")}})
	for {
		m, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out
		}
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, m.GetInstance())
	}
}

// An unmanaged instance group through the SDK: members added, listed and
// removed; named ports set with the fingerprint (a stale one is 412); the
// group in an aggregated list; its delete refused while a backend service
// uses it.
func TestInstanceGroupLifecycle(t *testing.T) {
	e := newEnv(t, Options{OperationPolls: 1})
	for _, n := range []string{"node-a", "node-b"} {
		e.srv.AddInstance(proj, zone, n, "10.0.0.1")
	}
	e.insertGroup("ig", &computepb.NamedPort{Name: proto.String("port30080"), Port: proto.Int32(30080)})
	if err := e.addMembers("ig", "node-a", "node-b"); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, e.addMembers("ig", "node-a"), 400, "memberAlreadyExists")
	wantAPIError(t, e.addMembers("ig", "node-x"), 404, "notFound")
	base := googleBase + "projects/" + proj + "/zones/" + zone + "/instances/"
	if got := e.members("ig"); !slices.Equal(got, []string{base + "node-a", base + "node-b"}) {
		t.Fatalf("members = %v", got)
	}
	e.done(e.c.InstanceGroups.RemoveInstances(e.ctx, &computepb.RemoveInstancesInstanceGroupRequest{Project: proj, Zone: zone, InstanceGroup: "ig",
		InstanceGroupsRemoveInstancesRequestResource: &computepb.InstanceGroupsRemoveInstancesRequest{Instances: []*computepb.InstanceReference{instanceRef("node-a")}}}))
	g, err := e.c.InstanceGroups.Get(e.ctx, &computepb.GetInstanceGroupRequest{Project: proj, Zone: zone, InstanceGroup: "ig"})
	if err != nil {
		t.Fatal(err)
	}
	if g.GetSize() != 1 || g.GetFingerprint() == "" || g.GetSelfLink() != igLink("ig") {
		t.Fatalf("group = %v", g)
	}

	setPorts := func(fp string) error {
		op, err := e.c.InstanceGroups.SetNamedPorts(e.ctx, &computepb.SetNamedPortsInstanceGroupRequest{Project: proj, Zone: zone, InstanceGroup: "ig",
			InstanceGroupsSetNamedPortsRequestResource: &computepb.InstanceGroupsSetNamedPortsRequest{Fingerprint: proto.String(fp),
				NamedPorts: []*computepb.NamedPort{{Name: proto.String("port30081"), Port: proto.Int32(30081)}}}})
		if err == nil {
			err = op.Wait(e.ctx)
		}
		return err
	}
	if err := setPorts(g.GetFingerprint()); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, setPorts(g.GetFingerprint()), 412, "conditionNotMet")

	agg := e.c.InstanceGroups.AggregatedList(e.ctx, &computepb.AggregatedListInstanceGroupsRequest{Project: proj})
	pair, err := agg.Next()
	if err != nil || pair.Key != "zones/"+zone || len(pair.Value.GetInstanceGroups()) != 1 ||
		pair.Value.GetInstanceGroups()[0].GetNamedPorts()[0].GetPort() != 30081 {
		t.Fatalf("aggregated list = %v, %v", pair, err)
	}

	e.done(e.c.HealthChecks.Insert(e.ctx, &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck("hc", "/")}))
	bs := backendService("bs", "hc")
	bs.PortName = proto.String("port30081")
	bs.Backends = []*computepb.Backend{{Group: proto.String(igLink("ig")), BalancingMode: proto.String("UTILIZATION"), MaxUtilization: proto.Float32(0.8)}}
	e.done(e.c.BackendServices.Insert(e.ctx, &computepb.InsertBackendServiceRequest{Project: proj, BackendServiceResource: bs}))
	_, err = e.c.InstanceGroups.Delete(e.ctx, &computepb.DeleteInstanceGroupRequest{Project: proj, Zone: zone, InstanceGroup: "ig"})
	wantAPIError(t, err, 400, "resourceInUseByAnotherResource")
}

// An instance may be in only one load-balanced instance group: adding it to
// a second group that a backend service uses fails, and so does a backend
// service that would load-balance a second group holding it.
func TestInstanceInOneLoadBalancedGroup(t *testing.T) {
	e := newEnv(t, Options{})
	e.srv.AddInstance(proj, zone, "node-a", "10.0.0.1")
	e.insertGroup("one")
	e.insertGroup("two")
	if err := e.addMembers("one", "node-a"); err != nil {
		t.Fatal(err)
	}
	if err := e.addMembers("two", "node-a"); err != nil {
		t.Fatalf("a group nobody load-balances may share an instance: %v", err)
	}
	e.done(e.c.HealthChecks.Insert(e.ctx, &computepb.InsertHealthCheckRequest{Project: proj, HealthCheckResource: healthCheck("hc", "/")}))
	backend := func(name, group string) *computepb.BackendService {
		bs := backendService(name, "hc")
		bs.Backends = []*computepb.Backend{{Group: proto.String(igLink(group)), BalancingMode: proto.String("UTILIZATION")}}
		return bs
	}
	e.done(e.c.BackendServices.Insert(e.ctx, &computepb.InsertBackendServiceRequest{Project: proj, BackendServiceResource: backend("bs1", "one")}))
	_, err := e.c.BackendServices.Insert(e.ctx, &computepb.InsertBackendServiceRequest{Project: proj, BackendServiceResource: backend("bs2", "two")})
	wantAPIError(t, err, 400, "invalid")

	e.srv.AddInstance(proj, zone, "node-b", "10.0.0.2")
	e.insertGroup("three")
	e.done(e.c.BackendServices.Insert(e.ctx, &computepb.InsertBackendServiceRequest{Project: proj, BackendServiceResource: backend("bs3", "three")}))
	if err := e.addMembers("one", "node-b"); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, e.addMembers("three", "node-b"), 400, "invalid")

	rate := backend("bs4", "three")
	rate.Backends[0].BalancingMode = proto.String("CONNECTION")
	_, err = e.c.BackendServices.Insert(e.ctx, &computepb.InsertBackendServiceRequest{Project: proj, BackendServiceResource: rate})
	wantAPIError(t, err, 400, "invalid")
}
