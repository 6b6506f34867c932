package testenv

import (
	"net/http"
	"sync"
)

// writeCounter counts the mutating requests the controller sends to the API server, so that
// a test can prove that a resync with nothing changed writes nothing.
type writeCounter struct {
	mu     sync.Mutex
	writes []string
}

func (w *writeCounter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.mu.Lock()
			w.writes = append(w.writes, req.Method+" "+req.URL.Path)
			w.mu.Unlock()
		}
		return rt.RoundTrip(req)
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// APIWrites returns the mutating requests (method and path) the controller has sent to the
// API server since the Env started or since ResetAPIWrites.
func (e *Env) APIWrites() []string {
	e.writes.mu.Lock()
	defer e.writes.mu.Unlock()
	return append([]string(nil), e.writes.writes...)
}

// ResetAPIWrites forgets the writes counted so far.
func (e *Env) ResetAPIWrites() {
	e.writes.mu.Lock()
	defer e.writes.mu.Unlock()
	e.writes.writes = nil
}
