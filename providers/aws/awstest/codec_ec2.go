package awstest

//go:generate go run ./internal/ec2names

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	smithytime "github.com/aws/smithy-go/time"
)

// The EC2 client of the SDK version go.mod requires still uses generated
// serializers rather than schemas, so EC2 requests and answers are mapped by
// reflection over the SDK's types with the wire names of the EC2 model
// (ec2_wirenames.go): query keys "GroupId.1", "Filter.1.Value.1",
// "IpPermissions.1.Groups.1.GroupId"; answer elements in lowerCamel with
// lists as <item>.

// decodeEC2 fills in, a pointer to an SDK input, from an ec2Query form.
func decodeEC2(form url.Values, in any) error {
	return decodeEC2Struct(newFormSource(form, true), reflect.ValueOf(in).Elem())
}

func ec2QueryName(t reflect.Type, field string) string {
	if n, ok := ec2QueryNames[t.Name()+"."+field]; ok {
		return n
	}
	return field
}

func decodeEC2Struct(src formSource, v reflect.Value) error {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Name == "ResultMetadata" {
			continue
		}
		child := src.child(ec2QueryName(t, f.Name))
		if !child.present() {
			continue
		}
		if err := decodeEC2Value(child, v.Field(i)); err != nil {
			return err
		}
	}
	return nil
}

func decodeEC2Value(src formSource, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		if err := decodeEC2Value(src, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.Struct:
		if v.Type() == timeType {
			return decodeTime(src, v, false)
		}
		return decodeEC2Struct(src, v)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return decodeBlob(src, v)
		}
		var items []formSource
		for i := 1; ; i++ {
			item := src.child(strconv.Itoa(i))
			if !item.present() {
				break
			}
			items = append(items, item)
		}
		out := reflect.MakeSlice(v.Type(), len(items), len(items))
		for i, item := range items {
			if err := decodeEC2Value(item, out.Index(i)); err != nil {
				return err
			}
		}
		v.Set(out)
		return nil
	}
	return decodeScalar(src, v)
}

// encodeEC2 writes an SDK output's members as the body of <XResponse>.
func encodeEC2(out any) []byte {
	var b bytes.Buffer
	v := reflect.ValueOf(out)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	encodeEC2Members(&b, v)
	return b.Bytes()
}

func ec2XMLName(t reflect.Type, field string) string {
	if n, ok := ec2XMLNames[t.Name()+"."+field]; ok {
		return n
	}
	return strings.ToLower(field[:1]) + field[1:]
}

func encodeEC2Members(b *bytes.Buffer, v reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Name == "ResultMetadata" {
			continue
		}
		encodeEC2Value(b, ec2XMLName(t, f.Name), v.Field(i))
	}
}

func encodeEC2Value(b *bytes.Buffer, name string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			encodeEC2Value(b, name, v.Elem())
		}
		return
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		b.WriteString("<" + name + ">")
		for i := range v.Len() {
			encodeEC2Value(b, "item", v.Index(i))
		}
		b.WriteString("</" + name + ">")
		return
	case reflect.Struct:
		if v.Type() == timeType {
			writeEC2Text(b, name, smithytime.FormatDateTime(v.Interface().(time.Time)))
			return
		}
		b.WriteString("<" + name + ">")
		encodeEC2Members(b, v)
		b.WriteString("</" + name + ">")
		return
	case reflect.String:
		if v.String() != "" {
			writeEC2Text(b, name, v.String())
		}
	case reflect.Bool:
		writeEC2Text(b, name, strconv.FormatBool(v.Bool()))
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		writeEC2Text(b, name, strconv.FormatInt(v.Int(), 10))
	case reflect.Float32, reflect.Float64:
		writeEC2Text(b, name, strconv.FormatFloat(v.Float(), 'g', -1, 64))
	}
}

func writeEC2Text(b *bytes.Buffer, name, text string) {
	b.WriteString("<" + name + ">")
	_ = xml.EscapeText(b, []byte(text))
	b.WriteString("</" + name + ">")
}
