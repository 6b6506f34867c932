package gcp

import (
	"context"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/testenv"
)

// node creates a ready node in a zone, and its VM in gcptest (a node's instance has its
// name, as on GKE); both go when the test ends.
func node(t *testing.T, name, zone, ip string) {
	t.Helper()
	ctx := context.Background()
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{corev1.LabelTopologyZone: zone}}}
	if err := env.Client.Create(ctx, n); err != nil {
		t.Fatal(err)
	}
	srv.AddInstance(project, zone, name, ip)
	t.Cleanup(func() {
		_ = env.Client.Delete(context.Background(), n)
		srv.RemoveInstance(project, zone, name)
	})
	setNodeReady(t, name, ip, true)
}

func setNodeReady(t *testing.T, name, ip string, ready bool) {
	t.Helper()
	n := &corev1.Node{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Name: name}, n); err != nil {
		t.Fatal(err)
	}
	status := corev1.ConditionFalse
	if ready {
		status = corev1.ConditionTrue
	}
	n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ip}}
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: status}}
	if err := env.Client.Status().Update(context.Background(), n); err != nil {
		t.Fatal(err)
	}
}

// members returns the names of the instances in each of the cluster's instance groups, by
// zone, and each group's named ports.
func members() (map[string][]string, map[string][]int32) {
	names, ports := map[string][]string{}, map[string][]int32{}
	for _, path := range srv.Inventory() {
		parts := strings.Split(path, "/") // projects/P/zones/Z/instanceGroups/NAME
		if parts[len(parts)-2] != "instanceGroups" {
			continue
		}
		zone := parts[3]
		for _, u := range srv.Members(project, zone, parts[5]) {
			names[zone] = append(names[zone], u[strings.LastIndex(u, "/")+1:])
		}
		m, _ := srv.Resource(path)
		for _, np := range m.(*computepb.InstanceGroup).GetNamedPorts() {
			ports[zone] = append(ports[zone], np.GetPort())
		}
	}
	return names, ports
}

// TestInstanceTargetsOnGCP: an Ingress of target type instance reaches the ready nodes on
// the Service's NodePort through the cluster's instance group of each zone, which the
// LoadBalancer lists with the firewall rule; a node that stops being ready leaves its group;
// deleting the Ingress deletes the groups and the rule with the rest.
func TestInstanceTargetsOnGCP(t *testing.T) {
	ns := newNamespace(t)
	node(t, ns+"-a", "zone-a", "172.16.0.1")
	node(t, ns+"-b", "zone-b", "172.16.0.2")
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "app"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Ports: []corev1.ServicePort{{
			Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080), NodePort: 30080,
		}}},
	}
	if err := env.Client.Create(context.Background(), svc); err != nil {
		t.Fatal(err)
	}
	if err := env.ApplyYAML(context.Background(), strings.ReplaceAll(`
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: app, namespace: NAMESPACE, annotations: {portico.dev/target-type: instance}}
spec:
  defaultBackend: {service: {name: app, port: {number: 80}}}
`, "NAMESPACE", ns)); err != nil {
		t.Fatal(err)
	}
	lb, err := env.WaitProgrammed(timeout(t), ns, "app")
	if err != nil {
		t.Fatal(err)
	}
	names, ports := members()
	want := map[string][]string{"zone-a": {ns + "-a"}, "zone-b": {ns + "-b"}}
	if !equalMembers(names, want) || !slices.Equal(ports["zone-a"], []int32{30080}) || !slices.Equal(ports["zone-b"], []int32{30080}) {
		t.Fatalf("instance groups hold %v with named ports %v; want %v on 30080", names, ports, want)
	}
	kinds := map[string]int{}
	for _, r := range lb.Status.Resources {
		kinds[r.Kind]++
	}
	if kinds[gcp.KindInstanceGroup] != 2 || kinds[gcp.KindFirewall] != 1 || kinds[gcp.KindNetworkEndpointGroup] != 0 {
		t.Errorf("the LoadBalancer lists %v; want both instance groups, the firewall rule and no endpoint group", kinds)
	}

	setNodeReady(t, ns+"-b", "172.16.0.2", false)
	err = testenv.WaitFor(timeout(t), "the node that is not ready to leave its instance group", func(context.Context) (bool, error) {
		names, _ := members()
		return len(names["zone-b"]) == 0 && len(names["zone-a"]) == 1, nil
	})
	if err != nil {
		names, _ := members()
		t.Fatalf("%v: %v", err, names)
	}

	if err := env.Client.Delete(context.Background(), getIngress(t, ns, "app")); err != nil {
		t.Fatal(err)
	}
	err = testenv.WaitFor(timeout(t), "the LoadBalancer, its instance groups and the firewall rule to be deleted", func(ctx context.Context) (bool, error) {
		err := env.Client.Get(ctx, client.ObjectKeyFromObject(lb), &v1alpha1.LoadBalancer{})
		return apierrors.IsNotFound(err) && !slices.ContainsFunc(srv.Inventory(), func(p string) bool { return !strings.Contains(p, "/instances/") }), err
	})
	if err != nil {
		t.Fatalf("%v; gcptest still holds %v", err, srv.Inventory())
	}
}

func equalMembers(got, want map[string][]string) bool {
	if len(got) != len(want) {
		return false
	}
	for zone, names := range want {
		if !slices.Equal(got[zone], names) {
			return false
		}
	}
	return true
}
