package gcp

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"

	"cloud.google.com/go/compute/apiv1/computepb"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/providers/ratelimit"
)

// observe reports what exists after a pass: every owned resource in dependency order, the
// address, and each frontend port with the error that keeps it from serving as wanted.
func (p *Provider) observe(ctx context.Context, loc string, want *providers.Desired, after []plan.Resource,
	cause func(plan.Key) error, stop error) *providers.Observed {
	obs := &providers.Observed{}
	slices.SortFunc(after, func(a, b plan.Resource) int {
		return cmp.Or(cmp.Compare(slices.Index(Kinds, a.Kind), slices.Index(Kinds, b.Kind)), cmp.Compare(a.Name, b.Name))
	})
	exists := map[plan.Key]bool{}
	for _, r := range after {
		exists[r.Key] = true
		res := v1alpha1.CloudResource{Kind: r.Kind, Name: r.Name, ID: idOf(r.Spec), State: stateOf(r.Spec), Link: linkOf(r.Spec)}
		if n, ok := r.Spec.(negSpec); ok {
			res.Fingerprint = groupFingerprint(n)
		}
		obs.Resources = append(obs.Resources, res)
	}
	if ip := p.address(ctx, loc, want, after); ip != "" {
		obs.Addresses = []v1alpha1.Address{{IP: ip}}
	}
	fe := want.Spec.Frontends
	for _, port := range []int32{80, 443} {
		if port == 80 && !fe.HTTP || port == 443 && !fe.HTTPS {
			continue
		}
		fr := plan.Key{Kind: KindForwardingRule, Name: p.namer.Name(kinds[KindForwardingRule].abbrev, want.Ref.Name, map[int32]string{80: "http", 443: "https"}[port])}
		err := cause(fr)
		if err == nil && !exists[fr] {
			err = stop
			if err == nil {
				err = errors.New("the forwarding rule was not created")
			}
		}
		obs.Ports = append(obs.Ports, portStatus(port, err))
	}
	return obs
}

// address is the IP the load balancer answers on: its own address's, or the static one's,
// read one at a time as the snapshot lists only this cluster's names.
func (p *Provider) address(ctx context.Context, loc string, want *providers.Desired, after []plan.Resource) string {
	if !want.Spec.Frontends.HTTP && !want.Spec.Frontends.HTTPS {
		return ""
	}
	if static := want.Spec.StaticAddress; static != "" {
		api, err := p.conn.get(ctx)
		if err != nil {
			return ""
		}
		if err := p.opts.Limiter.Wait(ctx, ratelimit.Read); err != nil {
			return ""
		}
		a, err := api.Addresses.Get(ctx, &computepb.GetGlobalAddressRequest{Project: projectOf(loc), Address: static})
		if err != nil {
			return ""
		}
		return a.GetAddress()
	}
	for _, r := range after {
		if a, ok := r.Spec.(*computepb.Address); ok {
			return a.GetAddress()
		}
	}
	return ""
}

// portStatus reports a frontend port: a CamelCase reason in Error, as the Ingress API wants,
// and what failed in Message.
func portStatus(port int32, err error) v1alpha1.PortStatus {
	ps := v1alpha1.PortStatus{Port: port, Protocol: "TCP"}
	if err != nil {
		ps.Error, ps.Message = providers.ReasonOf(err), err.Error()
	}
	return ps
}

func idOf(spec any) string {
	spec = messageOf(spec)
	if m, ok := spec.(interface{ GetId() uint64 }); ok && m.GetId() != 0 {
		return strconv.FormatUint(m.GetId(), 10)
	}
	return ""
}

// linkOf is the resource's self-link, as Google reports it.
func linkOf(spec any) string {
	spec = messageOf(spec)
	if m, ok := spec.(interface{ GetSelfLink() string }); ok {
		return m.GetSelfLink()
	}
	return ""
}

func stateOf(spec any) string {
	if a, ok := spec.(*computepb.Address); ok {
		return a.GetStatus()
	}
	return ""
}

// messageOf is the compute message of a spec: a group's, for the specs that hold members.
func messageOf(spec any) any {
	switch s := spec.(type) {
	case negSpec:
		return s.Group
	case igSpec:
		return s.Group
	}
	return spec
}
