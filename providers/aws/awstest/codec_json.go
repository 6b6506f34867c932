package awstest

import (
	"encoding/base64"
	"encoding/json"
	"math/big"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
	smithytime "github.com/aws/smithy-go/time"
)

// jsonWriter is a smithy.ShapeSerializer building an awsJson1.1 response:
// objects keyed by member name, timestamps as epoch seconds, blobs base64.
type jsonWriter struct {
	root  any
	stack []*jsonOut
}

type jsonOut struct {
	key    string // member name in the parent, "" in a list
	obj    map[string]any
	arr    []any
	isArr  bool
	mapKey string // the next value's key inside a map
	isMap  bool
}

var _ smithy.ShapeSerializer = (*jsonWriter)(nil)

func (w *jsonWriter) Bytes() []byte {
	b, _ := json.Marshal(w.root)
	return b
}

func (w *jsonWriter) put(s *smithy.Schema, v any) {
	if len(w.stack) == 0 {
		w.root = v
		return
	}
	top := w.stack[len(w.stack)-1]
	switch {
	case top.isArr:
		top.arr = append(top.arr, v)
	case top.isMap:
		top.obj[top.mapKey] = v
	default:
		top.obj[s.MemberName()] = v
	}
}

func (w *jsonWriter) open(s *smithy.Schema, o *jsonOut) {
	if len(w.stack) > 0 {
		if top := w.stack[len(w.stack)-1]; !top.isArr && !top.isMap {
			o.key = s.MemberName()
		} else if top.isMap {
			o.key = top.mapKey
		}
	}
	w.stack = append(w.stack, o)
}

func (w *jsonWriter) close() {
	o := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	var v any = o.obj
	if o.isArr {
		v = o.arr
		if o.arr == nil {
			v = []any{}
		}
	}
	if len(w.stack) == 0 {
		w.root = v
		return
	}
	top := w.stack[len(w.stack)-1]
	if top.isArr {
		top.arr = append(top.arr, v)
		return
	}
	top.obj[o.key] = v
}

func (w *jsonWriter) WriteInt8(s *smithy.Schema, v int8)           { w.put(s, v) }
func (w *jsonWriter) WriteInt16(s *smithy.Schema, v int16)         { w.put(s, v) }
func (w *jsonWriter) WriteInt32(s *smithy.Schema, v int32)         { w.put(s, v) }
func (w *jsonWriter) WriteInt64(s *smithy.Schema, v int64)         { w.put(s, v) }
func (w *jsonWriter) WriteFloat32(s *smithy.Schema, v float32)     { w.put(s, v) }
func (w *jsonWriter) WriteFloat64(s *smithy.Schema, v float64)     { w.put(s, v) }
func (w *jsonWriter) WriteBool(s *smithy.Schema, v bool)           { w.put(s, v) }
func (w *jsonWriter) WriteString(s *smithy.Schema, v string)       { w.put(s, v) }
func (w *jsonWriter) WriteBigInt(s *smithy.Schema, v *big.Int)     { w.put(s, v.String()) }
func (w *jsonWriter) WriteBigFloat(s *smithy.Schema, v *big.Float) { w.put(s, v.Text('g', -1)) }
func (w *jsonWriter) WriteBlob(s *smithy.Schema, v []byte) {
	w.put(s, base64.StdEncoding.EncodeToString(v))
}
func (w *jsonWriter) WriteTime(s *smithy.Schema, v time.Time) {
	w.put(s, smithytime.FormatEpochSeconds(v))
}
func (w *jsonWriter) WriteUnion(_, _ *smithy.Schema)               {}
func (w *jsonWriter) CloseUnion()                                  {}
func (w *jsonWriter) WriteDocument(*smithy.Schema, document.Value) {}
func (w *jsonWriter) WriteNil(s *smithy.Schema)                    { w.put(s, nil) }

func (w *jsonWriter) WriteStruct(s *smithy.Schema) {
	w.open(s, &jsonOut{obj: map[string]any{}})
}
func (w *jsonWriter) CloseStruct() { w.close() }
func (w *jsonWriter) WriteList(s *smithy.Schema) {
	w.open(s, &jsonOut{isArr: true})
}
func (w *jsonWriter) CloseList() { w.close() }
func (w *jsonWriter) WriteMap(s *smithy.Schema) {
	w.open(s, &jsonOut{obj: map[string]any{}, isMap: true})
}
func (w *jsonWriter) WriteKey(_ *smithy.Schema, key string) { w.stack[len(w.stack)-1].mapKey = key }
func (w *jsonWriter) CloseMap()                             { w.close() }
