package loadbalancer

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// computeStatus sets the status from what the provider observed and the error it returned.
// It is pure: the same inputs give the same status, so an unchanged load balancer writes
// nothing.
func computeStatus(status *v1alpha1.LoadBalancerStatus, lb *v1alpha1.LoadBalancer, observed *providers.Observed, want *providers.Desired, err error, slowRetry time.Duration) {
	gen := lb.Generation
	status.ObservedGeneration = gen
	status.MemberCount = int32(len(lb.Spec.Members))
	setCondition(status, gen, v1alpha1.ConditionAccepted, metav1.ConditionTrue, v1alpha1.ReasonAccepted,
		fmt.Sprintf("provider %s serves the load balancer", lb.Spec.Provider))
	if keepsObservation(status, lb, observed, err) {
		status.Addresses = observed.Addresses
		status.Ports = observed.Ports
		status.Resources = observed.Resources
		status.ResourceCount = int32(len(observed.Resources))
	}
	status.Address = ""
	if len(status.Addresses) > 0 {
		status.Address = status.Addresses[0].IP
		if status.Address == "" {
			status.Address = status.Addresses[0].Hostname
		}
	}
	if err != nil {
		setProgrammed(status, gen, metav1.ConditionFalse, programmedReason(err), providerMessage(err, slowRetry))
		setCondition(status, gen, v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ReasonNotProgrammed,
			"the load balancer is not programmed; see the Programmed condition")
		return
	}
	setProgrammed(status, gen, metav1.ConditionTrue, v1alpha1.ReasonProgrammed,
		fmt.Sprintf("the cloud matches the spec: %d resources", status.ResourceCount))
	if empty := backendsWithoutTargets(want); len(empty) > 0 {
		setCondition(status, gen, v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ReasonNoReadyTargets,
			"no ready target for backend "+strings.Join(empty, ", ")+": check the Services' endpoints (or nodes, for target type instance)")
		return
	}
	setCondition(status, gen, v1alpha1.ConditionReady, metav1.ConditionTrue, v1alpha1.ReasonReady,
		"programmed, and every backend has ready targets")
}

// keepsObservation decides whether what the provider observed replaces the status. After a
// failure it does only when the provider saw resources, and the load balancer is not moving
// to another provider: a failed read sees nothing, and during a failed move the former
// provider still serves. Either way, the last known address stays where users look for it.
func keepsObservation(status *v1alpha1.LoadBalancerStatus, lb *v1alpha1.LoadBalancer, observed *providers.Observed, err error) bool {
	if observed == nil {
		return false
	}
	if err == nil {
		return true
	}
	moving := status.Provider != "" && status.Provider != lb.Spec.Provider
	return len(observed.Resources) > 0 && !moving
}

// setNotAccepted reports a provider that this controller does not run.
func setNotAccepted(status *v1alpha1.LoadBalancerStatus, gen int64, provider string, enabled []string) {
	msg := fmt.Sprintf("provider %s is not enabled in this controller, which runs %s", provider, strings.Join(enabled, ", "))
	setCondition(status, gen, v1alpha1.ConditionAccepted, metav1.ConditionFalse, v1alpha1.ReasonProviderNotEnabled, msg)
	setProgrammed(status, gen, metav1.ConditionFalse, v1alpha1.ReasonProviderNotEnabled, msg)
	setCondition(status, gen, v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ReasonNotProgrammed, msg)
	status.ObservedGeneration = gen
}

func setProgrammed(status *v1alpha1.LoadBalancerStatus, gen int64, s metav1.ConditionStatus, reason, msg string) {
	setCondition(status, gen, v1alpha1.ConditionProgrammed, s, reason, msg)
}

func setCondition(status *v1alpha1.LoadBalancerStatus, gen int64, typ string, s metav1.ConditionStatus, reason, msg string) {
	meta.SetStatusCondition(&status.Conditions, metav1.Condition{
		Type: typ, Status: s, Reason: reason, Message: truncate(msg), ObservedGeneration: gen,
	})
}

// programmedReason is the provider's reason, or the generic reason of the error's kind.
func programmedReason(err error) string {
	if e, ok := providers.AsError(err); ok && e.Reason != "" {
		return e.Reason
	}
	switch {
	case providers.IsInvalid(err):
		return v1alpha1.ReasonInvalid
	case providers.IsQuota(err):
		return v1alpha1.ReasonQuota
	case providers.IsNotFound(err):
		return v1alpha1.ReasonNotFound
	}
	return v1alpha1.ReasonRetrying
}

// providerMessage says what failed and what happens next.
func providerMessage(err error, slowRetry time.Duration) string {
	every := "retried every " + retryAfter(err, slowRetry).String()
	switch {
	case providers.IsInvalid(err):
		return err.Error() + "; waiting for the spec to change"
	case providers.IsQuota(err):
		return err.Error() + "; " + every + " until the quota allows it"
	case providers.IsNotFound(err):
		return err.Error() + "; " + every
	}
	return err.Error() + "; retried with backoff"
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

// truncate keeps a condition message within the API's 32 KiB limit with room to spare.
func truncate(s string) string {
	const max = 4096
	if len(s) > max {
		return s[:max-3] + "..."
	}
	return s
}
