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

func hasField(m proto.Message, jsonName string) bool { return fieldOf(m, jsonName) != nil }

func getID(m proto.Message) uint64 {
	fd := fieldOf(m, "id")
	if fd == nil {
		return 0
	}
	return m.ProtoReflect().Get(fd).Uint()
}

// serverOwned are the top-level fields the server sets: those the compute API's schema says
// are output only (a request's values for them never reach a handler), and the fingerprint,
// which a request sends only to be compared.
func serverOwned(m proto.Message) []string {
	out := []string{"fingerprint"}
	if s, ok := schemaOf(m); ok {
		for name, p := range s.Properties {
			if p.OutputOnly {
				out = append(out, name)
			}
		}
	}
	return out
}

// keepOutputOnly copies the server-owned fields of from into to.
func keepOutputOnly(from, to proto.Message) {
	for _, name := range serverOwned(from) {
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
