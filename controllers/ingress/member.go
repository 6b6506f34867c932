package ingress

import (
	"context"
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/patch"
	"github.com/portico-dev/portico/model"
)

// syncMember brings one Ingress of the group up to date: the finalizer, the annotation that
// names its LoadBalancer, the address in its status, and Events for its problems. It writes
// only what differs.
func (r *Reconciler) syncMember(ctx context.Context, ing *networkingv1.Ingress, accepted bool, res *model.Result, lb *v1alpha1.LoadBalancer) error {
	lbName := ""
	if accepted && lb != nil {
		lbName = lb.Name
	}
	assigned, err := r.syncMetadata(ctx, ing, lbName)
	if err != nil {
		return err
	}
	if assigned && r.memory.changed(ing.UID, "loadbalancer", lbName) {
		r.event(ing, "Normal", ReasonLoadBalancerAssigned, "Assign "+lbName,
			"served by LoadBalancer %s; run kubectl describe loadbalancer %s to see its cloud resources", lbName, lbName)
	}
	id := types.NamespacedName{Namespace: ing.Namespace, Name: ing.Name}
	r.reportProblems(ctx, ing, res.ProblemsOf(id))
	want := networkingv1.IngressLoadBalancerStatus{}
	if lbName != "" {
		want = ingressStatusOf(lb)
	}
	return r.syncStatus(ctx, ing, want)
}

// syncMetadata ensures the finalizer and the load-balancer annotation. It reports whether
// the Ingress was newly assigned to its LoadBalancer.
func (r *Reconciler) syncMetadata(ctx context.Context, ing *networkingv1.Ingress, lbName string) (bool, error) {
	current := ing.Annotations[model.AnnotationLoadBalancer]
	if controllerutil.ContainsFinalizer(ing, v1alpha1.Finalizer) && current == lbName {
		return false, nil
	}
	change := patch.Locked(ing)
	controllerutil.AddFinalizer(ing, v1alpha1.Finalizer)
	if lbName == "" {
		delete(ing.Annotations, model.AnnotationLoadBalancer)
	} else {
		if ing.Annotations == nil {
			ing.Annotations = map[string]string{}
		}
		ing.Annotations[model.AnnotationLoadBalancer] = lbName
	}
	if err := r.Client.Patch(ctx, ing, change); err != nil {
		return false, fmt.Errorf("setting the finalizer and annotation: %w", err)
	}
	return lbName != "" && current != lbName, nil
}

// syncStatus writes the Ingress's status.loadBalancer when it differs, and tells the user
// when the address appears or changes.
func (r *Reconciler) syncStatus(ctx context.Context, ing *networkingv1.Ingress, want networkingv1.IngressLoadBalancerStatus) error {
	if equality.Semantic.DeepEqual(ing.Status.LoadBalancer, want) {
		return nil
	}
	change := client.MergeFrom(ing.DeepCopy())
	ing.Status.LoadBalancer = want
	if err := r.Client.Status().Patch(ctx, ing, change); err != nil {
		return fmt.Errorf("writing the status: %w", err)
	}
	if addr := firstAddress(want); addr != "" && r.memory.changed(ing.UID, "address", addr+portErrors(want)) {
		r.event(ing, "Normal", ReasonAddressAssigned, "Assign "+addr+portErrors(want), "the load balancer answers on %s%s", addr, portErrors(want))
	}
	return nil
}

// ingressStatusOf turns a LoadBalancer's status into an Ingress's status.loadBalancer.
func ingressStatusOf(lb *v1alpha1.LoadBalancer) networkingv1.IngressLoadBalancerStatus {
	var ports []networkingv1.IngressPortStatus
	for _, p := range lb.Status.Ports {
		ps := networkingv1.IngressPortStatus{Port: p.Port, Protocol: "TCP"}
		if p.Error != "" {
			e := p.Error
			ps.Error = &e
		}
		ports = append(ports, ps)
	}
	out := networkingv1.IngressLoadBalancerStatus{}
	for _, a := range lb.Status.Addresses {
		out.Ingress = append(out.Ingress, networkingv1.IngressLoadBalancerIngress{IP: a.IP, Hostname: a.Hostname, Ports: ports})
	}
	return out
}

func firstAddress(s networkingv1.IngressLoadBalancerStatus) string {
	for _, i := range s.Ingress {
		if i.IP != "" {
			return i.IP
		}
		if i.Hostname != "" {
			return i.Hostname
		}
	}
	return ""
}

func portErrors(s networkingv1.IngressLoadBalancerStatus) string {
	out := ""
	for _, p := range s.Ingress[0].Ports {
		if p.Error != nil {
			out += fmt.Sprintf("; port %d fails: %s", p.Port, *p.Error)
		}
	}
	return out
}

// specEqual compares two LoadBalancer specs the way the API server stores them.
func specEqual(a, b v1alpha1.LoadBalancerSpec) bool {
	return equality.Semantic.DeepEqual(a, b)
}
