package gcptest

import (
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// googleBase is the prefix of every selfLink Google returns, whatever
// endpoint the client used.
const googleBase = "https://www.googleapis.com/compute/v1/"

// ref is a resource reference: Google accepts a full URL, a path starting at
// "projects/", or one starting at "global/" or "zones/", and returns full URLs.
type ref struct {
	project    string
	location   string // "global", "zones/Z" or "regions/R"
	collection string
	name       string
}

func (r ref) rel() string {
	return "projects/" + r.project + "/" + r.location + "/" + r.collection + "/" + r.name
}

func (r ref) url() string { return googleBase + r.rel() }

func (r ref) zone() string { return strings.TrimPrefix(r.location, "zones/") }

var urlPrefixes = []string{googleBase, "https://compute.googleapis.com/compute/v1/", "/compute/v1/", "compute/v1/"}

// parseRef reads a reference; ok is false for anything else (an IP address, a plain name).
func parseRef(s, project string) (ref, bool) {
	for _, p := range urlPrefixes {
		if rest, ok := strings.CutPrefix(s, p); ok {
			s = rest
			break
		}
	}
	segs := strings.Split(s, "/")
	if len(segs) > 2 && segs[0] == "projects" {
		project, segs = segs[1], segs[2:]
	}
	switch {
	case len(segs) == 3 && segs[0] == "global":
		return ref{project: project, location: "global", collection: segs[1], name: segs[2]}, segs[2] != ""
	case len(segs) == 4 && (segs[0] == "zones" || segs[0] == "regions"):
		return ref{project: project, location: segs[0] + "/" + segs[1], collection: segs[2], name: segs[3]}, segs[3] != ""
	}
	return ref{}, false
}

// notRefs are string fields that never hold a reference to another resource.
var notRefs = map[string]bool{"selfLink": true, "name": true, "description": true, "kind": true,
	"zone": true, "region": true, "fingerprint": true, "creationTimestamp": true}

// walkRefs calls fn with every reference inside m and stores what fn returns
// in its place; it is how references are canonicalized and collected.
func walkRefs(m protoreflect.Message, project string, fn func(ref) string) {
	type edit struct {
		fd  protoreflect.FieldDescriptor
		idx int
		v   string
	}
	var edits []edit
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap():
		case fd.Kind() == protoreflect.MessageKind && fd.IsList():
			for i := 0; i < v.List().Len(); i++ {
				walkRefs(v.List().Get(i).Message(), project, fn)
			}
		case fd.Kind() == protoreflect.MessageKind:
			walkRefs(v.Message(), project, fn)
		case fd.Kind() != protoreflect.StringKind || notRefs[fd.JSONName()]:
		case fd.IsList():
			for i := 0; i < v.List().Len(); i++ {
				if r, ok := parseRef(v.List().Get(i).String(), project); ok {
					edits = append(edits, edit{fd, i, fn(r)})
				}
			}
		default:
			if r, ok := parseRef(v.String(), project); ok {
				edits = append(edits, edit{fd, -1, fn(r)})
			}
		}
		return true
	})
	for _, e := range edits {
		if e.idx < 0 {
			m.Set(e.fd, protoreflect.ValueOfString(e.v))
		} else {
			m.Mutable(e.fd).List().Set(e.idx, protoreflect.ValueOfString(e.v))
		}
	}
}

// refsOf lists the canonical URLs m refers to.
func refsOf(m proto.Message, project string) []string {
	var out []string
	walkRefs(proto.Clone(m).ProtoReflect(), project, func(r ref) string {
		out = append(out, r.url())
		return r.url()
	})
	return out
}

// resolve canonicalizes every reference in m to a full URL and checks that
// each one naming an emulated collection exists, as Google does on insert and update.
func (s *Server) resolve(project string, m proto.Message) error {
	var missing error
	walkRefs(m.ProtoReflect(), project, func(r ref) string {
		if k, ok := kinds[r.collection]; ok && missing == nil {
			if _, found := s.project(r.project).lookup(k, r.zone(), r.name); !found {
				missing = errNotFound(r.rel())
			}
		}
		return r.url()
	})
	return missing
}
