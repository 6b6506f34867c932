package gcptest

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// maxPage is the largest page Google returns, and its default size.
const maxPage = 500

func (s *Server) list(c *call) (proto.Message, error) {
	p := s.project(c.project)
	keep, err := parseFilter(c.query.Get("filter"))
	if err != nil {
		return nil, err
	}
	var items []proto.Message
	for _, m := range p.inZone(c.kind, c.zone) {
		if keep(m) {
			items = append(items, presented(c.kind, p, m))
		}
	}
	page, next, err := paginate(items, c.query.Get("maxResults"), c.query.Get("pageToken"))
	if err != nil {
		return nil, err
	}
	out := c.kind.newList()
	setField(out, "kind", c.kind.kindName+"List")
	setField(out, "id", "projects/"+c.project+"/"+scope(c.zone)+"/"+c.kind.collection)
	setField(out, "selfLink", googleBase+"projects/"+c.project+"/"+scope(c.zone)+"/"+c.kind.collection)
	appendItems(out, page)
	if next != "" {
		setField(out, "nextPageToken", next)
	}
	return out, nil
}

// appendItems adds messages to a list's "items" field.
func appendItems(list proto.Message, items []proto.Message) {
	fd := fieldOf(list, "items")
	l := list.ProtoReflect().Mutable(fd).List()
	for _, m := range items {
		l.Append(protoreflect.ValueOfMessage(m.ProtoReflect()))
	}
}

// paginate cuts one page; the token is opaque to clients (an offset here).
func paginate(items []proto.Message, maxResults, token string) (page []proto.Message, next string, err error) {
	size := maxPage
	if maxResults != "" {
		n, err := strconv.Atoi(maxResults)
		if err != nil || n < 0 {
			return nil, "", errInvalid("Invalid value for field 'maxResults': '%s'", maxResults)
		}
		if n > 0 && n < maxPage {
			size = n
		}
	}
	start := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		n, convErr := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || convErr != nil || n < 0 || n > len(items) {
			return nil, "", errInvalid("Invalid value for field 'pageToken': '%s'", token)
		}
		start = n
	}
	end := min(start+size, len(items))
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "offset:%d", end))
	}
	return items[start:end], next, nil
}

// filterRE is one comparison of Google's list filter: "name eq REGEX",
// "name ne REGEX", `name = "x"`, `name != "x"`, optionally in parentheses.
var filterRE = regexp.MustCompile(`^\(?\s*([a-zA-Z][a-zA-Z0-9.]*)\s+(eq|ne|=|!=)\s+(.+?)\s*\)?$`)

// parseFilter supports a single comparison on a top-level field or the
// conjunction of several (joined by AND or by spaces between parentheses).
func parseFilter(f string) (func(proto.Message) bool, error) {
	f = strings.TrimSpace(f)
	if f == "" {
		return func(proto.Message) bool { return true }, nil
	}
	var preds []func(proto.Message) bool
	for _, part := range splitFilter(f) {
		pred, err := parseComparison(part)
		if err != nil {
			return nil, err
		}
		preds = append(preds, pred)
	}
	return func(m proto.Message) bool {
		for _, p := range preds {
			if !p(m) {
				return false
			}
		}
		return true
	}, nil
}

func splitFilter(f string) []string {
	if !strings.HasPrefix(f, "(") {
		return strings.Split(f, " AND ")
	}
	f = strings.ReplaceAll(f, ") AND (", ") (")
	parts := strings.Split(f, ") (")
	for i := range parts {
		parts[i] = "(" + strings.Trim(parts[i], "()") + ")"
	}
	return parts
}

func parseComparison(s string) (func(proto.Message) bool, error) {
	m := filterRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return nil, errInvalid("Invalid value for field 'filter': '%s'", s)
	}
	field, op, value := m[1], m[2], m[3]
	var test func(string) bool
	switch op {
	case "eq", "ne":
		re, err := regexp.Compile("^(?:" + value + ")$")
		if err != nil {
			return nil, errInvalid("Invalid value for field 'filter': '%s'", s)
		}
		test = re.MatchString
	default:
		want, err := strconv.Unquote(value)
		if err != nil {
			want = value
		}
		test = func(v string) bool { return v == want }
	}
	negate := op == "ne" || op == "!="
	return func(msg proto.Message) bool { return test(filterValue(msg, field)) != negate }, nil
}

// filterValue is a top-level scalar field as the JSON shows it.
func filterValue(m proto.Message, field string) string {
	fd := fieldOf(m, field)
	if fd == nil || fd.IsList() || fd.Message() != nil || !m.ProtoReflect().Has(fd) {
		return ""
	}
	v := m.ProtoReflect().Get(fd)
	if fd.Kind() == protoreflect.EnumKind {
		return string(fd.Enum().Values().ByNumber(v.Enum()).Name())
	}
	return v.String()
}
