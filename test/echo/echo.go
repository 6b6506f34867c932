// Package echo is a backend for tests that answers every request like the echo server of the
// Kubernetes Ingress conformance suite: a JSON document with what the request carried (path,
// host, method, proto, headers) and who answered (namespace, ingress, service, pod), so a
// test can tell which Service and which endpoint a proxy chose. It listens on loopback, or
// on the address a test names (StartOn).
package echo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// Identity is who answers: the fields the conformance suite reads to tell backends apart.
type Identity struct {
	Namespace string `json:"namespace"`
	Ingress   string `json:"ingress"`
	Service   string `json:"service"`
	Pod       string `json:"pod"`
}

// Response is the JSON body of every answer, with the conformance echo server's field names.
type Response struct {
	Path    string              `json:"path"`
	Host    string              `json:"host"`
	Method  string              `json:"method"`
	Proto   string              `json:"proto"`
	Headers map[string][]string `json:"headers"`
	Identity
}

// Handler answers every request with a Response for id. The path is the request URI as
// received (escapes and query kept), so a test sees exactly what the proxy sent on.
func Handler(id Identity) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The body is read to its end so the connection can be kept alive.
		_, _ = io.Copy(io.Discard, r.Body)
		body, err := json.Marshal(Response{
			Path: r.RequestURI, Host: r.Host, Method: r.Method, Proto: r.Proto,
			Headers: r.Header, Identity: id,
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})
}

// Server is one echo endpoint (a "pod") listening on a loopback port.
type Server struct {
	ID   Identity
	IP   string
	Port int32
	srv  *http.Server
	// requests counts the requests answered, for tests that check where load went.
	requests atomic.Int64
}

// Start listens on 127.0.0.1 on a free port and serves id until Close.
func Start(id Identity) (*Server, error) {
	return StartOn("127.0.0.1", id)
}

// StartOn listens on ip, an address of this machine, on a free port and serves id until
// Close: an EndpointSlice may not name a loopback address, so a backend that the API server
// lists listens on another of the machine's addresses.
func StartOn(ip string, id Identity) (*Server, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return nil, fmt.Errorf("listen for echo %s: %w", id.Pod, err)
	}
	s := &Server{ID: id, IP: ip, Port: int32(ln.Addr().(*net.TCPAddr).Port)}
	h := Handler(id)
	s.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.requests.Add(1)
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// New starts a Server for a test and closes it when the test ends.
func New(tb testing.TB, id Identity) *Server {
	tb.Helper()
	s, err := Start(id)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.IP, strconv.Itoa(int(s.Port))) }

// URL is the server's base URL.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Requests is the number of requests the server answered.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Close stops the server at once, closing its connections.
func (s *Server) Close() error {
	if err := s.srv.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops the server gracefully: it stops accepting, and returns once the requests
// in flight were answered, as a terminating pod drains.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.srv.Shutdown(ctx)
}

// Decode reads a Response from a body; an error says the body was not an echo answer.
func Decode(body []byte) (Response, error) {
	var r Response
	if err := json.Unmarshal(body, &r); err != nil {
		return Response{}, fmt.Errorf("not an echo answer (%w): %.200q", err, body)
	}
	return r, nil
}
