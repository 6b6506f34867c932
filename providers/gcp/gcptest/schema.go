package gcptest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
)

//go:generate go run ./internal/discoverygen -o compute-schemas.json

// computeSchemas is the compute API's discovery document, trimmed by discoverygen from the
// google.golang.org/api module that go.mod requires: the emulator checks bodies against
// Google's own description of them, not against portico's idea of them.
//
//go:embed compute-schemas.json
var computeSchemas []byte

// schema is a discovery schema or property, as discoverygen keeps it.
type schema struct {
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Ref                  string             `json:"$ref"`
	Enum                 []string           `json:"enum"`
	Items                *schema            `json:"items"`
	AdditionalProperties *schema            `json:"additionalProperties"`
	Properties           map[string]*schema `json:"properties"`
	OutputOnly           bool               `json:"outputOnly"`
}

type discovery struct {
	Source  string             `json:"source"`
	Schemas map[string]*schema `json:"schemas"`
}

var document = func() discovery {
	var d discovery
	if err := json.Unmarshal(computeSchemas, &d); err != nil {
		panic("gcptest: the embedded discovery document does not parse: " + err.Error())
	}
	return d
}()

// schemaOf is the discovery schema of a computepb message: the SDK's messages carry the
// schemas' names. Request wrappers the SDK sends whole (listNetworkEndpoints) have none.
func schemaOf(m proto.Message) (*schema, bool) {
	s, ok := document.Schemas[string(m.ProtoReflect().Descriptor().Name())]
	return s, ok
}

func (s *schema) resolved() *schema {
	if s.Ref != "" {
		if r, ok := document.Schemas[s.Ref]; ok {
			return r
		}
	}
	return s
}

// parseBody reads a JSON body as Google's front end does, keeping numbers as written.
func parseBody(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errInvalid("Invalid JSON payload received. %v", err)
	}
	return v, nil
}

// checkRequest refuses a body with a field the schema does not define or a value of the
// wrong type or outside its enum, in Google's words, and drops the output-only fields,
// which Google ignores in a request. nulls (a merge patch's "clear") pass.
func checkRequest(s *schema, v any, at string) (any, error) { return walk(s, v, at, true) }

// checkResponse reports where a body the emulator is about to send departs from the schema.
func checkResponse(s *schema, v any, at string) error {
	_, err := walk(s, v, at, false)
	return err
}

// walk checks v against s; in a request it also drops the output-only fields.
func walk(s *schema, v any, at string, request bool) (any, error) {
	s = s.resolved()
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		if s.Properties == nil && s.AdditionalProperties == nil {
			return nil, invalidValue(at, s, v)
		}
		for k, fv := range x {
			if s.AdditionalProperties != nil {
				if _, err := walk(s.AdditionalProperties, fv, at+"["+k+"]", request); err != nil {
					return nil, err
				}
				continue
			}
			p, ok := s.Properties[k]
			if !ok {
				return nil, errInvalid("Invalid JSON payload received. Unknown name %q at '%s': Cannot find field.", k, at)
			}
			if p.OutputOnly && request {
				delete(x, k)
				continue
			}
			clean, err := walk(p, fv, at+"."+strings.TrimPrefix(snake(k), "_"), request)
			if err != nil {
				return nil, err
			}
			x[k] = clean
		}
		return x, nil
	case []any:
		if s.Type != "array" || s.Items == nil {
			return nil, invalidValue(at, s, v)
		}
		for i, iv := range x {
			clean, err := walk(s.Items, iv, fmt.Sprintf("%s[%d]", at, i), request)
			if err != nil {
				return nil, err
			}
			x[i] = clean
		}
		return x, nil
	}
	return v, checkScalar(s, v, at)
}

// checkScalar checks a JSON scalar against its schema: 64-bit integers are strings of
// digits, as the API documents them; enum values must be listed.
func checkScalar(s *schema, v any, at string) error {
	ok := false
	switch x := v.(type) {
	case string:
		ok = s.Type == "string" && (len(s.Enum) == 0 || slices.Contains(s.Enum, x)) && numeric(s.Format, x)
	case json.Number:
		ok = s.Type == "integer" || s.Type == "number" || (s.Type == "string" && numeric(s.Format, x.String()))
	case bool:
		ok = s.Type == "boolean"
	}
	if !ok {
		return invalidValue(at, s, v)
	}
	return nil
}

// numeric: a string holding a 64-bit integer must hold one.
func numeric(format, v string) bool {
	switch format {
	case "int64", "uint64":
		_, err := json.Number(v).Int64()
		return err == nil || (format == "uint64" && strings.Trim(v, "0123456789") == "" && v != "")
	}
	return true
}

// invalidValue is Google's answer to a value of the wrong type or outside the enum.
func invalidValue(at string, s *schema, v any) error {
	b, _ := json.Marshal(v)
	return errInvalid("Invalid value at '%s' (%s), %s", at, typeName(s), b)
}

func typeName(s *schema) string {
	switch {
	case len(s.Enum) > 0:
		return "TYPE_ENUM"
	case s.Format != "":
		return "TYPE_" + strings.ToUpper(s.Format)
	case s.Type == "object" || s.Ref != "":
		return "TYPE_MESSAGE"
	}
	return "TYPE_" + strings.ToUpper(s.Type)
}
