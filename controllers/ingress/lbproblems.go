package ingress

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
)

// Reasons of the load balancer's problems as its members are told them.
const (
	// ReasonProgrammingFailed: the member's load balancer is not programmed; the message
	// has the provider's reason and what happens next.
	ReasonProgrammingFailed = "ProgrammingFailed"
	// ReasonNoReadyTargets: a backend the member routes to has no ready target.
	ReasonNoReadyTargets = "NoReadyTargets"
	// ReasonUnhealthyTargets: the cloud finds targets of a backend the member routes to
	// unhealthy.
	ReasonUnhealthyTargets = v1alpha1.ReasonUnhealthyTargets
)

// loadBalancerProblems returns what is wrong with the load balancer that serves a member, as
// problems of that member, so that it is told with the member's own problems and again for
// as long as it lasts: a failed programming, each backend it routes to that has no ready
// target, and each whose targets the cloud finds unhealthy.
func loadBalancerProblems(lb *v1alpha1.LoadBalancer, id types.NamespacedName) []model.Problem {
	if lb == nil {
		return nil
	}
	field := "LoadBalancer " + lb.Name
	var out []model.Problem
	if c := meta.FindStatusCondition(lb.Status.Conditions, v1alpha1.ConditionProgrammed); c != nil && c.Status == metav1.ConditionFalse {
		out = append(out, model.Problem{Ingress: id, Field: field, Severity: model.SeverityWarning, Reason: ReasonProgrammingFailed,
			Message: fmt.Sprintf("%s: %s", c.Reason, c.Message)})
	}
	for _, b := range backendsOf(lb, id) {
		if slices.Contains(lb.Status.UnreadyBackends, b.Name) {
			out = append(out, model.Problem{Ingress: id, Field: field, Severity: model.SeverityWarning, Reason: ReasonNoReadyTargets,
				Message: fmt.Sprintf("Service %s/%s (backend %s) has no ready endpoint, so requests routed to it fail with 503; check its pods' readiness and selector",
					b.Service.Namespace, b.Service.Name, b.Name)})
		}
		if slices.Contains(lb.Status.UnhealthyBackends, b.Name) {
			out = append(out, model.Problem{Ingress: id, Field: field, Severity: model.SeverityWarning, Reason: ReasonUnhealthyTargets,
				Message: fmt.Sprintf("the cloud's health checks find endpoints of Service %s/%s (backend %s) unhealthy; see the Ready condition of LoadBalancer %s for which, and what to check",
					b.Service.Namespace, b.Service.Name, b.Name, lb.Name)})
		}
	}
	return out
}

// backendsOf returns the backends a member routes to: its path rules and, when it set it,
// the default backend.
func backendsOf(lb *v1alpha1.LoadBalancer, id types.NamespacedName) []v1alpha1.Backend {
	owner := id.String()
	names := map[string]bool{}
	for _, r := range lb.Spec.Rules {
		for _, p := range r.Paths {
			if p.Ingress == owner {
				names[p.Backend] = true
			}
		}
	}
	for _, c := range lb.Spec.Claims {
		if c.Setting == v1alpha1.SettingDefaultBackend && c.Ingress == owner {
			names[c.Value] = true
		}
	}
	var out []v1alpha1.Backend
	for _, b := range lb.Spec.Backends {
		if names[b.Name] {
			out = append(out, b)
		}
	}
	return out
}
