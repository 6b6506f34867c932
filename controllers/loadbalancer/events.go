package loadbalancer

import (
	"context"
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/text"
	"github.com/portico-dev/portico/providers"
)

// Event reasons on LoadBalancers and their member Ingresses.
const (
	ReasonResourceCreated = "ResourceCreated"
	ReasonResourceUpdated = "ResourceUpdated"
	ReasonResourceDeleted = "ResourceDeleted"
)

var changeReasons = map[string]string{
	providers.OpCreate: ReasonResourceCreated,
	providers.OpUpdate: ReasonResourceUpdated,
	providers.OpDelete: ReasonResourceDeleted,
}

// announce tells the LoadBalancer and each member Ingress about every cloud resource the
// provider created, changed or deleted. Changes happen only when something changed, so a
// resync with nothing changed emits nothing.
func (r *Reconciler) announce(ctx context.Context, lb *v1alpha1.LoadBalancer, observed *providers.Observed) {
	changes := newsOf(lb, observed)
	if len(changes) == 0 {
		return
	}
	targets := r.audience(ctx, lb)
	for _, c := range changes {
		note := fmt.Sprintf("%s %s %s in provider %s", pastTense(c.Op), c.Kind, c.Name, lb.Spec.Provider)
		if c.Detail != "" {
			note += ": " + c.Detail
		}
		// The action names the resource: Events with the same action and reason merge into
		// one series that keeps only the first note.
		action := actionFor(c.Op, c.Kind+"/"+c.Name)
		for _, obj := range targets {
			r.Recorder.Eventf(obj, nil, "Normal", changeReasons[c.Op], action, "%s", text.Truncate(note, maxNote))
		}
	}
}

// newsOf drops the creations a user cannot tell from what was there: a resource that the
// status already lists with the same name and id. A real cloud gives a recreated resource a
// new id, so its Event is sent; the fake cloud of a restarted controller recreates every
// resource with the same name and id, and a restart then changes nothing a user can see.
func newsOf(lb *v1alpha1.LoadBalancer, observed *providers.Observed) []providers.Change {
	if observed == nil {
		return nil
	}
	type key struct{ kind, name string }
	known := map[key]string{}
	for _, res := range lb.Status.Resources {
		known[key{res.Kind, res.Name}] = res.ID
	}
	now := map[key]string{}
	for _, res := range observed.Resources {
		now[key{res.Kind, res.Name}] = res.ID
	}
	var out []providers.Change
	for _, c := range observed.Changes {
		k := key{c.Kind, c.Name}
		if c.Op == providers.OpCreate && known[k] != "" && known[k] == now[k] {
			continue
		}
		out = append(out, c)
	}
	return out
}

// audience is who hears about a load balancer: the LoadBalancer and its member Ingresses.
func (r *Reconciler) audience(ctx context.Context, lb *v1alpha1.LoadBalancer) []runtime.Object {
	out := []runtime.Object{lb}
	for _, m := range lb.Spec.Members {
		ing := &networkingv1.Ingress{}
		if err := r.Client.Get(ctx, client.ObjectKey{Namespace: m.Namespace, Name: m.Name}, ing); err == nil {
			out = append(out, ing)
		}
	}
	return out
}

// deleteEventOn tells the LoadBalancer about a deletion of cloud resources.
func (r *Reconciler) deleteEventOn(lb *v1alpha1.LoadBalancer, eventType, reason, format string, args ...any) {
	note := text.Truncate(fmt.Sprintf(format, args...), maxNote)
	r.Recorder.Eventf(lb, nil, eventType, reason, actionFor(providers.OpDelete, note), "%s", note)
}

// actionFor makes an Event action that tells Events apart: the events API merges Events of
// one object with equal type, reason and action into a series and keeps the first note only.
func actionFor(verb, subject string) string {
	a := verb + " " + subject
	if len(a) > 128 {
		a = a[:128]
	}
	return a
}

func pastTense(op string) string {
	switch op {
	case providers.OpCreate:
		return "created"
	case providers.OpUpdate:
		return "updated"
	case providers.OpDelete:
		return "deleted"
	}
	return op
}

// Event reasons for the Programmed condition changing.
const (
	ReasonProgrammingFailed = "ProgrammingFailed"
	ReasonNowProgrammed     = "Programmed"
)

// announceTransition tells the LoadBalancer and its members when programming starts to fail,
// fails differently, or recovers. A failure that repeats unchanged is told once.
func (r *Reconciler) announceTransition(ctx context.Context, lb *v1alpha1.LoadBalancer, before, after *v1alpha1.LoadBalancerStatus) {
	old := meta.FindStatusCondition(before.Conditions, v1alpha1.ConditionProgrammed)
	cur := meta.FindStatusCondition(after.Conditions, v1alpha1.ConditionProgrammed)
	if cur == nil || (old != nil && old.Status == cur.Status && old.Reason == cur.Reason && old.Message == cur.Message) {
		return
	}
	eventType, reason := "Warning", ReasonProgrammingFailed
	if cur.Status == metav1.ConditionTrue {
		if old == nil || old.Status == metav1.ConditionTrue {
			return // first success: the ResourceCreated Events say it all
		}
		eventType, reason = "Normal", ReasonNowProgrammed
	}
	note := text.Truncate(fmt.Sprintf("%s: %s", cur.Reason, cur.Message), maxNote)
	action := actionFor(cur.Reason, note)
	audience := r.audience(ctx, lb)
	if eventType == "Warning" {
		// The members hear of a standing failure from the ingress controller, again for as
		// long as it lasts (see controllers/ingress loadBalancerProblems).
		audience = audience[:1]
	}
	for _, obj := range audience {
		r.Recorder.Eventf(obj, nil, eventType, reason, action, "%s", note)
	}
}

// maxNote is below the 1 KiB limit the API server puts on an Event's note.
const maxNote = 1000
