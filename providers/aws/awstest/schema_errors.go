package awstest

import (
	"fmt"
	"strings"
)

// violation is one way a request departs from the model.
type violation struct {
	kind  string // unknown, missing, enum, pattern, length, range, count, type, serialization
	coral string // the member's path as AWS's validation messages spell it: tags.1.member.key
	wire  string // the parameter's name on the wire: TagSpecification.1.Tag.1.Key
	value string // the value as sent, or the list as [a, b]
	bound string // the limit broken, "min"/"max" prefixed for length, range and count
	enum  []string
	typ   string
}

// badRequest is a refusal with status 400, as the server writes every APIError.
func badRequest(code, format string, args ...any) error { return apiErr(code, format, args...) }

// errUnknownOperation is what a Query API answers for an Action it does not have, and a
// JSON API for an unknown X-Amz-Target.
func errUnknownOperation(service, action string) error {
	if service == "acm" {
		return badRequest("UnknownOperationException", "Operation %s is not supported by this emulator's model of %s", action, service)
	}
	return badRequest("InvalidAction", "The action %s is not valid for this web service.", action)
}

// err turns the violations into the service's error: EC2 names the first parameter at
// fault with a code of its kind; ELBv2 and ACM list every violation in one message, as
// their validation layer does.
func (w *walker) err(service string) error {
	if len(w.found) == 0 {
		return nil
	}
	if w.ec2 {
		return ec2Error(w.found[0])
	}
	for _, v := range w.found {
		if v.kind == "serialization" {
			return badRequest("SerializationException", "Unexpected value %s at '%s': expected %s", v.value, v.wire, v.typ)
		}
	}
	code := "ValidationError"
	if service == "acm" {
		code = "ValidationException"
	}
	msgs := make([]string, len(w.found))
	for i, v := range w.found {
		msgs[i] = v.coralMessage()
	}
	noun := "error"
	if len(msgs) > 1 {
		noun = "errors"
	}
	return badRequest(code, "%d validation %s detected: %s", len(msgs), noun, strings.Join(msgs, "; "))
}

func (v violation) coralMessage() string {
	if v.kind == "unknown" {
		return fmt.Sprintf("Parameter '%s' is not recognized", v.wire)
	}
	if v.kind == "missing" {
		return fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", v.coral)
	}
	return fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must %s", v.value, v.coral, v.constraint())
}

// constraint is the rule broken, in the words of AWS's validation messages.
func (v violation) constraint() string {
	dir, n, _ := strings.Cut(v.bound, " ")
	cmp := "greater than or equal to"
	if dir == "max" {
		cmp = "less than or equal to"
	}
	switch v.kind {
	case "enum":
		return "satisfy enum value set: [" + strings.Join(v.enum, ", ") + "]"
	case "pattern":
		return "satisfy regular expression pattern: " + v.typ
	case "length", "count":
		return "have length " + cmp + " " + n
	case "range":
		return "have value " + cmp + " " + n
	}
	return "be " + v.typ
}

func ec2Error(v violation) error {
	switch v.kind {
	case "unknown":
		return badRequest("UnknownParameter", "The parameter %s is not recognized", v.wire)
	case "missing":
		return badRequest("MissingParameter", "The request must contain the parameter %s", v.wire)
	}
	return badRequest("InvalidParameterValue", "Value (%s) for parameter %s is invalid. The value must %s.", v.value, v.wire, v.constraint())
}
