package fake

import (
	"reflect"
	"strings"
)

// changedFields returns the JSON names of the fields that differ between two specs of one
// kind, skipping output-only fields (tag diff:"-"). Empty and nil slices are equal, so that a
// spec built by the provider compares equal to the Cloud's copy of it.
func changedFields(old, new Spec) []string {
	a, b := reflect.ValueOf(old.clone()), reflect.ValueOf(new.clone())
	if a.Type() != b.Type() {
		return []string{"kind"}
	}
	var out []string
	t := a.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("diff") == "-" {
			continue
		}
		if !equalValues(a.Field(i), b.Field(i)) {
			out = append(out, jsonName(f))
		}
	}
	return out
}

func equalValues(a, b reflect.Value) bool {
	if a.Kind() == reflect.Slice && a.Len() == 0 && b.Len() == 0 {
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return f.Name
	}
	return name
}
