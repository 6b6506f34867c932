package fake

import (
	"errors"
	"fmt"
)

// Codes of the errors the Cloud returns, named after the GCE error reasons.
const (
	CodeNotFound      = "notFound"
	CodeAlreadyExists = "alreadyExists"
	CodeInUse         = "resourceInUseByAnotherResource"
	CodeInvalid       = "invalid"
	// CodeIPInUse refuses a forwarding rule on an address and port another rule listens on.
	CodeIPInUse = "ipInUseByAnotherResource"
)

// APIError is an error of the Cloud, as a real cloud API reports it. The Provider maps it to
// a typed provider error; tests of the Cloud itself check its Code.
type APIError struct {
	// Code is one of the Code constants.
	Code string
	// Reason is a CamelCase condition reason for an invalid input, for example
	// CertificateInvalid; empty otherwise.
	Reason string
	// Message says what was refused; it never contains key material.
	Message string
}

func (e *APIError) Error() string { return e.Message }

func apiError(code, reason, format string, args ...any) *APIError {
	return &APIError{Code: code, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the Cloud error in err's chain, or "" when there is none.
func CodeOf(err error) string {
	var e *APIError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
