package gcptest

import (
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// The emulator handles every resource generically through protobuf
// reflection, by the JSON names the API documents: each computepb resource
// has name, id, selfLink, kind and creationTimestamp, and some a fingerprint.

func fieldOf(m proto.Message, jsonName string) protoreflect.FieldDescriptor {
	return m.ProtoReflect().Descriptor().Fields().ByJSONName(jsonName)
}

func getString(m proto.Message, jsonName string) string {
	fd := fieldOf(m, jsonName)
	if fd == nil || !m.ProtoReflect().Has(fd) {
		return ""
	}
	return m.ProtoReflect().Get(fd).String()
}

// setField sets a scalar field when the message has it; absent fields are skipped.
func setField(m proto.Message, jsonName string, v any) {
	fd := fieldOf(m, jsonName)
	if fd == nil {
		return
	}
	m.ProtoReflect().Set(fd, protoreflect.ValueOf(v))
}

func clearField(m proto.Message, jsonName string) {
	if fd := fieldOf(m, jsonName); fd != nil {
		m.ProtoReflect().Clear(fd)
	}
}

func hasField(m proto.Message, jsonName string) bool { return fieldOf(m, jsonName) != nil }

func getID(m proto.Message) uint64 {
	fd := fieldOf(m, "id")
	if fd == nil {
		return 0
	}
	return m.ProtoReflect().Get(fd).Uint()
}

// outputOnly are the fields the server owns; a request's values for them are ignored.
var outputOnly = []string{"id", "selfLink", "kind", "creationTimestamp", "fingerprint", "zone"}

// keepOutputOnly copies the server-owned fields of from into to.
func keepOutputOnly(from, to proto.Message) {
	for _, name := range outputOnly {
		fd := fieldOf(from, name)
		if fd == nil {
			continue
		}
		if from.ProtoReflect().Has(fd) {
			to.ProtoReflect().Set(fd, from.ProtoReflect().Get(fd))
		} else {
			to.ProtoReflect().Clear(fd)
		}
	}
}
