// Package retry is the provider kit's error classification and backoff: it turns the
// HTTP-style status a cloud API answered (both Google's compute API and AWS's speak in HTTP
// codes and a short machine reason) into the providers error kinds the controllers act on,
// and paces the polling of long-running operations on an injected clock.
//
// A provider extracts a Status from its SDK's error (googleapi.Error, smithy's
// ResponseError) and calls Classify; it never decides by itself what a 503 means, so that
// every cloud retries, waits and reports alike.
package retry

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/portico-dev/portico/providers"
)

// Status is what a cloud answered to one call, as the provider read it from its SDK error.
type Status struct {
	// Code is the HTTP status code.
	Code int
	// Reason is the cloud's machine reason, as it spells it: Google's errors[].reason
	// ("quotaExceeded", "alreadyExists", "resourceInUseByAnotherResource") or AWS's error
	// code ("Throttling", "LimitExceeded", "ResourceInUse"). It is compared without case.
	Reason string
	// Message is the cloud's message, shown to the user.
	Message string
	// RetryAfter is how long the cloud asked to wait (a Retry-After header), or 0.
	RetryAfter time.Duration
}

// Sentinels in the chain of a classified error, for the cases the caller resolves itself
// rather than by waiting; test them with errors.Is.
var (
	// ErrAlreadyExists: a create found the name taken (409). The caller reads the resource:
	// if its ownership record is this load balancer's, it adopts it (a crash after a create);
	// otherwise the name is another's and the error stands as a Conflict.
	ErrAlreadyExists = errors.New("the name is already taken")
	// ErrStale: an update's fingerprint or ETag no longer matches (412). The caller reads the
	// resource again and retries with the new fingerprint; waiting alone never fixes it.
	ErrStale = errors.New("the resource changed since it was read")
	// ErrInUse: a delete found the resource still referenced. Retried: the resource that
	// refers to it is being moved away (create-before-delete).
	ErrInUse = errors.New("the resource is still in use")
)

// Reasons of the conditions a classified error sets, documented in docs/status.md. Where
// the fake provider has a reason for the same cause, the name is the same.
const (
	ReasonThrottled        = "CloudThrottled"
	ReasonUnavailable      = "CloudUnavailable"
	ReasonQuotaExceeded    = "QuotaExceeded"
	ReasonPermissionDenied = "PermissionDenied"
	ReasonNameTaken        = "NameConflict"
	ReasonStale            = "ResourceChanged"
	ReasonInUse            = "ResourceInUse"
	ReasonCloudNotFound    = "ResourceNotFound"
	ReasonCloudRejected    = "ResourceInvalid"
	ReasonCloudError       = "CloudError"
)

// quotaReasons are the 403 (and 429, for AWS) reasons that a person must fix by raising a
// limit: waiting does not help, so they are Quota, not Retryable.
var quotaReasons = []string{
	"quotaexceeded", "limitexceeded", "dailylimitexceeded", "dailylimitexceededunreg",
	"toomanyloadbalancers", "toomanytargetgroups", "toomanyrules", "toomanylisteners",
	"toomanycertificates", "toomanytargets", "toomanyregistrationsfortargetid",
}

// throttleReasons are 403 (and 400, for AWS) reasons that only ask to slow down.
var throttleReasons = []string{
	"ratelimitexceeded", "userratelimitexceeded", "throttling", "throttlingexception",
	"requestlimitexceeded", "toomanyrequestsexception",
}

// inUseReasons are the reasons a delete gives for a resource still referenced.
var inUseReasons = []string{"resourceinusebyanotherresource", "resourceinuse"}

// alreadyExistsReasons are the reasons a create gives for a taken name.
var alreadyExistsReasons = []string{
	"alreadyexists", "duplicateloadbalancername", "duplicatetargetgroupname", "duplicatelistener",
	"invalidgroup.duplicate",
}

// Classify turns what the cloud answered to op (a few words: "insert backend service
// bs-x") into a providers error. It returns nil for a 2xx status.
func Classify(op string, s Status) error {
	if s.Code >= 200 && s.Code < 300 {
		return nil
	}
	reason := strings.ToLower(s.Reason)
	cause := &cloudError{Status: s}
	switch {
	case slices.Contains(quotaReasons, reason):
		return providers.Quota(ReasonQuotaExceeded, cause, "%s: a cloud quota or limit is reached; raise it or remove unused resources", op)
	case slices.Contains(throttleReasons, reason), s.Code == 429:
		return retryAfter(providers.Retryable(ReasonThrottled, cause, "%s: the cloud throttled the call", op), s)
	case slices.Contains(inUseReasons, reason):
		return retryAfter(providers.Retryable(ReasonInUse, wrap(ErrInUse, cause), "%s: the resource is still in use", op), s)
	case s.Code >= 500:
		return retryAfter(providers.Retryable(ReasonUnavailable, cause, "%s: the cloud failed (%d)", op, s.Code), s)
	}
	return classifyClientError(op, s, reason, cause)
}

// classifyClientError classifies the 4xx statuses that are not throttling, quota or in-use.
func classifyClientError(op string, s Status, reason string, cause *cloudError) error {
	switch {
	case s.Code == 409 && (reason == "" || slices.Contains(alreadyExistsReasons, reason)):
		return providers.Conflict(ReasonNameTaken, wrap(ErrAlreadyExists, cause), "%s: the name is taken by a resource this load balancer may not own", op)
	case slices.Contains(alreadyExistsReasons, reason):
		return providers.Conflict(ReasonNameTaken, wrap(ErrAlreadyExists, cause), "%s: the name is taken by a resource this load balancer may not own", op)
	case s.Code == 409:
		// Google answers 409 resourceNotReady while an operation on the resource runs.
		return retryAfter(providers.Retryable(ReasonUnavailable, cause, "%s: the resource is busy", op), s)
	case s.Code == 412:
		return providers.Retryable(ReasonStale, wrap(ErrStale, cause), "%s: the resource changed since it was read; read it again", op)
	case s.Code == 404:
		return providers.NotFound(ReasonCloudNotFound, cause, "%s: not found", op)
	case s.Code == 401 || s.Code == 403:
		// Credentials or IAM: fixed outside Kubernetes and never announced, so retried
		// with the slow, growing backoff of a Conflict rather than given up on.
		return providers.Conflict(ReasonPermissionDenied, cause, "%s: permission denied; check the controller's credentials and IAM permissions (docs/install.md)", op)
	case s.Code == 400 || s.Code == 422:
		return providers.Invalid(ReasonCloudRejected, cause, "%s: the cloud refused the request", op)
	}
	return providers.Retryable(ReasonCloudError, cause, "%s: unexpected answer %d from the cloud", op, s.Code)
}

func retryAfter(e *providers.Error, s Status) *providers.Error {
	e.RetryAfter = s.RetryAfter
	return e
}

// cloudError is the cloud's own answer, kept in the chain for logs and messages.
type cloudError struct{ Status }

func (e *cloudError) Error() string {
	msg := fmt.Sprintf("%d", e.Code)
	if e.Reason != "" {
		msg += " " + e.Reason
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// wrap puts a sentinel and the cloud's answer in one chain.
func wrap(sentinel error, cause error) error {
	return fmt.Errorf("%w (%w)", sentinel, cause)
}

// StatusOf returns the cloud's answer in err's chain, if Classify made it.
func StatusOf(err error) (Status, bool) {
	var e *cloudError
	if errors.As(err, &e) {
		return e.Status, true
	}
	return Status{}, false
}
