package gcptest

import (
	"encoding/json"
	"reflect"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// patchItem applies a JSON merge patch (RFC 7396), as the API documents for
// every patch method: objects merge, arrays and scalars replace, null clears.
func (s *Server) patchItem(c *call) (proto.Message, error) {
	cur, next, err := s.current(c)
	if err != nil {
		return nil, err
	}
	if err := checkFingerprint(c.kind, cur, next); err != nil {
		return nil, err
	}
	patch, err := requestBody(next, c.body)
	if err != nil {
		return nil, err
	}
	merged, err := mergePatch(cur, patch, c.kind.newItem())
	if err != nil {
		return nil, err
	}
	if err := onlyPatchable(c.kind, cur, merged); err != nil {
		return nil, err
	}
	return s.replace(c, "patch", cur, merged)
}

// onlyPatchable refuses a patch that changes a field the API does not let
// patch change (a global forwarding rule's patch takes networkTier only).
func onlyPatchable(k *kind, cur, next proto.Message) error {
	if k.patchable == nil {
		return nil
	}
	a, b, err := toMaps(cur, next)
	if err != nil {
		return err
	}
	allowed := map[string]bool{}
	for _, f := range append(k.patchable, serverOwned(cur)...) {
		allowed[f] = true
	}
	for _, m := range []map[string]any{a, b} {
		for f := range m {
			if !allowed[f] && !reflect.DeepEqual(a[f], b[f]) {
				return errInvalid("Invalid value for field 'resource.%s': patch cannot change this field", f)
			}
		}
	}
	return nil
}

// updateItem replaces the resource with the body (PUT).
func (s *Server) updateItem(c *call) (proto.Message, error) {
	cur, next, err := s.current(c)
	if err != nil {
		return nil, err
	}
	if err := checkFingerprint(c.kind, cur, next); err != nil {
		return nil, err
	}
	return s.replace(c, "update", cur, next)
}

// current returns the stored resource and the decoded body of a change to it.
func (s *Server) current(c *call) (cur, body proto.Message, err error) {
	p := s.project(c.project)
	cur, ok := p.lookup(c.kind, c.zone, c.name)
	if !ok {
		return nil, nil, errNotFound(relOf(p.selfLink(c.kind, c.zone, c.name)))
	}
	body = c.kind.newItem()
	if err := decode(c.body, body); err != nil {
		return nil, nil, err
	}
	return cur, body, nil
}

func mergePatch(cur proto.Message, patch []byte, into proto.Message) (proto.Message, error) {
	base, err := toMap(cur)
	if err != nil {
		return nil, err
	}
	var p map[string]any
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, errInvalid("Invalid JSON payload received. %v", err)
	}
	buf, err := json.Marshal(mergeObjects(base, p))
	if err != nil {
		return nil, err
	}
	if err := protojson.Unmarshal(buf, into); err != nil {
		return nil, errInvalid("Invalid JSON payload received. %v", err)
	}
	return into, nil
}

func mergeObjects(base, patch map[string]any) map[string]any {
	for k, v := range patch {
		switch pv := v.(type) {
		case nil:
			delete(base, k)
		case map[string]any:
			bv, _ := base[k].(map[string]any)
			if bv == nil {
				bv = map[string]any{}
			}
			base[k] = mergeObjects(bv, pv)
		default:
			base[k] = v
		}
	}
	return base
}

func toMap(m proto.Message) (map[string]any, error) {
	buf, err := protojson.Marshal(m)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	return out, json.Unmarshal(buf, &out)
}

// immutableKept refuses a change to a field that only creation may set.
func immutableKept(k *kind, cur, next proto.Message) error {
	if len(k.immutable) == 0 {
		return nil
	}
	a, b, err := toMaps(cur, next)
	if err != nil {
		return err
	}
	for _, f := range k.immutable {
		if !reflect.DeepEqual(a[f], b[f]) {
			return errInvalid("Invalid value for field 'resource.%s': the field cannot be changed after creation", f)
		}
	}
	return nil
}

// toMaps reads two versions of a resource as JSON objects, to compare them field by field.
func toMaps(cur, next proto.Message) (map[string]any, map[string]any, error) {
	a, err := toMap(cur)
	if err != nil {
		return nil, nil, err
	}
	b, err := toMap(next)
	return a, b, err
}
