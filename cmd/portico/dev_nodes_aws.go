package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"github.com/portico-dev/portico/providers/aws"
)

// devInstances gives each Node of the dev cluster an EC2 instance in awstest, as EKS does:
// the aws provider registers a node of target type instance by the instance ID of its
// spec.providerID ("aws:///ZONE/i-..."), and AWS refuses an instance that does not exist.
// A Node applied without a providerID gets one, as the cloud controller manager gives it.
// The instance stays when its Node goes: awstest cannot remove an instance, and an
// instance no target group lists changes nothing a user sees.
type devInstances struct {
	emu    *awsEmulator
	region string
	nodes  kubernetes.Interface
}

// watch registers the instances of the cluster's Nodes until ctx ends.
func (d *devInstances) watch(ctx context.Context, cfg *rest.Config) error {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	d.nodes = cs
	return watchNodes(ctx, cfg, cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { d.add(obj) },
		UpdateFunc: func(_, obj any) { d.add(obj) },
	})
}

// add registers a Node's instance (again, as AddInstance replaces it) and names it in
// spec.providerID when the Node has none.
func (d *devInstances) add(obj any) {
	n, ok := obj.(*corev1.Node)
	if !ok {
		return
	}
	zone, id := d.instanceOf(n)
	d.emu.addInstance(d.region, zone, id, nodeIP(n))
	if n.Spec.ProviderID != "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	patch := fmt.Sprintf(`{"spec":{"providerID":%q}}`, "aws:///"+zone+"/"+id)
	// A failure leaves the Node without an instance ID: its load balancer then says so.
	_, _ = d.nodes.CoreV1().Nodes().Patch(ctx, n.Name, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
}

// instanceOf returns the zone and instance ID of a Node: those of its spec.providerID,
// else its topology zone (a zone of the emulated region, else its first) and an ID made
// from its name, the same on every run.
func (d *devInstances) instanceOf(n *corev1.Node) (zone, id string) {
	zone = n.Labels[corev1.LabelTopologyZone]
	if got, ok := aws.InstanceID(n.Spec.ProviderID); ok {
		id = got
		zone = strings.TrimSuffix(strings.TrimPrefix(n.Spec.ProviderID, "aws:///"), "/"+got)
	} else {
		id = "i-" + hexID("node/"+n.Name)
	}
	if letter := strings.TrimPrefix(zone, d.region); len(zone) != len(d.region)+1 || !strings.Contains("abc", letter) {
		zone = d.region + "a" // the seeded subnets are in zones a, b and c
	}
	return zone, id
}
