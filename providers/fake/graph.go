package fake

import (
	"encoding/json"
	"reflect"

	"github.com/portico-dev/portico/providers/plan"
)

// newEngine returns the plan engine with the fake's kinds and details.
func newEngine() *plan.Engine {
	return &plan.Engine{Kinds: Kinds, Describe: describe}
}

// node turns a spec into a node of the plan graph.
func node(k Key, spec Spec) plan.Resource {
	refs := make([]plan.Key, 0, len(spec.References()))
	for _, r := range spec.References() {
		refs = append(refs, plan.Key(r))
	}
	return plan.Resource{
		Key: plan.Key(k), Fields: fieldsOf(spec), Immutable: immutableFields[k.Kind],
		Refs: refs, Summary: spec.Summary(), Spec: spec,
	}
}

// graph is the plan graph of the desired state.
func (d *desired) graph() plan.Graph {
	g := plan.Graph{Scope: d.loc, Blocked: map[plan.Key]error{}}
	for _, k := range d.keys() {
		if err, ok := d.blocked[k]; ok {
			g.Blocked[plan.Key(k)] = err
			continue
		}
		g.Resources = append(g.Resources, node(k, d.specs[k]))
	}
	return g
}

// fieldsOf returns the JSON of every field a provider sets, by JSON name, skipping output
// only fields (tag diff:"-"), such as a certificate's key. Empty and nil slices are equal, so
// a spec built by the provider compares equal to the Cloud's copy of it.
func fieldsOf(spec Spec) map[string]string {
	v := reflect.ValueOf(spec.clone())
	t := v.Type()
	out := make(map[string]string, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("diff") == "-" {
			continue
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Slice && fv.Len() == 0 {
			out[jsonName(f)] = "null"
			continue
		}
		b, _ := json.Marshal(fv.Interface())
		out[jsonName(f)] = string(b)
	}
	return out
}

// specOf returns the spec of a node the fake built.
func specOf(r plan.Resource) Spec { return r.Spec.(Spec) }

// describe says what an update changes, in the terms a user reads in an Event.
func describe(have, want plan.Resource, _ []string) string {
	switch n := specOf(want).(type) {
	case URLMapSpec:
		return urlMapChanges(specOf(have).(URLMapSpec), n)
	case NetworkEndpointGroupSpec:
		return endpointChanges(specOf(have).(NetworkEndpointGroupSpec).Endpoints, n.Endpoints)
	case InstanceGroupSpec:
		return endpointChanges(specOf(have).(InstanceGroupSpec).Instances, n.Instances)
	}
	return ""
}
