package loadbalancer

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// DefaultHealthPoll is how soon a load balancer is passed over again while the readiness
// gate holds one of its pods or the cloud finds a target unhealthy: health changes without
// any Kubernetes event, so only asking again sees it.
const DefaultHealthPoll = 5 * time.Second

// DefaultHealthResync is how often a load balancer whose provider reports health is passed
// over when nothing else asks: the cloud may find a target unhealthy without any
// Kubernetes event, and only a pass asks the provider.
const DefaultHealthResync = 10 * time.Minute

// sickBackend is a backend with targets the cloud finds unhealthy.
type sickBackend struct {
	name             string
	service          v1alpha1.ServiceRef
	path             string
	unhealthy, total int
	examples         []string
}

// maxExamples bounds the endpoints a report names.
const maxExamples = 5

// unhealthyBackends lists the backends with unhealthy targets, in spec order. A pod the
// readiness gate holds is left out: it is expected to be unhealthy until it has warmed up,
// and the gate keeps traffic from it meanwhile.
func unhealthyBackends(want *providers.Desired, health map[string][]providers.TargetHealth, held map[string][]heldPod) []sickBackend {
	var out []sickBackend
	for _, be := range want.Spec.Backends {
		warming := map[string]bool{}
		for _, p := range held[be.Name] {
			warming[p.ip] = true
		}
		s := sickBackend{name: be.Name, service: be.Service, path: "/", total: len(health[be.Name])}
		if be.HealthCheck != nil && be.HealthCheck.Path != "" {
			s.path = be.HealthCheck.Path
		}
		for _, t := range health[be.Name] {
			if t.State == providers.HealthUnhealthy && !warming[t.IP] {
				s.unhealthy++
				if len(s.examples) < maxExamples {
					s.examples = append(s.examples, fmt.Sprintf("%s:%d", t.IP, t.Port))
				}
			}
		}
		if s.unhealthy > 0 {
			out = append(out, s)
		}
	}
	return out
}

// summary says what is wrong with one backend.
func (s sickBackend) summary() string {
	svc := s.service.Name
	if s.service.PortName != "" {
		svc += ":" + s.service.PortName
	} else {
		svc += fmt.Sprintf(":%d", s.service.PortNumber)
	}
	more := ""
	if s.unhealthy > len(s.examples) {
		more = ", ..."
	}
	what := "backend " + s.name
	if full := s.service.Namespace + "/" + svc; full != s.name {
		what += " (Service " + full + ")"
	}
	return fmt.Sprintf("%s: %d of %d endpoints unhealthy in the cloud (%s%s), health check GET %s",
		what, s.unhealthy, s.total, strings.Join(s.examples, ", "), more, s.path)
}

// setHealthy turns a Ready condition that is True into False while the cloud finds targets
// unhealthy, naming each backend, how many of how many, and what to check.
func setHealthy(status *v1alpha1.LoadBalancerStatus, gen int64, sick []sickBackend, hint string) {
	status.UnhealthyBackends = nil
	if len(sick) == 0 || !meta.IsStatusConditionTrue(status.Conditions, v1alpha1.ConditionReady) {
		return
	}
	parts := make([]string, 0, len(sick))
	for _, s := range sick {
		parts = append(parts, s.summary())
		status.UnhealthyBackends = append(status.UnhealthyBackends, s.name)
	}
	setCondition(status, gen, v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ReasonUnhealthyTargets,
		strings.Join(parts, "; ")+"; "+hint)
}

// defaultHint is the hint of a provider that gives none.
const defaultHint = "check the health check path and port, and that the pods answer it with 200"

func hintOf(p providers.Provider) string {
	if h, ok := p.(providers.HealthHinter); ok {
		return h.HealthHint()
	}
	return defaultHint
}

// recordHealth keeps what the pass found for the readiness gate, and wakes the pods it
// holds so that they are evaluated against it.
func (r *Reconciler) recordHealth(lb string, health map[string][]providers.TargetHealth, targets *resolved) {
	if r.Health == nil {
		return
	}
	if health != nil {
		r.Health.Record(lb, health)
	}
	r.Health.Wake(heldPods(targets.held))
}

// healthPoll asks for another pass soon while the gate holds a pod the cloud has not found
// healthy yet, or a target is unhealthy, and after HealthResync when the provider reports
// the health of some target, unless the result already asks for one sooner.
func (r *Reconciler) healthPoll(res ctrl.Result, reported bool, health map[string][]providers.TargetHealth, targets *resolved, sick []sickBackend) ctrl.Result {
	var poll time.Duration
	switch {
	case len(sick) > 0 || waitingOnHealth(health, targets.held):
		poll = cmp.Or(r.HealthPoll, DefaultHealthPoll)
	case reported:
		poll = cmp.Or(r.HealthResync, DefaultHealthResync)
	default:
		return res
	}
	if res.RequeueAfter == 0 || res.RequeueAfter > poll {
		res.RequeueAfter = poll
	}
	return res
}

// pendingPoll asks for another pass soon while the cloud is still bringing the load
// balancer up: its state changes without any Kubernetes event.
func (r *Reconciler) pendingPoll(res ctrl.Result, observed *providers.Observed) ctrl.Result {
	if observed == nil || observed.Pending == "" {
		return res
	}
	poll := cmp.Or(r.HealthPoll, DefaultHealthPoll)
	if res.RequeueAfter == 0 || res.RequeueAfter > poll {
		res.RequeueAfter = poll
	}
	return res
}

// hasTargets reports whether a provider reported the health of any target: a load balancer
// without targets has no health to check again.
func hasTargets(health map[string][]providers.TargetHealth) bool {
	for _, ts := range health {
		if len(ts) > 0 {
			return true
		}
	}
	return false
}

// waitingOnHealth reports whether a held pod has a target not known healthy.
func waitingOnHealth(health map[string][]providers.TargetHealth, held map[string][]heldPod) bool {
	for backend, pods := range held {
		states := map[string]string{}
		for _, t := range health[backend] {
			if prev, ok := states[t.IP]; !ok || prev == providers.HealthHealthy {
				states[t.IP] = t.State
			}
		}
		for _, p := range pods {
			if states[p.ip] != providers.HealthHealthy {
				return true
			}
		}
	}
	return false
}
