package gcptest

import (
	"slices"
	"time"
)

// Call is one request the server received, in the call log.
type Call struct {
	Method     string
	Path       string
	Status     int
	Permission string    // "" for a path the API does not have
	Write      bool      // a mutation (insert, patch, update, delete, set*, attach, detach)
	At         time.Time // when it was answered, on Options.Now
	// RequestID is the requestId the call carried, which makes a retried write idempotent.
	RequestID string
}

func (s *Server) record(c *call, status int) {
	s.calls = append(s.calls, Call{Method: c.method, Path: c.path, Status: status,
		Permission: c.permission, Write: c.write, At: s.opts.Now(), RequestID: c.query.Get("requestId")})
}

// Calls returns a copy of the call log.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// ResetCalls empties the call log (not the record of exercised permissions).
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// Reads counts the calls that read (get, list, listNetworkEndpoints, operation polls).
func (s *Server) Reads() int { return s.count(false) }

// Writes counts the calls that mutate, whatever their outcome.
func (s *Server) Writes() int { return s.count(true) }

func (s *Server) count(write bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c.Write == write && c.Permission != "" {
			n++
		}
	}
	return n
}
