package gcp

import (
	"context"
	"maps"
	"strconv"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// withAddressRefs makes forwarding rules that Google reports with an IP literal compare
// equal to the address reference portico sends: Google always reads back the IP of the
// address a rule was created with, never the address. A rule whose IP is the wanted
// address's IP reads as that address; any other stays as it is, and is replaced.
func (p *Provider) withAddressRefs(ctx context.Context, loc string, want *providers.Desired, g plan.Graph, have []plan.Resource) []plan.Resource {
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
	out := make([]plan.Resource, len(have))
	for i, r := range have {
		if r.Kind == KindForwardingRule && r.Fields["IPAddress"] == strconv.Quote(ip) {
			r.Fields = maps.Clone(r.Fields) // the snapshot's copy is shared
			r.Fields["IPAddress"] = ref
		}
		out[i] = r
	}
	return out
}
