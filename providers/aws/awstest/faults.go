package awstest

import (
	"math/rand"
	"net/http"
	"time"
)

// Faults are injected into calls after IAM and validation pass. Rates are
// probabilities in [0, 1].
type Faults struct {
	// ThrottleRate is the share of calls throttled: ELBv2 "Throttling" (400),
	// EC2 "RequestLimitExceeded" (503), ACM "ThrottlingException" (400).
	ThrottleRate float64
	// ServerErrorRate is the share of calls that fail with a 500.
	ServerErrorRate float64
	// LostResponseRate is the share of writes that are applied but answered
	// with a 500, as when an answer is lost on its way back: the SDK retries
	// a change that already happened.
	LostResponseRate float64
	// Latency is added to every call, before it takes the server's lock.
	Latency time.Duration
	// Seed makes the injected failures reproducible.
	Seed int64
}

type faultState struct {
	cfg      Faults
	rand     *rand.Rand
	failNext []string // "throttle" or "server", for the next calls in order
	lose     int      // the next writes whose answers are lost
}

func (f *faultState) set(cfg Faults) {
	f.cfg = cfg
	f.rand = rand.New(rand.NewSource(cfg.Seed))
}

// SetFaults replaces the injected faults; the zero Faults turns them off.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.set(f)
}

// ThrottleNext makes the next n calls fail as throttled.
func (s *Server) ThrottleNext(n int) { s.failNext("throttle", n) }

// FailNext makes the next n calls fail with a server error.
func (s *Server) FailNext(n int) { s.failNext("server", n) }

func (s *Server) failNext(kind string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults.failNext = append(s.faults.failNext, kind)
	}
}

// LoseNextResponses makes the next n writes apply and then answer a 500.
func (s *Server) LoseNextResponses(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.lose += n
}

// loseResponse reports whether this applied write's answer is lost.
func (f *faultState) loseResponse() bool {
	if f.lose > 0 {
		f.lose--
		return true
	}
	return f.cfg.LostResponseRate > 0 && f.rand.Float64() < f.cfg.LostResponseRate
}

func (s *Server) latency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.cfg.Latency
}

// fault returns the failure injected into this call, if any.
func (f *faultState) fault(service string) *APIError {
	kind := ""
	switch {
	case len(f.failNext) > 0:
		kind, f.failNext = f.failNext[0], f.failNext[1:]
	case f.cfg.ThrottleRate > 0 && f.rand.Float64() < f.cfg.ThrottleRate:
		kind = "throttle"
	case f.cfg.ServerErrorRate > 0 && f.rand.Float64() < f.cfg.ServerErrorRate:
		kind = "server"
	default:
		return nil
	}
	if kind == "throttle" {
		return throttled(service)
	}
	return serverError(service)
}

func throttled(service string) *APIError {
	switch service {
	case serviceEC2:
		return &APIError{Status: http.StatusServiceUnavailable, Code: "RequestLimitExceeded", Message: "Request limit exceeded."}
	case serviceACM:
		return &APIError{Status: http.StatusBadRequest, Code: "ThrottlingException", Message: "Rate exceeded"}
	}
	return &APIError{Status: http.StatusBadRequest, Code: "Throttling", Message: "Rate exceeded"}
}

func serverError(service string) *APIError {
	code := "InternalFailure"
	if service == serviceEC2 {
		code = "InternalError"
	}
	return &APIError{Status: http.StatusInternalServerError, Code: code,
		Message: "We encountered an internal error. Please try again."}
}
