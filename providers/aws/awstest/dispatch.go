package awstest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/smithy-go"
)

const (
	serviceELB = "elasticloadbalancing"
	serviceEC2 = "ec2"
	serviceACM = "acm"

	elbVersion   = "2015-12-01"
	ec2Version   = "2016-11-15"
	elbNamespace = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
	ec2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"
	acmTarget    = "CertificateManager."

	maxBody = 2 << 20
)

// operation is one API action: whether it writes, a fresh SDK input to
// decode into, and its handler.
type operation struct {
	write    bool
	newInput func() any
	handle   func(*Server, *request, any) (any, error)
}

// op makes an operation from a handler typed with the SDK's input and output.
func op[I, O any](write bool, h func(*Server, *request, *I) (O, error)) operation {
	return operation{
		write:    write,
		newInput: func() any { return new(I) },
		handle: func(s *Server, r *request, in any) (any, error) {
			return h(s, r, in.(*I))
		},
	}
}

// operations maps service → action → operation; each service's files
// register theirs.
var operations = map[string]map[string]operation{}

func register(service string, ops map[string]operation) {
	if operations[service] == nil {
		operations[service] = map[string]operation{}
	}
	for name, o := range ops {
		operations[service][name] = o
	}
}

// request is the call being served.
type request struct {
	service, action string
	id              string
	authorized      bool
	// dryRun is an EC2 write with DryRun; more says an authorization question
	// of the call is still to come, so a dry run must not stop at this one.
	dryRun, more bool
}

func (s *Server) serve(w http.ResponseWriter, hr *http.Request) {
	body, err := io.ReadAll(io.LimitReader(hr.Body, maxBody+1))
	if err != nil || len(body) > maxBody || hr.Method != http.MethodPost {
		writeError(w, serviceELB, "", &APIError{Status: http.StatusBadRequest, Code: "MalformedQueryString",
			Message: "the request must be a POST with a body under 2 MiB"})
		return
	}
	r, form, perr := parseRequest(hr, body)
	if d := s.latency(); d > 0 {
		time.Sleep(d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	r.id = fmt.Sprintf("%08x-0000-4000-8000-%012x", s.nextID, s.nextID)
	opn, known := operations[r.service][r.action]
	out, err := s.runSafely(r, opn, known, form, body, perr)
	s.record(Call{Service: r.service, Action: r.action, Write: !known || opn.write, Code: codeOf(r.service, err), Status: statusOf(r.service, err)})
	if err != nil {
		writeError(w, r.service, r.id, asAPIError(r.service, err))
		return
	}
	s.writeOutput(w, r, out)
}

// parseRequest tells the service and action: ACM by its X-Amz-Target header,
// ELBv2 and EC2 by the form's Version.
func parseRequest(hr *http.Request, body []byte) (*request, url.Values, error) {
	if target := hr.Header.Get("X-Amz-Target"); target != "" {
		action, ok := strings.CutPrefix(target, acmTarget)
		if !ok {
			return &request{service: serviceACM, action: target}, nil,
				apiErr("UnknownOperationException", "unknown target %q", target)
		}
		return &request{service: serviceACM, action: action}, nil, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return &request{service: serviceELB}, nil, apiErr("MalformedQueryString", "%v", err)
	}
	r := &request{action: form.Get("Action")}
	switch form.Get("Version") {
	case elbVersion:
		r.service = serviceELB
	case ec2Version:
		r.service = serviceEC2
	default:
		r.service = serviceELB
		return r, form, apiErr("InvalidAction", "unsupported API version %q", form.Get("Version"))
	}
	return r, form, nil
}

// runSafely runs a call and turns a panic, the emulator's own bug, into a
// 500 that names it, rather than a dropped connection the SDK retries.
func (s *Server) runSafely(r *request, opn operation, known bool, form url.Values, body []byte, perr error) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("emulator bug: %s panicked: %v", r.action, p)
		}
	}()
	return s.run(r, opn, known, form, body, perr)
}

// run decides one call: the API model, IAM for describes, injected faults,
// then the handler (which asks IAM itself before it changes anything), and
// last a lost answer for a write that was applied.
func (s *Server) run(r *request, opn operation, known bool, form url.Values, body []byte, perr error) (any, error) {
	if perr != nil {
		return nil, perr
	}
	if !known {
		if r.service == serviceACM {
			return nil, apiErr("UnknownOperationException", "the emulator does not serve %s", r.action)
		}
		return nil, apiErr("InvalidAction", "The action %s is not valid for this web service.", r.action)
	}
	var jsonBody []byte
	if r.service == serviceACM {
		jsonBody = body
	}
	if err := checkRequest(r.service, r.action, form, jsonBody); err != nil {
		return nil, err
	}
	in := opn.newInput()
	if err := decodeInput(r.service, form, body, in); err != nil {
		return nil, err
	}
	dry := r.service == serviceEC2 && form.Get("DryRun") == "true"
	if !opn.write {
		if err := s.authorize(r, s.readResources(in), nil, nil); err != nil {
			return nil, err
		}
		if dry {
			return nil, errDryRun()
		}
	}
	// A write's dry run goes through its handler, which asks IAM about the resources
	// the call would act on and stops there (ask).
	r.dryRun = dry
	if f := s.faults.fault(r.service); f != nil && !dry {
		return nil, f
	}
	out, err := opn.handle(s, r, in)
	if err == nil && !r.authorized {
		return nil, fmt.Errorf("emulator bug: %s answered without asking Authorize", r.action)
	}
	if err == nil && opn.write && s.faults.loseResponse() {
		return nil, serverError(r.service)
	}
	return out, err
}

// writeOutput answers a success in the service's protocol.
func (s *Server) writeOutput(w http.ResponseWriter, r *request, out any) {
	w.Header().Set("X-Amzn-RequestId", r.id)
	switch r.service {
	case serviceACM:
		jw := &jsonWriter{}
		out.(smithy.Serializable).Serialize(jw)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write(jw.Bytes())
	case serviceEC2:
		var b bytes.Buffer
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<%sResponse xmlns="%s"><requestId>%s</requestId>`, r.action, ec2Namespace, r.id)
		b.Write(encodeEC2(out))
		fmt.Fprintf(&b, "</%sResponse>", r.action)
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		_, _ = w.Write(b.Bytes())
	default:
		xw := &xmlWriter{}
		out.(smithy.Serializable).Serialize(xw)
		var b bytes.Buffer
		fmt.Fprintf(&b, `<%sResponse xmlns="%s"><%sResult>`, r.action, elbNamespace, r.action)
		b.Write(xw.Bytes())
		fmt.Fprintf(&b, "</%sResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>", r.action, r.id, r.action)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write(b.Bytes())
	}
}

func codeOf(service string, err error) string {
	if err == nil {
		return ""
	}
	return asAPIError(service, err).Code
}

func statusOf(service string, err error) int {
	if err == nil {
		return http.StatusOK
	}
	return asAPIError(service, err).Status
}
