package gcptest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// apiError is an error as Google reports it: an HTTP status, a message and a
// reason ("notFound", "alreadyExists", "resourceInUseByAnotherResource", ...).
type apiError struct {
	Code    int
	Reason  string
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Code, e.Reason, e.Message) }

func errInvalid(format string, args ...any) error {
	return &apiError{Code: http.StatusBadRequest, Reason: "invalid", Message: fmt.Sprintf(format, args...)}
}

func errRequired(field string) error {
	return &apiError{Code: http.StatusBadRequest, Reason: "required",
		Message: fmt.Sprintf("Required field '%s' not specified", field)}
}

func errNotFound(rel string) error {
	return &apiError{Code: http.StatusNotFound, Reason: "notFound",
		Message: fmt.Sprintf("The resource '%s' was not found", rel)}
}

func errNotFoundPath(method, path string) error {
	return &apiError{Code: http.StatusNotFound, Reason: "notFound",
		Message: fmt.Sprintf("the emulator has no method %s %s", method, path)}
}

func errAlreadyExists(rel string) error {
	return &apiError{Code: http.StatusConflict, Reason: "alreadyExists",
		Message: fmt.Sprintf("The resource '%s' already exists", rel)}
}

func errInUse(kindName, rel, user string) error {
	return &apiError{Code: http.StatusBadRequest, Reason: "resourceInUseByAnotherResource",
		Message: fmt.Sprintf("The %s resource '%s' is already being used by '%s'", kindName, rel, user)}
}

func errConditionNotMet(rel string) error {
	return &apiError{Code: http.StatusPreconditionFailed, Reason: "conditionNotMet",
		Message: fmt.Sprintf("Invalid fingerprint: the resource '%s' changed since it was read", rel)}
}

func errForbidden(permission, rel string) error {
	return &apiError{Code: http.StatusForbidden, Reason: "forbidden",
		Message: fmt.Sprintf("Required '%s' permission for '%s'", permission, rel)}
}

// errorBody is Google's JSON error envelope, which googleapi.CheckResponse parses.
type errorBody struct {
	Error struct {
		Code    int         `json:"code"`
		Message string      `json:"message"`
		Errors  []errorItem `json:"errors"`
	} `json:"error"`
}

type errorItem struct {
	Message string `json:"message"`
	Domain  string `json:"domain"`
	Reason  string `json:"reason"`
}

// writeError writes err as Google's error body and returns the status sent.
func writeError(w http.ResponseWriter, err error) int {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{Code: http.StatusInternalServerError, Reason: "backendError", Message: err.Error()}
	}
	var b errorBody
	b.Error.Code, b.Error.Message = ae.Code, ae.Message
	b.Error.Errors = []errorItem{{Message: ae.Message, Domain: "global", Reason: ae.Reason}}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(ae.Code)
	_ = json.NewEncoder(w).Encode(b)
	return ae.Code
}

// writeJSON writes a resource or list as protojson, the SDK's wire format. A body that
// departs from the compute API's schema is the emulator's bug: it answers 500 saying where,
// so that every test through it also tests that Google could have sent what it sent.
func writeJSON(w http.ResponseWriter, m proto.Message) int {
	buf, err := protojson.Marshal(m)
	if err == nil {
		err = conforms(m, buf)
	}
	if err != nil {
		return writeError(w, err)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_, _ = w.Write(buf)
	return http.StatusOK
}

// conforms checks a response body against the schema of its message.
func conforms(m proto.Message, buf []byte) error {
	s, ok := schemaOf(m)
	if !ok {
		return fmt.Errorf("gcptest: %s has no schema in the compute API", m.ProtoReflect().Descriptor().Name())
	}
	v, err := parseBody(buf)
	if err == nil {
		err = checkResponse(s, v, "response")
	}
	if err != nil {
		return fmt.Errorf("gcptest: the response departs from the compute API's schema: %w", err)
	}
	return nil
}

// decode reads a request body as Google does: a field the API does not define, a value of
// the wrong type or outside its enum is refused with 400, and output-only fields are ignored.
func decode(body []byte, m proto.Message) error {
	body, err := requestBody(m, body)
	if err != nil {
		return err
	}
	if err := protojson.Unmarshal(body, m); err != nil {
		return errInvalid("Invalid JSON payload received. %v", err)
	}
	return nil
}

// requestBody checks a body against the schema of m and returns it without its
// output-only fields. Request wrappers that the SDK sends whole, which Google's schema does
// not describe, are left to protojson's strict reading.
func requestBody(m proto.Message, body []byte) ([]byte, error) {
	if len(body) == 0 {
		return nil, errInvalid("the request body is empty")
	}
	s, ok := schemaOf(m)
	if !ok {
		return body, nil
	}
	v, err := parseBody(body)
	if err != nil {
		return nil, err
	}
	if v, err = checkRequest(s, v, "resource"); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}
