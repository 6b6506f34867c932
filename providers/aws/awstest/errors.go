package awstest

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
)

// APIError is an error as AWS answers it: an HTTP status, an error code
// ("LoadBalancerNotFound", "InvalidGroup.NotFound", "ResourceInUseException",
// ...) and a message. Handlers return it; the server writes it in the
// protocol of the service that was called.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// apiErr is an error with a 400 status, AWS's status for a caller's mistake.
func apiErr(code, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

// codeValidation is the neutral code of a malformed request; each service
// names it its own way (validationCode).
const codeValidation = "ValidationError"

func errValidation(format string, args ...any) *APIError {
	return apiErr(codeValidation, format, args...)
}

func errSerialization(format string, args ...any) *APIError {
	return apiErr("SerializationException", format, args...)
}

func errNotFound(code, format string, args ...any) *APIError {
	return apiErr(code, format, args...)
}

// validationCode names a malformed request as the service does.
func validationCode(service string) string {
	switch service {
	case serviceEC2:
		return "InvalidParameterValue"
	case serviceACM:
		return "ValidationException"
	}
	return codeValidation
}

// asAPIError turns any error into what the caller sees; an error that is not
// an APIError is the emulator's own fault and answers 500.
func asAPIError(service string, err error) *APIError {
	var e *APIError
	if !errors.As(err, &e) {
		return &APIError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error()}
	}
	if e.Code == codeValidation {
		c := *e
		c.Code = validationCode(service)
		return &c
	}
	return e
}

type elbErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

type ec2ErrorResponse struct {
	XMLName   xml.Name `xml:"Response"`
	Code      string   `xml:"Errors>Error>Code"`
	Message   string   `xml:"Errors>Error>Message"`
	RequestID string   `xml:"RequestID"`
}

// writeError answers err in the service's protocol.
func writeError(w http.ResponseWriter, service, requestID string, e *APIError) {
	w.Header().Set("X-Amzn-RequestId", requestID)
	switch service {
	case serviceACM:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Errortype", e.Code)
		w.WriteHeader(e.Status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.Code, "message": e.Message})
	case serviceEC2:
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(e.Status)
		_ = xml.NewEncoder(w).Encode(ec2ErrorResponse{Code: e.Code, Message: e.Message, RequestID: requestID})
	default:
		faultType := "Sender"
		if e.Status >= 500 {
			faultType = "Receiver"
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(e.Status)
		_ = xml.NewEncoder(w).Encode(elbErrorResponse{Xmlns: elbNamespace, Type: faultType,
			Code: e.Code, Message: e.Message, RequestID: requestID})
	}
}
