package ingress

import (
	"context"
	"fmt"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/patch"
	"github.com/portico-dev/portico/model"
)

// syncMember brings one Ingress of the group up to date: the finalizer, the annotation that
// names its LoadBalancer, the address in its status, and Events for its problems. It writes
// only what differs, and returns when its standing problems must be told again.
func (r *Reconciler) syncMember(ctx context.Context, ing *networkingv1.Ingress, m model.Member, res *model.Result, lb *v1alpha1.LoadBalancer) (time.Duration, error) {
	problems := res.ProblemsOf(m.Ingress)
	if m.Accepted && lb != nil && m.State != v1alpha1.MemberMoving {
		problems = append(problems, loadBalancerProblems(lb, m.Ingress)...)
	}
	refresh := r.reportProblems(ctx, ing, problems)
	current := ing.Annotations[model.AnnotationLoadBalancer]
	switch {
	case m.State == v1alpha1.MemberMoving:
		// The load balancer it moves to takes it over once that one is Programmed.
		return refresh, nil
	case m.Accepted && lb != nil && current != "" && current != lb.Name:
		return refresh, r.join(ctx, ing, current, lb)
	case m.Accepted && lb != nil:
		return refresh, r.serve(ctx, ing, lb)
	case current == "" || current == res.Name:
		// Nothing serves it: no address, and no finalizer is added for it.
		if _, err := r.syncMetadata(ctx, ing, ""); err != nil {
			return refresh, err
		}
		return refresh, r.syncStatus(ctx, ing, networkingv1.IngressLoadBalancerStatus{})
	}
	// Rejected here while another load balancer still serves it: that one keeps it.
	return refresh, nil
}

// serve points the Ingress at its LoadBalancer and copies the address into its status.
func (r *Reconciler) serve(ctx context.Context, ing *networkingv1.Ingress, lb *v1alpha1.LoadBalancer) error {
	assigned, err := r.syncMetadata(ctx, ing, lb.Name)
	if err != nil {
		return err
	}
	if assigned && r.memory.changed(ing.UID, "loadbalancer", lb.Name) {
		r.event(ing, "Normal", ReasonLoadBalancerAssigned, "Assign "+lb.Name,
			"served by LoadBalancer %s; run kubectl describe loadbalancer %s to see its cloud resources", lb.Name, lb.Name)
	}
	return r.syncStatus(ctx, ing, ingressStatusOf(lb))
}

// join moves an Ingress from the load balancer that serves it (from) to lb: create before
// delete. Until lb is Programmed, from keeps serving it and its annotation and address stay;
// then it switches, after a Warning that says which address it leaves.
func (r *Reconciler) join(ctx context.Context, ing *networkingv1.Ingress, from string, lb *v1alpha1.LoadBalancer) error {
	old := &v1alpha1.LoadBalancer{}
	err := r.Client.Get(ctx, client.ObjectKey{Name: from}, old)
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("reading LoadBalancer %s: %w", from, err)
	}
	oldServes := err == nil && old.DeletionTimestamp == nil
	if oldServes && !meta.IsStatusConditionTrue(lb.Status.Conditions, v1alpha1.ConditionProgrammed) {
		if r.memory.changed(ing.UID, "joining", lb.Name) {
			r.event(ing, "Warning", model.ReasonLoadBalancerChanging, "Move to "+lb.Name,
				"the Ingress moves from LoadBalancer %s to %s; %s keeps serving it on %s until %s is Programmed, then the address changes",
				from, lb.Name, from, orNone(old.Status.Address), lb.Name)
		}
		return nil
	}
	if oldServes {
		r.event(ing, "Warning", ReasonAddressChanging, "Switch to "+lb.Name,
			"LoadBalancer %s is Programmed and now serves the Ingress on %s; %s stops serving it (address %s) and is deleted if no other Ingress uses it",
			lb.Name, orNone(lb.Status.Address), from, orNone(old.Status.Address))
	}
	return r.serve(ctx, ing, lb)
}

func orNone(addr string) string {
	if addr == "" {
		return "no address yet"
	}
	return addr
}

// syncMetadata ensures the annotation that names the Ingress's LoadBalancer, and the
// finalizer while a load balancer serves it. It reports whether the Ingress was newly
// assigned to its LoadBalancer.
func (r *Reconciler) syncMetadata(ctx context.Context, ing *networkingv1.Ingress, lbName string) (bool, error) {
	current := ing.Annotations[model.AnnotationLoadBalancer]
	hasFinalizer := controllerutil.ContainsFinalizer(ing, v1alpha1.Finalizer)
	if current == lbName && (hasFinalizer || lbName == "") {
		return false, nil
	}
	change := patch.Locked(ing)
	if lbName == "" {
		delete(ing.Annotations, model.AnnotationLoadBalancer)
	} else {
		controllerutil.AddFinalizer(ing, v1alpha1.Finalizer)
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
