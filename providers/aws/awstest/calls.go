package awstest

import (
	"slices"
	"time"
)

// Call is one request the server answered, in the call log.
type Call struct {
	Service string // "elasticloadbalancing", "ec2" or "acm"
	Action  string
	Write   bool   // anything but a describe or list
	Code    string // the error code answered, "" on success
	Status  int
	At      time.Time // when it was answered, on Options.Clock
}

func (s *Server) record(c Call) {
	c.At = s.now()
	s.calls = append(s.calls, c)
}

// Calls returns a copy of the call log.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// ResetCalls empties the call log.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// Reads counts the describes and lists answered, failed ones included.
func (s *Server) Reads() int { return s.count(false) }

// Writes counts every other call answered, failed ones included.
func (s *Server) Writes() int { return s.count(true) }

func (s *Server) count(write bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c.Write == write {
			n++
		}
	}
	return n
}
