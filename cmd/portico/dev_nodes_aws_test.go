package main

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/providers/aws"
)

// A dev Node's instance: the one its spec.providerID names, else one named after the Node
// in its zone, in a zone of the emulated region where the seeded subnets are.
func TestDevInstanceOfANode(t *testing.T) {
	d := &devInstances{region: "us-west-2"}
	node := func(zone, providerID string) *corev1.Node {
		return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1", Labels: map[string]string{corev1.LabelTopologyZone: zone}},
			Spec: corev1.NodeSpec{ProviderID: providerID}}
	}
	for _, tc := range []struct {
		node     *corev1.Node
		zone, id string
	}{
		{node("us-west-2b", "aws:///us-west-2c/i-0123456789abcdef0"), "us-west-2c", "i-0123456789abcdef0"},
		{node("us-west-2b", ""), "us-west-2b", "i-" + hexID("node/n1")},
		{node("us-central1-b", ""), "us-west-2a", "i-" + hexID("node/n1")},
		{node("us-west-2d", ""), "us-west-2a", "i-" + hexID("node/n1")},
	} {
		zone, id := d.instanceOf(tc.node)
		if zone != tc.zone || id != tc.id {
			t.Errorf("%s in %s: instance %s in %s, want %s in %s", tc.node.Spec.ProviderID, tc.node.Labels[corev1.LabelTopologyZone], id, zone, tc.id, tc.zone)
		}
		if got, ok := aws.InstanceID("aws:///" + zone + "/" + id); !ok || got != id {
			t.Errorf("the provider does not read %s as an instance ID", id)
		}
	}
}
