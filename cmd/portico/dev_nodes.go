package main

import (
	"cmp"
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
)

// devVMs gives each Node of the dev cluster a VM in gcptest, named after it in its zone, as
// GKE does: the gcp provider puts a node's VM of that name into the zone's instance group
// for a backend of target type instance, and Google refuses an instance that does not exist.
// The VM comes and goes with the Node.
type devVMs struct {
	srv     *gcptest.Server
	project string
}

// watch registers the VMs of the cluster's Nodes until ctx ends.
func (v devVMs) watch(ctx context.Context, cfg *rest.Config) error {
	return watchNodes(ctx, cfg, cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { v.add(obj) },
		UpdateFunc: func(old, obj any) { v.update(old, obj) },
		DeleteFunc: func(obj any) { v.remove(obj) },
	})
}

// watchNodes tells h about the cluster's Nodes until ctx ends, from the Nodes there are
// once it returns.
func watchNodes(ctx context.Context, cfg *rest.Config, h cache.ResourceEventHandler) error {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	factory := informers.NewSharedInformerFactory(cs, 0)
	if _, err := factory.Core().V1().Nodes().Informer().AddEventHandler(h); err != nil {
		return err
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	return nil
}

func (v devVMs) add(obj any) {
	if n, ok := obj.(*corev1.Node); ok {
		v.srv.AddInstance(v.project, nodeZone(n), n.Name, nodeIP(n))
	}
}

// update moves a VM whose Node changed zone or address: a real VM keeps both, but a Node
// applied again with other labels should not leave a VM where the provider no longer looks.
func (v devVMs) update(old, obj any) {
	o, ok1 := old.(*corev1.Node)
	n, ok2 := obj.(*corev1.Node)
	if !ok1 || !ok2 || (nodeZone(o) == nodeZone(n) && nodeIP(o) == nodeIP(n)) {
		return
	}
	v.srv.RemoveInstance(v.project, nodeZone(o), o.Name)
	v.add(n)
}

func (v devVMs) remove(obj any) {
	if gone, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = gone.Obj
	}
	if n, ok := obj.(*corev1.Node); ok {
		v.srv.RemoveInstance(v.project, nodeZone(n), n.Name)
	}
}

// nodeZone is the zone the controller gives the Node's targets: its topology label, else
// the provider's default zone.
func nodeZone(n *corev1.Node) string {
	return cmp.Or(n.Labels[corev1.LabelTopologyZone], gcp.DefaultZone)
}

// nodeIP is the Node's internal address, as the VM's network interface carries it.
func nodeIP(n *corev1.Node) string {
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return a.Address
		}
	}
	return ""
}
