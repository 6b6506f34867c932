package loadbalancer

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/internal/text"
	"github.com/portico-dev/portico/providers"
)

// The status is computed in memory by the pure setters of this file, one per condition, from
// a copy of the stored status, and written once at the end of a reconcile (writeStatus).
// Fields another controller writes, such as status.members, are never touched here, so the
// merge patch of the write leaves them alone.

// computeStatus sets every field this controller owns from one Ensure: the conditions, what
// the provider observed, and where the load balancer lives (the new place once a move
// succeeded, the old one until then).
func (r *Reconciler) computeStatus(status *v1alpha1.LoadBalancerStatus, lb *v1alpha1.LoadBalancer, p place, observed *providers.Observed, want *providers.Desired, err error) {
	setAccepted(status, lb.Generation, lb.Spec.Provider, nil)
	setObserved(status, lb, observed, keepsObservation(observed, err, p.moving()))
	setProgrammed(status, lb.Generation, err, r.nextStep(err))
	setReady(status, lb.Generation, want)
	setPending(status, lb.Generation, observed)
	status.Provider, status.Location = p.fromProvider, p.from.Location
	if err == nil {
		status.Provider, status.Location = p.toProvider, p.to.Location
	}
}

// setAccepted says whether this controller runs the provider the load balancer asks for.
func setAccepted(status *v1alpha1.LoadBalancerStatus, gen int64, provider string, enabled []string) {
	if enabled == nil {
		setCondition(status, gen, v1alpha1.ConditionAccepted, metav1.ConditionTrue, v1alpha1.ReasonAccepted,
			fmt.Sprintf("provider %s serves the load balancer", provider))
		return
	}
	setCondition(status, gen, v1alpha1.ConditionAccepted, metav1.ConditionFalse, v1alpha1.ReasonProviderNotEnabled,
		notEnabled(provider, enabled))
}

// setProgrammed says whether the provider's resources (in the cloud, or nginx's
// configuration) match the spec: True with the resource count, or False with the reason of
// err and what happens next.
func setProgrammed(status *v1alpha1.LoadBalancerStatus, gen int64, err error, next string) {
	if err == nil {
		setCondition(status, gen, v1alpha1.ConditionProgrammed, metav1.ConditionTrue, v1alpha1.ReasonProgrammed,
			fmt.Sprintf("the provider's %d resources match the spec", status.ResourceCount))
		return
	}
	msg := err.Error()
	if next != "" {
		msg += "; " + next
	}
	setCondition(status, gen, v1alpha1.ConditionProgrammed, metav1.ConditionFalse, providers.ReasonOf(err), msg)
}

// setReady says whether traffic can flow: programmed, and every backend has a target.
func setReady(status *v1alpha1.LoadBalancerStatus, gen int64, want *providers.Desired) {
	if !meta.IsStatusConditionTrue(status.Conditions, v1alpha1.ConditionProgrammed) {
		status.UnreadyBackends = nil
		setCondition(status, gen, v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ReasonNotProgrammed,
			"the load balancer is not programmed; see the Programmed condition")
		return
	}
	empty := backendsWithoutTargets(want)
	status.UnreadyBackends = empty
	if len(empty) > 0 {
		setCondition(status, gen, v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ReasonNoReadyTargets,
			"no ready target for backend "+strings.Join(empty, ", ")+": check the Services' endpoints (or nodes, for target type instance)")
		return
	}
	setCondition(status, gen, v1alpha1.ConditionReady, metav1.ConditionTrue, v1alpha1.ReasonReady,
		"programmed, and every backend has ready targets")
}

// setPending turns Ready False while the cloud is still bringing the load balancer up,
// whatever the targets say: nothing serves until it is up.
func setPending(status *v1alpha1.LoadBalancerStatus, gen int64, observed *providers.Observed) {
	if observed == nil || observed.Pending == "" || !meta.IsStatusConditionTrue(status.Conditions, v1alpha1.ConditionProgrammed) {
		return
	}
	setCondition(status, gen, v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ReasonProvisioning, observed.Pending)
}

// setObserved copies what the provider observed into the status, when keep says it should,
// and the counts and generation of the spec.
func setObserved(status *v1alpha1.LoadBalancerStatus, lb *v1alpha1.LoadBalancer, observed *providers.Observed, keep bool) {
	status.ObservedGeneration = lb.Generation
	status.MemberCount = int32(len(lb.Spec.Members))
	if keep && observed != nil {
		status.Addresses = observed.Addresses
		status.Ports = observed.Ports
		status.Resources = observed.Resources
		status.ResourceCount = int32(len(observed.Resources))
	} else if observed != nil && len(observed.Changes) > 0 {
		status.Resources = slices.Clone(status.Resources)
		forgetChanged(status.Resources, observed.Changes)
	}
	status.Address = ""
	if len(status.Addresses) > 0 {
		status.Address = status.Addresses[0].IP
		if status.Address == "" {
			status.Address = status.Addresses[0].Hostname
		}
	}
}

// forgetChanged clears the fingerprint of each resource the provider changed without
// observing it after: what the fingerprint vouches for may no longer hold, and a restarted
// provider must read it rather than trust it.
func forgetChanged(resources []v1alpha1.CloudResource, changes []providers.Change) {
	for _, c := range changes {
		for i := range resources {
			if resources[i].Kind == c.Kind && resources[i].Name == c.Name {
				resources[i].Fingerprint = ""
			}
		}
	}
}

// keepsObservation decides whether what the provider observed replaces the status. After a
// failure it does only when the provider saw resources, and the load balancer is not moving
// to another provider or location: a failed read sees nothing, and during a failed move the
// former place still serves. Either way, the last known address stays where users look.
func keepsObservation(observed *providers.Observed, err error, moving bool) bool {
	if observed == nil {
		return false
	}
	return err == nil || (len(observed.Resources) > 0 && !moving)
}

func notEnabled(provider string, enabled []string) string {
	return fmt.Sprintf("provider %s is not enabled in this controller, which runs %s", provider, strings.Join(enabled, ", "))
}

func setCondition(status *v1alpha1.LoadBalancerStatus, gen int64, typ string, s metav1.ConditionStatus, reason, msg string) {
	meta.SetStatusCondition(&status.Conditions, metav1.Condition{
		Type: typ, Status: s, Reason: reason, Message: text.Truncate(msg, maxConditionMessage), ObservedGeneration: gen,
	})
}

func backendsWithoutTargets(want *providers.Desired) []string {
	var empty []string
	for _, be := range want.Spec.Backends {
		if len(want.Targets[be.Name]) == 0 {
			empty = append(empty, be.Name)
		}
	}
	sort.Strings(empty)
	return empty
}

// maxConditionMessage keeps a condition message well within the API's 32 KiB limit.
const maxConditionMessage = 4096
