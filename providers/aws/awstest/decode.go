package awstest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go"
	smithytime "github.com/aws/smithy-go/time"
	"github.com/aws/smithy-go/traits"
)

// The SDK's input types serialize but do not deserialize, so a request is
// decoded by reflection into the SDK's own input type, guided by the same
// schema the SDK's serializer follows: the member names, @xmlName and
// @ec2QueryName traits, and list shapes. A value the type cannot hold is
// refused as AWS refuses it, with a validation error.

// source is one node of a request: a form prefix or a JSON value.
type source interface {
	present() bool
	text() (string, bool)
	member(m *smithy.Schema) source
	items(list *smithy.Schema) []source
	where() string
}

// formSource is a key prefix of a form-encoded awsQuery request
// ("Names.member.1", "Tags.member.1.Key"), or of an ec2Query one, whose
// lists have no ".member" ("GroupId.1", "Filter.1.Value.1").
type formSource struct {
	vals   url.Values
	ec2    bool
	prefix string
	under  map[string]bool // every key and every dotted prefix of one
}

func newFormSource(vals url.Values, ec2 bool) formSource {
	under := map[string]bool{}
	for k := range vals {
		for i := range k {
			if k[i] == '.' {
				under[k[:i]] = true
			}
		}
		under[k] = true
	}
	return formSource{vals: vals, ec2: ec2, under: under}
}

func (f formSource) present() bool { return f.prefix == "" || f.under[f.prefix] }

func (f formSource) text() (string, bool) {
	v, ok := f.vals[f.prefix]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

func (f formSource) where() string { return f.prefix }

func (f formSource) child(name string) formSource {
	if f.prefix != "" {
		name = f.prefix + "." + name
	}
	return formSource{vals: f.vals, ec2: f.ec2, prefix: name, under: f.under}
}

func (f formSource) member(m *smithy.Schema) source { return f.child(queryName(m)) }

func (f formSource) items(list *smithy.Schema) []source {
	base := f
	if _, flat := smithy.SchemaTrait[*traits.XMLFlattened](list); !flat && !f.ec2 {
		base = f.child("member")
	}
	var out []source
	for i := 1; ; i++ {
		item := base.child(strconv.Itoa(i))
		if !item.present() {
			return out
		}
		out = append(out, item)
	}
}

// queryName is a member's awsQuery key: its @xmlName, else its name.
func queryName(m *smithy.Schema) string {
	if t, ok := smithy.SchemaTrait[*traits.XMLName](m); ok {
		return t.Name
	}
	return m.MemberName()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// jsonSource is a value of an awsJson1.1 body.
type jsonSource struct {
	v    any
	path string
}

func (j jsonSource) present() bool { return j.v != nil }
func (j jsonSource) where() string { return j.path }

func (j jsonSource) text() (string, bool) {
	switch v := j.v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

func (j jsonSource) member(m *smithy.Schema) source {
	obj, _ := j.v.(map[string]any)
	return jsonSource{v: obj[m.MemberName()], path: strings.TrimPrefix(j.path+"."+m.MemberName(), ".")}
}

func (j jsonSource) items(*smithy.Schema) []source {
	arr, _ := j.v.([]any)
	out := make([]source, 0, len(arr))
	for i, v := range arr {
		out = append(out, jsonSource{v: v, path: fmt.Sprintf("%s[%d]", j.path, i)})
	}
	return out
}

// schemaOf is the schema an SDK input's Serialize opens with.
func schemaOf(in smithy.Serializable) *smithy.Schema {
	c := &schemaCapture{}
	in.Serialize(c)
	return c.first
}

type schemaCapture struct {
	xmlWriter
	first *smithy.Schema
}

func (c *schemaCapture) WriteStruct(s *smithy.Schema) {
	if c.first == nil {
		c.first = s
	}
	c.xmlWriter.WriteStruct(s)
}

var timeType = reflect.TypeOf(time.Time{})

// decodeValue fills v (addressable) from src as the schema describes it.
func decodeValue(src source, sc *smithy.Schema, v reflect.Value, epoch bool) error {
	switch v.Kind() {
	case reflect.Pointer:
		if !src.present() {
			return nil
		}
		p := reflect.New(v.Type().Elem())
		if err := decodeValue(src, sc, p.Elem(), epoch); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.Struct:
		if v.Type() == timeType {
			return decodeTime(src, v, epoch)
		}
		return decodeStruct(src, sc, v, epoch)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return decodeBlob(src, v)
		}
		return decodeList(src, sc, v, epoch)
	case reflect.Map:
		return decodeMap(src, v)
	}
	return decodeScalar(src, v)
}

func decodeStruct(src source, sc *smithy.Schema, v reflect.Value, epoch bool) error {
	for name, m := range sc.Members() {
		f := v.FieldByName(capitalize(name))
		if !f.IsValid() {
			f = v.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, name) })
		}
		if !f.IsValid() || !f.CanSet() {
			continue
		}
		child := src.member(m)
		if !child.present() {
			continue
		}
		if err := decodeValue(child, m, f, epoch); err != nil {
			return err
		}
	}
	return nil
}

