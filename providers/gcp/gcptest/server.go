package gcptest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// DefaultProject is the project Route and Clients use when Options names none.
const DefaultProject = "test-project"

// Options configure a Server. The zero value is a permissive emulator whose
// operations are DONE as soon as they are returned.
type Options struct {
	// Project is the project Route evaluates URL maps in; requests may name any project.
	Project string
	// OperationPolls is the number of polls (Get or Wait) an operation answers
	// RUNNING before it answers DONE; 0 makes every operation DONE at once.
	OperationPolls int
	// Permissions is the IAM allow-list of the caller; nil grants every permission.
	Permissions []string
	// InitialHealth is the health state getHealth reports for an endpoint
	// before SetEndpointHealth names it; "" means HEALTHY.
	InitialHealth string
	// Now is the clock for timestamps; nil uses time.Now.
	Now func() time.Time
}

// Server is an httptest server speaking the Compute Engine REST API.
type Server struct {
	http *httptest.Server
	opts Options

	mu       sync.Mutex
	projects map[string]*project
	nextID   uint64
	ops      operations
	faults   faults
	calls    []Call
	iam      iam
}

// New starts a Server; Close it when done.
func New(opts Options) *Server {
	if opts.Project == "" {
		opts.Project = DefaultProject
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:     opts,
		projects: map[string]*project{},
		nextID:   1000000000000000000,
		ops:      newOperations(),
		faults:   newFaults(),
		iam:      newIAM(opts.Permissions),
	}
	s.http = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the endpoint to give the SDK (option.WithEndpoint).
func (s *Server) URL() string { return s.http.URL }

// HTTPClient is an HTTP client that reaches the server.
func (s *Server) HTTPClient() *http.Client { return s.http.Client() }

// Close shuts the server down.
func (s *Server) Close() { s.http.Close() }

// project returns the state of one project, creating it on first use: the
// emulator has no project lifecycle.
func (s *Server) project(name string) *project {
	p, ok := s.projects[name]
	if !ok {
		p = newProject(name)
		s.projects[name] = p
	}
	return p
}

// newID returns a fresh resource id; Google's ids are uint64 numbers.
func (s *Server) newID() uint64 {
	s.nextID += 7919
	return s.nextID
}

// timestamp formats now as Google does (RFC 3339 with milliseconds and offset).
func (s *Server) timestamp() string {
	return s.opts.Now().Format("2006-01-02T15:04:05.000-07:00")
}
