package gcptest

import (
	"io"
	"net/http"
	"net/url"
	"strings"

	"google.golang.org/protobuf/proto"
)

// call is one request once routed: who it addresses and what it carries.
type call struct {
	method     string
	path       string
	project    string
	zone       string
	name       string
	kind       *kind
	query      url.Values
	body       []byte
	permission string
	write      bool
}

// route binds a method and a path pattern ("*" matches one segment) to a handler.
type route struct {
	method  string
	pattern []string
	kind    *kind
	verb    string // the IAM verb
	write   bool
	handle  func(s *Server, c *call) (proto.Message, error)
	binding func(c *call, segs []string) // fills zone and name from the segments
}

// routes is built once from the kinds: the paths the SDK's REST clients use.
var routes []route

func addRoute(method, pattern string, k *kind, verb string, write bool, h func(*Server, *call) (proto.Message, error)) {
	segs := strings.Split(pattern, "/")
	routes = append(routes, route{method: method, pattern: segs, kind: k, verb: verb, write: write, handle: h,
		binding: func(c *call, got []string) { bind(c, segs, got) }})
}

// bind reads the zone and the resource name out of the matched segments.
func bind(c *call, pattern, got []string) {
	for i, p := range pattern {
		if p != "*" {
			continue
		}
		if i > 0 && pattern[i-1] == "zones" {
			c.zone = got[i]
		} else {
			c.name = got[i]
		}
	}
}

// addCRUD registers the standard methods of a kind.
func addCRUD(k *kind) {
	base := scope("") + "/" + k.collection
	if k.zonal {
		base = "zones/*/" + k.collection
	}
	addRoute(http.MethodGet, base, k, "list", false, (*Server).list)
	addRoute(http.MethodPost, base, k, "create", true, (*Server).insert)
	addRoute(http.MethodGet, base+"/*", k, "get", false, (*Server).get)
	addRoute(http.MethodDelete, base+"/*", k, "delete", true, (*Server).delete)
	if k.patch {
		addRoute(http.MethodPatch, base+"/*", k, "update", true, (*Server).patchItem)
	}
	if k.update {
		addRoute(http.MethodPut, base+"/*", k, "update", true, (*Server).updateItem)
	}
}

const apiPrefix = "/compute/v1/projects/"

// match finds the route of a request; ok is false for a path the API does not have.
func match(method, path string) (*route, *call, bool) {
	rest, ok := strings.CutPrefix(path, apiPrefix)
	if !ok {
		return nil, nil, false
	}
	segs := strings.Split(rest, "/")
	if len(segs) < 2 || segs[0] == "" {
		return nil, nil, false
	}
	for i := range routes {
		r := &routes[i]
		if r.method != method || !segmentsMatch(r.pattern, segs[1:]) {
			continue
		}
		c := &call{method: method, path: path, project: segs[0], kind: r.kind,
			permission: r.kind.permission(r.verb), write: r.write}
		r.binding(c, segs[1:])
		return r, c, true
	}
	return nil, nil, false
}

func segmentsMatch(pattern, segs []string) bool {
	if len(pattern) != len(segs) {
		return false
	}
	for i, p := range pattern {
		if segs[i] == "" || (p != "*" && p != segs[i]) {
			return false
		}
	}
	return true
}

// serve is the one HTTP handler: latency, routing, IAM, faults, then the
// handler under the server's lock, every step recorded in the call log.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.sleep()
	body, readErr := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, c, ok := match(r.Method, r.URL.Path)
	if !ok {
		s.finish(w, &call{method: r.Method, path: r.URL.Path}, nil, errNotFoundPath(r.Method, r.URL.Path))
		return
	}
	c.query, c.body = r.URL.Query(), body
	if readErr != nil {
		s.finish(w, c, nil, errInvalid("could not read the request body"))
		return
	}
	if err := s.authorize(c); err != nil {
		s.finish(w, c, nil, err)
		return
	}
	if err := s.faults.callFault(); err != nil {
		s.finish(w, c, nil, err)
		return
	}
	resp, err := s.handle(rt, c)
	if err == nil && c.write && s.faults.loseResponse() {
		resp, err = nil, injected(http.StatusServiceUnavailable)
	}
	s.finish(w, c, resp, err)
}

// finish writes the response and records the call.
func (s *Server) finish(w http.ResponseWriter, c *call, resp proto.Message, err error) {
	var status int
	if err != nil {
		status = writeError(w, err)
	} else {
		status = writeJSON(w, resp)
	}
	s.record(c, status)
}

// handle runs the route's handler; a write retried with a requestId already
// seen gets the operation it started and changes nothing again.
func (s *Server) handle(rt *route, c *call) (proto.Message, error) {
	if c.write {
		if op, ok := s.replay(s.project(c.project), c); ok {
			return op, nil
		}
	}
	return rt.handle(s, c)
}
