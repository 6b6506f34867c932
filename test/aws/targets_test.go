package aws

import (
	"context"
	"slices"
	"testing"

	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

// TestScalingOnlyRegistersAndDeregistersTargets: when a Deployment behind an Ingress scales
// (its Service's EndpointSlice gains or loses pods), the pods' IPs are registered in, or
// deregistered from, the target group in one batched call, and nothing else in AWS changes.
func TestScalingOnlyRegistersAndDeregistersTargets(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "front", "10.0.3.1", "10.0.3.2")
	lb := ingress(ns, "web").defaultBackend("front").apply(t)
	tg := resourceOf(t, lb, aws.KindTargetGroup).ID
	if got := targetsOf(tg); !slices.Equal(got, []string{"10.0.3.1:8080", "10.0.3.2:8080"}) {
		t.Fatalf("the target group routes to %v, want both pods on 8080", got)
	}
	for _, step := range []struct {
		ips   []string
		want  []string
		write string
	}{
		{[]string{"10.0.3.1", "10.0.3.2", "10.0.3.3", "10.0.3.4"}, []string{"10.0.3.1:8080", "10.0.3.2:8080", "10.0.3.3:8080", "10.0.3.4:8080"}, "RegisterTargets"},
		{[]string{"10.0.3.3"}, []string{"10.0.3.3:8080"}, "DeregisterTargets"},
	} {
		start := callCount()
		scale(t, ns, "front", step.ips...)
		waitUntil(t, "the target group to route to "+step.write, func() bool { return slices.Equal(targetsOf(tg), step.want) })
		if w := writesSince(start); !slices.Equal(w, []string{step.write}) {
			t.Errorf("scaling to %v wrote %v, want one %s", step.ips, w, step.write)
		}
	}
	if got := reached(t, lb, 80, "any.example.com", "/"); got != ns+"/front:80" {
		t.Errorf("a request reaches %q, want Service front", got)
	}
}

// TestInstanceTargetsOnAWS: an Ingress of target type instance reaches the ready nodes on
// the Service's NodePort: its target group registers each node's EC2 instance (from the
// node's spec.providerID), the nodes' security group lets the load balancer in on the
// NodePort, and a node that stops being ready is deregistered.
func TestInstanceTargetsOnAWS(t *testing.T) {
	ns := newNamespace(t)
	node(t, ns+"-a", "i-0a00000000000e2e1", 0, "10.0.0.41")
	node(t, ns+"-b", "i-0b00000000000e2e2", 1, "10.0.16.42")
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "app"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Ports: []corev1.ServicePort{{
			Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080), NodePort: 30080,
		}}},
	}
	if err := env.Client.Create(context.Background(), svc); err != nil {
		t.Fatal(err)
	}
	lb := ingress(ns, "app").annotate(model.AnnotationTargetType, "instance").defaultBackend("app").apply(t)
	arn := resourceOf(t, lb, aws.KindTargetGroup).ID
	if tg, ok := srv.TargetGroup(arn); !ok || tg.TargetType != elbtypes.TargetTypeEnumInstance {
		t.Fatalf("target group %s of type %q (exists %v), want instance", arn, tg.TargetType, ok)
	}
	want := []string{"i-0a00000000000e2e1:30080", "i-0b00000000000e2e2:30080"}
	if got := targetsOf(arn); !slices.Equal(got, want) {
		t.Fatalf("the target group routes to %v, want %v", got, want)
	}
	sg := resourceOf(t, lb, aws.KindSecurityGroup).ID
	if got := nodeIngress(t); !slices.Contains(got, sg+":30080") {
		t.Errorf("the nodes' security group lets in %v; want the load balancer's group %s on 30080", got, sg)
	}

	setNodeReady(t, ns+"-b", "10.0.16.42", false)
	waitUntil(t, "the node that is not ready to be deregistered", func() bool { return slices.Equal(targetsOf(arn), want[:1]) })
}

// node creates a ready node whose spec.providerID names an EC2 instance in zone a, b or c
// of the region, and the instance in awstest, in the nodes' security group. The node goes
// when the test ends (awstest cannot remove an instance; no other test uses it).
func node(t *testing.T, name, instance string, zone int, ip string) {
	t.Helper()
	az := region + string(rune('a'+zone))
	srv.AddInstance(instance, awstest.DefaultVPC, awstest.DefaultPublicSubnets[zone], ip, awstest.DefaultNodeSecurityGroup)
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{corev1.LabelTopologyZone: az}},
		Spec: corev1.NodeSpec{ProviderID: "aws:///" + az + "/" + instance}}
	if err := env.Client.Create(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(context.Background(), n) })
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
