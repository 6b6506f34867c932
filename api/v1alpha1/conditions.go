package v1alpha1

// Condition types of a LoadBalancer. Each is computed in memory and written once per
// reconcile; docs/status.md explains them and every reason.
const (
	// ConditionAccepted is True when the controller runs the provider the load balancer asks for.
	ConditionAccepted = "Accepted"
	// ConditionProgrammed is True when the provider made the cloud match the spec.
	ConditionProgrammed = "Programmed"
	// ConditionReady is True when the load balancer is programmed and every backend has a
	// target to send traffic to.
	ConditionReady = "Ready"
	// ConditionClaimed is set for a load balancer on a server it shares with others (nginx):
	// True when it serves every host (and the catch-all) it claims, False when an older
	// LoadBalancer won one of them; the message names the winner.
	ConditionClaimed = "Claimed"
)

// Condition reasons of a LoadBalancer. Provider errors add their own reasons to
// Programmed, such as CertificateInvalid or StaticAddressNotFound.
const (
	ReasonAccepted           = "Accepted"
	ReasonProviderNotEnabled = "ProviderNotEnabled"

	ReasonProgrammed  = "Programmed"
	ReasonRetrying    = "Retrying"
	ReasonInvalid     = "Invalid"
	ReasonQuota       = "QuotaExceeded"
	ReasonNotFound    = "NotFound"
	ReasonConflict    = "Conflict"
	ReasonDeleteError = "DeleteFailed"

	ReasonReady          = "Ready"
	ReasonNotProgrammed  = "NotProgrammed"
	ReasonNoReadyTargets = "NoReadyTargets"
	// ReasonProvisioning: the cloud is still bringing the load balancer up (an ALB takes a
	// few minutes); it serves no traffic yet.
	ReasonProvisioning = "Provisioning"

	ReasonClaimed        = "Claimed"
	ReasonClaimedByOlder = "ClaimedByOlder"
)

// Finalizer is the finalizer portico puts on member Ingresses and on LoadBalancers, so that
// routes and cloud resources are removed before the objects go.
const Finalizer = "portico.dev/cleanup"
