package aws

import (
	"cmp"
	"errors"
	"slices"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// observe reports what exists after a pass: every owned resource in dependency order, the
// ALB's DNS name, and each frontend port with the error that keeps it from serving as
// wanted.
func (p *Provider) observe(want *providers.Desired, after []plan.Resource, cause func(plan.Key) error, stop error) *providers.Observed {
	obs := &providers.Observed{}
	slices.SortFunc(after, func(a, b plan.Resource) int {
		return cmp.Or(cmp.Compare(slices.Index(Kinds, a.Kind), slices.Index(Kinds, b.Kind)), cmp.Compare(a.Name, b.Name))
	})
	listeners := map[int32]plan.Key{}
	var alb *lbSpec
	for _, r := range after {
		res := v1alpha1.CloudResource{Kind: r.Kind, Name: r.Name}
		switch s := r.Spec.(type) {
		case sgSpec:
			res.ID = s.ID
		case tgSpec:
			res.ID = s.ARN
		case certSpec:
			res.ID = s.ARN
		case lbSpec:
			res.ID, res.State = s.ARN, s.State
			if alb == nil || s.Create.Scheme == "" || string(s.Create.Scheme) == schemeOf(want.Spec, want.Params) {
				alb = &s
			}
		case listenerSpec:
			res.ID = s.ARN
			listeners[s.Port] = r.Key
		case rulesSpec:
			// Each rule is a resource of its own in AWS, and so in the table users read.
			for _, rule := range s.Rules {
				obs.Resources = append(obs.Resources, v1alpha1.CloudResource{Kind: KindListenerRule, Name: ruleName(r.Name, rule), ID: rule.ARN})
			}
			continue
		}
		obs.Resources = append(obs.Resources, res)
	}
	if alb != nil && alb.DNSName != "" {
		obs.Addresses = []v1alpha1.Address{{Hostname: alb.DNSName}}
	}
	fe := want.Spec.Frontends
	for _, port := range []int32{80, 443} {
		if port == 80 && !fe.HTTP || port == 443 && !fe.HTTPS {
			continue
		}
		k, exists := listeners[port]
		var err error
		if exists {
			err = cause(k)
		} else if err = stop; err == nil {
			err = errors.New("the listener was not created")
		}
		obs.Ports = append(obs.Ports, portStatus(port, err))
	}
	return obs
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
