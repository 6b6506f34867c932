// Package plan is the engine every provider shares: a provider turns a load balancer into a
// graph of cloud resources, and the engine diffs it against the resources the cloud holds and
// returns an ordered plan of creates (in dependency order), updates in place, replacements
// (a field the cloud only sets at creation changed) and deletes (in reverse order), with the
// replacement of anything in use created before the old one is let go. Plan prints it; Apply
// runs it through the provider's narrow Client.
//
// The engine knows nothing of any cloud: kinds, names and field values are opaque strings,
// and the spec a client writes travels untouched in Resource.Spec.
package plan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// Key identifies a resource among those of one location: names are unique per kind.
type Key struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

func (k Key) String() string { return k.Kind + "/" + k.Name }

// Resource is one node of a graph: a resource wanted, or one the cloud holds.
type Resource struct {
	Key
	// Fields holds the value of every field the provider owns, in a canonical form that
	// compares equal whether it was built from the desired state or read from the cloud.
	// It never holds key material: the engine hashes it and may show field names.
	Fields map[string]string
	// Immutable lists the fields the cloud sets only at creation: a change to one of them
	// replaces the resource.
	Immutable []string
	// Refs lists the resources this one refers to. A reference to a resource outside the
	// graph (a static address a user reserved) is taken as existing.
	Refs []Key
	// Summary describes the resource in a few words, for a create's detail.
	Summary string
	// Spec is what the client writes; the engine passes it through.
	Spec any
}

// Graph is what one load balancer should hold.
type Graph struct {
	// Scope is where the resources live (a location); it keeps the refusal memory of two
	// locations apart.
	Scope string
	// Resources are the wanted resources.
	Resources []Resource
	// Blocked holds wanted resources that cannot be built now, and why. They are neither
	// created nor changed nor deleted, and nor is anything that refers to them, so what
	// already serves keeps serving.
	Blocked map[Key]error
}

// Client writes one resource at a time; each provider implements it for its cloud (the
// fake's writes go to its in-memory Cloud). Errors are providers errors, classified.
type Client interface {
	Insert(ctx context.Context, want Resource) error
	// Patch changes the fields named, which are all mutable.
	Patch(ctx context.Context, have, want Resource, fields []string) error
	Delete(ctx context.Context, have Resource) error
}

// changed returns the names of the fields whose values differ, sorted.
func changed(have, want map[string]string) []string {
	var out []string
	for f, v := range want {
		if hv, ok := have[f]; !ok || hv != v {
			out = append(out, f)
		}
	}
	for f := range have {
		if _, ok := want[f]; !ok {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

// hashFields returns a digest of the fields, to remember a write without keeping it.
func hashFields(fields map[string]string) string {
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	slices.Sort(names)
	h := sha256.New()
	for _, f := range names {
		h.Write([]byte(f))
		h.Write([]byte{0})
		h.Write([]byte(fields[f]))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
