package awstest

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"math/big"
	"strconv"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
	smithytime "github.com/aws/smithy-go/time"
	"github.com/aws/smithy-go/traits"
)

// xmlWriter is a smithy.ShapeSerializer that writes an operation's output as
// the awsQuery protocol (ELBv2) answers it. The SDK's own generated
// Serialize methods drive it, so element names come from the same schemas
// the SDK's deserializer reads. The output structure itself writes no
// element: the caller wraps it in <XResult>.
type xmlWriter struct {
	buf   bytes.Buffer
	stack []xmlFrame
}

type xmlFrame struct {
	name  string // element to close; "" for the unwrapped root or a flattened list
	list  bool
	item  string // element name of a list's items
	entry bool   // a map entry is open
}

var _ smithy.ShapeSerializer = (*xmlWriter)(nil)

func (w *xmlWriter) Bytes() []byte { return w.buf.Bytes() }

// elementName is the element a value is written as: a list's item name inside
// a list, else the member's own @xmlName, else the member name.
func (w *xmlWriter) elementName(s *smithy.Schema) string {
	if n := len(w.stack); n > 0 && w.stack[n-1].list {
		return w.stack[n-1].item
	}
	if t, ok := smithy.SchemaDirectTrait[*traits.XMLName](s); ok {
		return t.Name
	}
	return s.MemberName()
}

func (w *xmlWriter) start(name string) {
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	w.buf.WriteByte('>')
}

func (w *xmlWriter) end(name string) {
	w.buf.WriteString("</")
	w.buf.WriteString(name)
	w.buf.WriteByte('>')
}

func (w *xmlWriter) scalar(s *smithy.Schema, text string) {
	name := w.elementName(s)
	w.start(name)
	_ = xml.EscapeText(&w.buf, []byte(text))
	w.end(name)
}

func (w *xmlWriter) WriteInt8(s *smithy.Schema, v int8)   { w.scalar(s, strconv.Itoa(int(v))) }
func (w *xmlWriter) WriteInt16(s *smithy.Schema, v int16) { w.scalar(s, strconv.Itoa(int(v))) }
func (w *xmlWriter) WriteInt32(s *smithy.Schema, v int32) { w.scalar(s, strconv.Itoa(int(v))) }
func (w *xmlWriter) WriteInt64(s *smithy.Schema, v int64) { w.scalar(s, strconv.FormatInt(v, 10)) }
func (w *xmlWriter) WriteFloat32(s *smithy.Schema, v float32) {
	w.scalar(s, strconv.FormatFloat(float64(v), 'g', -1, 32))
}
func (w *xmlWriter) WriteFloat64(s *smithy.Schema, v float64) {
	w.scalar(s, strconv.FormatFloat(v, 'g', -1, 64))
}
func (w *xmlWriter) WriteBool(s *smithy.Schema, v bool)           { w.scalar(s, strconv.FormatBool(v)) }
func (w *xmlWriter) WriteString(s *smithy.Schema, v string)       { w.scalar(s, v) }
func (w *xmlWriter) WriteBigInt(s *smithy.Schema, v *big.Int)     { w.scalar(s, v.String()) }
func (w *xmlWriter) WriteBigFloat(s *smithy.Schema, v *big.Float) { w.scalar(s, v.Text('g', -1)) }
func (w *xmlWriter) WriteBlob(s *smithy.Schema, v []byte) {
	w.scalar(s, base64.StdEncoding.EncodeToString(v))
}

// WriteTime writes ISO 8601 unless the schema names another format, as the
// query protocols do.
func (w *xmlWriter) WriteTime(s *smithy.Schema, v time.Time) {
	format := "date-time"
	if t, ok := smithy.SchemaTrait[*traits.TimestampFormat](s); ok {
		format = t.Format
	}
	switch format {
	case "http-date":
		w.scalar(s, smithytime.FormatHTTPDate(v))
	case "epoch-seconds":
		w.scalar(s, strconv.FormatFloat(smithytime.FormatEpochSeconds(v), 'f', -1, 64))
	default:
		w.scalar(s, smithytime.FormatDateTime(v))
	}
}

// The query protocols have no unions or documents in the shapes served.
func (w *xmlWriter) WriteUnion(_, _ *smithy.Schema)               {}
func (w *xmlWriter) CloseUnion()                                  {}
func (w *xmlWriter) WriteDocument(*smithy.Schema, document.Value) {}
func (w *xmlWriter) WriteNil(*smithy.Schema)                      {}

func (w *xmlWriter) WriteStruct(s *smithy.Schema) {
	if len(w.stack) == 0 {
		w.stack = append(w.stack, xmlFrame{})
		return
	}
	name := w.elementName(s)
	w.start(name)
	w.stack = append(w.stack, xmlFrame{name: name})
}

func (w *xmlWriter) CloseStruct() { w.pop() }

// WriteList opens a wrapped list whose items are <member>; a flattened list
// repeats its own name instead.
func (w *xmlWriter) WriteList(s *smithy.Schema) {
	name := w.elementName(s)
	if _, flat := smithy.SchemaTrait[*traits.XMLFlattened](s); flat {
		w.stack = append(w.stack, xmlFrame{list: true, item: name})
		return
	}
	item := "member"
	if m := s.ListMember(); m != nil {
		if t, ok := smithy.SchemaDirectTrait[*traits.XMLName](m); ok {
			item = t.Name
		}
	}
	w.start(name)
	w.stack = append(w.stack, xmlFrame{name: name, list: true, item: item})
}

func (w *xmlWriter) CloseList() { w.pop() }

// Maps are written as <entry><key/><value/></entry>, the query protocols' form.
func (w *xmlWriter) WriteMap(s *smithy.Schema) {
	name := w.elementName(s)
	w.start(name)
	w.stack = append(w.stack, xmlFrame{name: name, list: true, item: "value"})
}

func (w *xmlWriter) WriteKey(_ *smithy.Schema, key string) {
	f := &w.stack[len(w.stack)-1]
	if f.entry {
		w.end("entry")
	}
	f.entry = true
	w.start("entry")
	w.start("key")
	_ = xml.EscapeText(&w.buf, []byte(key))
	w.end("key")
}

func (w *xmlWriter) CloseMap() {
	if f := w.stack[len(w.stack)-1]; f.entry {
		w.end("entry")
	}
	w.pop()
}

func (w *xmlWriter) pop() {
	n := len(w.stack)
	if n == 0 {
		return
	}
	f := w.stack[n-1]
	w.stack = w.stack[:n-1]
	if f.name != "" {
		w.end(f.name)
	}
}
