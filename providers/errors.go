package providers

import (
	"errors"
	"fmt"
	"time"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// ErrorKind classifies a provider error by what the controller should do about it.
type ErrorKind string

const (
	// KindRetryable is a passing fault (throttling, 5xx, a resource still being created):
	// retry with backoff.
	KindRetryable ErrorKind = "Retryable"
	// KindInvalid is a fault in the input (a certificate that does not parse, a name the
	// cloud refuses): wait for the input to change.
	KindInvalid ErrorKind = "Invalid"
	// KindQuota is a cloud quota or limit: retry slowly, a person must act.
	KindQuota ErrorKind = "Quota"
	// KindNotFound is a resource the provider needs that does not exist (a static address,
	// a pre-shared certificate, a network).
	KindNotFound ErrorKind = "NotFound"
	// KindConflict is a clash with something outside Kubernetes that a person can fix there
	// (a name taken by a cloud resource portico does not own, an address another load
	// balancer uses): retry with slow, growing backoff, since the fix is not announced.
	KindConflict ErrorKind = "Conflict"
)

// Error is a provider error a user can act on: a condition reason and a message.
type Error struct {
	Kind ErrorKind
	// Reason is a CamelCase condition reason, for example CertificateInvalid.
	Reason string
	// Message says what failed and what to do; it never contains secrets.
	Message string
	// RetryAfter, when set, is how long the cloud asked to wait.
	RetryAfter time.Duration
	// Err is the underlying error, if any.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// NewError returns a provider error of the given kind.
func NewError(kind ErrorKind, reason string, err error, format string, args ...any) *Error {
	return &Error{Kind: kind, Reason: reason, Message: fmt.Sprintf(format, args...), Err: err}
}

// Retryable returns a retryable error.
func Retryable(reason string, err error, format string, args ...any) *Error {
	return NewError(KindRetryable, reason, err, format, args...)
}

// Invalid returns an error in the input.
func Invalid(reason string, err error, format string, args ...any) *Error {
	return NewError(KindInvalid, reason, err, format, args...)
}

// Quota returns a quota error.
func Quota(reason string, err error, format string, args ...any) *Error {
	return NewError(KindQuota, reason, err, format, args...)
}

// NotFound returns a not-found error.
func NotFound(reason string, err error, format string, args ...any) *Error {
	return NewError(KindNotFound, reason, err, format, args...)
}

// Conflict returns an error a change outside Kubernetes can fix.
func Conflict(reason string, err error, format string, args ...any) *Error {
	return NewError(KindConflict, reason, err, format, args...)
}

// AsError returns the provider error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func isKind(err error, kind ErrorKind) bool {
	e, ok := AsError(err)
	return ok && e.Kind == kind
}

// IsRetryable reports whether err is a passing fault worth retrying with backoff. An error
// that is not a provider error is treated as retryable: the provider did not classify it.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	e, ok := AsError(err)
	return !ok || e.Kind == KindRetryable
}

// IsInvalid reports whether err is a fault in the input.
func IsInvalid(err error) bool { return isKind(err, KindInvalid) }

// IsQuota reports whether err is a quota or limit.
func IsQuota(err error) bool { return isKind(err, KindQuota) }

// IsNotFound reports whether err is a missing resource.
func IsNotFound(err error) bool { return isKind(err, KindNotFound) }

// IsConflict reports whether err is a clash that a change outside Kubernetes can fix.
func IsConflict(err error) bool { return isKind(err, KindConflict) }

// IgnoreNotFound returns nil for a not-found error and err otherwise.
func IgnoreNotFound(err error) error {
	if IsNotFound(err) {
		return nil
	}
	return err
}

// ReasonOf returns the condition reason of err: the provider's own reason, else the reason
// of its kind (Invalid, QuotaExceeded, NotFound, Conflict), else Retrying, as an error the
// provider did not classify is retried with backoff. It is the one place a reason is
// derived from an error.
func ReasonOf(err error) string {
	if e, ok := AsError(err); ok && e.Reason != "" {
		return e.Reason
	}
	switch {
	case IsInvalid(err):
		return v1alpha1.ReasonInvalid
	case IsQuota(err):
		return v1alpha1.ReasonQuota
	case IsNotFound(err):
		return v1alpha1.ReasonNotFound
	case IsConflict(err):
		return v1alpha1.ReasonConflict
	}
	return v1alpha1.ReasonRetrying
}
