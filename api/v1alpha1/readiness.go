package v1alpha1

// PodConditionLoadBalancerReady is portico's pod readiness gate, as GKE's
// cloud.google.com/load-balancer-neg-ready is its own. A pod whose spec.readinessGates name
// it stays unready until its endpoint is healthy in the cloud for every load balancer of
// target type ip that routes to it; portico then sets the condition True. Its endpoints are
// attached while it is unready, so that the cloud's health checks can reach them.
const PodConditionLoadBalancerReady = "portico.dev/load-balancer-ready"

// Reasons of the PodConditionLoadBalancerReady condition.
const (
	// ReasonLoadBalancerHealthy: every load balancer routing to the pod finds it healthy.
	ReasonLoadBalancerHealthy = "LoadBalancerHealthy"
	// ReasonNoLoadBalancer: no portico load balancer of target type ip routes to the pod,
	// so nothing holds it.
	ReasonNoLoadBalancer = "NoLoadBalancer"
	// ReasonWaitingForHealth: a load balancer routes to the pod and has not found it
	// healthy yet.
	ReasonWaitingForHealth = "WaitingForHealth"
)

// ReasonUnhealthyTargets on the Ready condition: the cloud's health checks fail on targets
// of a backend.
const ReasonUnhealthyTargets = "UnhealthyTargets"
