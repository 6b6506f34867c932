package gcp

import (
	"context"
	"maps"
	"strconv"

	"cloud.google.com/go/compute/apiv1/computepb"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// Google resolves the address a forwarding rule is created with and reads back only its
// IP, never the address's URL that portico sends. The canonical IPAddress of a rule is
// therefore the reference to the address holding that IP, when portico knows one; a rule
// on any other IP keeps the literal, differs from what is wanted, and is replaced.

// withOwnedAddressRefs bridges the rules of one load balancer to the addresses it owns:
// the snapshot already holds them, so this costs no call.
func withOwnedAddressRefs(have []plan.Resource) []plan.Resource {
	refs := map[string]string{}
	for _, r := range have {
		if a, ok := r.Spec.(*computepb.Address); ok && a.GetAddress() != "" {
			refs[strconv.Quote(a.GetAddress())] = strconv.Quote(relative(a.GetSelfLink()))
		}
	}
	return withAddressRef(have, refs)
}

// withStaticAddressRef bridges the rules to the user's static address, whose IP is read
// one at a time (the snapshot lists only this cluster's names).
func (p *Provider) withStaticAddressRef(ctx context.Context, loc string, want *providers.Desired, g plan.Graph, have []plan.Resource) []plan.Resource {
	if want.Spec.StaticAddress == "" {
		return have
	}
	ref := ""
	for _, r := range g.Resources {
		if r.Kind == KindForwardingRule {
			ref = r.Fields["IPAddress"]
			break
		}
	}
	ip := ""
	if ref != "" {
		ip = p.address(ctx, loc, want, have)
	}
	if ip == "" {
		return have
	}
	return withAddressRef(have, map[string]string{strconv.Quote(ip): ref})
}

// withAddressRef replaces, in forwarding rules, each IP literal that refs maps (both as
// canonical JSON strings) by its address reference.
func withAddressRef(have []plan.Resource, refs map[string]string) []plan.Resource {
	if len(refs) == 0 {
		return have
	}
	out := make([]plan.Resource, len(have))
	for i, r := range have {
		if ref, ok := refs[r.Fields["IPAddress"]]; ok && r.Kind == KindForwardingRule {
			r.Fields = maps.Clone(r.Fields) // the snapshot's copy is shared
			r.Fields["IPAddress"] = ref
		}
		out[i] = r
	}
	return out
}
