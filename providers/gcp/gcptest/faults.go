package gcptest

import (
	"math/rand"
	"net/http"
	"time"
)

// Faults are injected into calls that pass IAM. Rates are probabilities in [0, 1].
type Faults struct {
	// ErrorRate is the share of calls that fail at once with one of Codes.
	ErrorRate float64
	// Codes are the statuses an injected call failure uses; default 429 and 503.
	Codes []int
	// OperationFailureRate is the share of mutations whose Operation ends DONE
	// with an error, having changed nothing.
	OperationFailureRate float64
	// LostResponseRate is the share of mutations that are applied but whose
	// answer is lost: the caller gets a 503 for a change that happened.
	LostResponseRate float64
	// Latency is added to every call, before it takes the server's lock.
	Latency time.Duration
	// Seed makes the injected failures reproducible.
	Seed int64
}

type faults struct {
	cfg      Faults
	rand     *rand.Rand
	failNext []int // statuses the next calls fail with, in order
	failOps  int   // the next mutations whose operations fail
	lose     int   // the next mutations whose answers are lost
}

func newFaults() faults { return faults{rand: rand.New(rand.NewSource(1))} }

// SetFaults replaces the injected faults; the zero Faults turns them off.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(f.Codes) == 0 {
		f.Codes = []int{http.StatusTooManyRequests, http.StatusServiceUnavailable}
	}
	s.faults.cfg = f
	s.faults.rand = rand.New(rand.NewSource(f.Seed))
}

// FailNextCalls makes the next calls that pass IAM fail with these statuses, one each.
func (s *Server) FailNextCalls(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.failNext = append(s.faults.failNext, codes...)
}

// FailNextOperations makes the next n mutations return an Operation that fails.
func (s *Server) FailNextOperations(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.failOps += n
}

// LoseNextResponses makes the next n mutations apply and then answer 503,
// as when a response is lost on the way back.
func (s *Server) LoseNextResponses(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.lose += n
}

// loseResponse reports whether this applied mutation's answer is lost.
func (f *faults) loseResponse() bool {
	if f.lose > 0 {
		f.lose--
		return true
	}
	return f.cfg.LostResponseRate > 0 && f.rand.Float64() < f.cfg.LostResponseRate
}

func (s *Server) sleep() {
	s.mu.Lock()
	d := s.faults.cfg.Latency
	s.mu.Unlock()
	if d > 0 {
		time.Sleep(d)
	}
}

// callFault returns the failure injected into this call, if any.
func (f *faults) callFault() error {
	if len(f.failNext) > 0 {
		code := f.failNext[0]
		f.failNext = f.failNext[1:]
		return injected(code)
	}
	if f.cfg.ErrorRate > 0 && f.rand.Float64() < f.cfg.ErrorRate {
		return injected(f.cfg.Codes[f.rand.Intn(len(f.cfg.Codes))])
	}
	return nil
}

// operationFault returns the error a failing operation reports, if this one fails.
func (f *faults) operationFault() *apiError {
	if f.failOps > 0 {
		f.failOps--
		return operationError()
	}
	if f.cfg.OperationFailureRate > 0 && f.rand.Float64() < f.cfg.OperationFailureRate {
		return operationError()
	}
	return nil
}

func operationError() *apiError {
	return &apiError{Code: http.StatusServiceUnavailable, Reason: "SERVICE_UNAVAILABLE",
		Message: "injected: the operation failed in the backend"}
}

// injected is Google's body for a throttled or unavailable call.
func injected(code int) error {
	switch code {
	case http.StatusTooManyRequests:
		return &apiError{Code: code, Reason: "rateLimitExceeded", Message: "Rate Limit Exceeded"}
	case http.StatusServiceUnavailable:
		return &apiError{Code: code, Reason: "backendError", Message: "The service is currently unavailable."}
	}
	return &apiError{Code: code, Reason: "backendError", Message: http.StatusText(code)}
}