func decodeList(src source, sc *smithy.Schema, v reflect.Value, epoch bool) error {
	items := src.items(sc)
	out := reflect.MakeSlice(v.Type(), len(items), len(items))
	for i, item := range items {
		if err := decodeValue(item, sc.ListMember(), out.Index(i), epoch); err != nil {
			return err
		}
	}
	v.Set(out)
	return nil
}

// decodeMap reads a JSON object of strings; no form parameter served is a map.
func decodeMap(src source, v reflect.Value) error {
	js, ok := src.(jsonSource)
	obj, isObj := js.v.(map[string]any)
	if !ok || !isObj || v.Type().Key().Kind() != reflect.String || v.Type().Elem().Kind() != reflect.String {
		return errValidation("'%s' must be a map of strings", src.where())
	}
	m := reflect.MakeMap(v.Type())
	for k, val := range obj {
		s, ok := val.(string)
		if !ok {
			return errValidation("'%s.%s' must be a string", src.where(), k)
		}
		m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), reflect.ValueOf(s).Convert(v.Type().Elem()))
	}
	v.Set(m)
	return nil
}

func decodeScalar(src source, v reflect.Value) error {
	text, _ := src.text()
	bad := func(what string) error {
		return errValidation("Value '%s' at '%s' failed to satisfy constraint: Member must be %s", text, src.where(), what)
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(text)
	case reflect.Bool:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return bad("a boolean")
		}
		v.SetBool(b)
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		n, err := strconv.ParseInt(text, 10, v.Type().Bits())
		if err != nil {
			return bad("an integer")
		}
		v.SetInt(n)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(text, v.Type().Bits())
		if err != nil {
			return bad("a number")
		}
		v.SetFloat(f)
	default:
		return bad("a supported value")
	}
	return nil
}

func decodeBlob(src source, v reflect.Value) error {
	text, _ := src.text()
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return errValidation("Value at '%s' must be base64", src.where())
	}
	v.SetBytes(b)
	return nil
}

func decodeTime(src source, v reflect.Value, epoch bool) error {
	text, _ := src.text()
	var t time.Time
	if epoch {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return errValidation("Value at '%s' must be a timestamp in seconds", src.where())
		}
		t = smithytime.ParseEpochSeconds(f)
	} else {
		var err error
		if t, err = smithytime.ParseDateTime(text); err != nil {
			return errValidation("Value at '%s' must be an ISO 8601 timestamp", src.where())
		}
	}
	v.Set(reflect.ValueOf(t))
	return nil
}

// decodeInput decodes a request body into in, an SDK input.
func decodeInput(service string, form url.Values, body []byte, in any) error {
	if service == serviceEC2 {
		return decodeEC2(form, in)
	}
	sc := schemaOf(in.(smithy.Serializable))
	v := reflect.ValueOf(in).Elem()
	if service == serviceACM {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.UseNumber()
		var tree any = map[string]any{}
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := dec.Decode(&tree); err != nil {
				return errSerialization("the request body is not valid JSON: %v", err)
			}
		}
		if _, ok := tree.(map[string]any); !ok {
			return errSerialization("the request body must be a JSON object")
		}
		return decodeStruct(jsonSource{v: tree}, sc, v, true)
	}
	return decodeStruct(newFormSource(form, false), sc, v, false)
}
