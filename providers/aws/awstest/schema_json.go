package awstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// parseJSONBody reads an awsJson1_1 body; an empty body is an empty input.
func parseJSONBody(body []byte) (any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, badRequest("SerializationException", "the request body is not JSON: %v", err)
	}
	if dec.More() {
		return nil, badRequest("SerializationException", "the request body holds more than one JSON value")
	}
	if v == nil {
		return map[string]any{}, nil // a body of null is an empty input, whose required members are missing
	}
	return v, nil
}

// json checks a JSON value against a shape; members are named as in the model.
func (w *walker) json(s *mshape, v any, at fieldPath) {
	if v == nil {
		return // JSON null is an absent member
	}
	switch s.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			w.wrongType(v, "a structure", at)
			return
		}
		w.jsonStructure(s, obj, at)
	case "list":
		arr, ok := v.([]any)
		if !ok {
			w.wrongType(v, "a list", at)
			return
		}
		w.bounds(s, "count", len(arr), fmt.Sprint(v), at)
		for i, el := range arr {
			w.json(w.model.Shapes[s.Member.Shape], el, fieldPath{coral: at.coral + "." + strconv.Itoa(i+1) + ".member", wire: fmt.Sprintf("%s[%d]", at.wire, i)})
		}
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			w.wrongType(v, "a map", at)
			return
		}
		w.bounds(s, "count", len(obj), "", at)
		for _, k := range sortedMapKeys(obj) {
			w.scalar(w.model.Shapes[s.Key.Shape], k, at.member(k, k))
			w.json(w.model.Shapes[s.Value.Shape], obj[k], at.member(k, k))
		}
	default:
		w.jsonScalar(s, v, at)
	}
}

func (w *walker) jsonStructure(s *mshape, obj map[string]any, at fieldPath) {
	for _, k := range sortedMapKeys(obj) {
		m, ok := s.Members[k]
		if !ok {
			w.add(violation{kind: "unknown", wire: joinPath(at.wire, k)})
			continue
		}
		w.json(w.model.Shapes[m.Shape], obj[k], at.member(k, k))
	}
	for _, name := range s.Required {
		if obj[name] == nil {
			w.add(violation{kind: "missing", coral: at.member(name, name).coral, wire: joinPath(at.wire, name)})
		}
	}
}

// jsonScalar checks a JSON scalar's type, then its value as a Query parameter's.
func (w *walker) jsonScalar(s *mshape, v any, at fieldPath) {
	switch x := v.(type) {
	case string:
		if s.Type == "string" || s.Type == "blob" {
			w.scalar(s, x, at)
			return
		}
	case json.Number:
		switch s.Type {
		case "integer", "long", "float", "double":
			w.scalar(s, x.String(), at)
			return
		case "timestamp":
			return
		}
	case bool:
		if s.Type == "boolean" {
			return
		}
	}
	article := "a "
	if strings.ContainsRune("aeiou", rune(s.Type[0])) {
		article = "an "
	}
	w.wrongType(v, article+s.Type, at)
}

// wrongType records a JSON value of the wrong type, which AWS's JSON services refuse
// while reading the body, before validating it: a SerializationException.
func (w *walker) wrongType(v any, typ string, at fieldPath) {
	b, _ := json.Marshal(v)
	if len(b) > 64 {
		b = append(b[:61], "..."...)
	}
	w.add(violation{kind: "serialization", coral: at.coral, wire: at.wire, value: string(b), typ: typ})
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
