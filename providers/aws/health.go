package aws

import (
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// health reports the health of every target of every backend, one state per target of
// Desired.Targets in its order, from what the pass read of each target group (read only
// when it may have changed or a readiness gate waits; see targetCache).
func (p *Provider) health(want *providers.Desired, g plan.Graph, after []plan.Resource) map[string][]providers.TargetHealth {
	read := map[string]tgSpec{}
	for _, r := range after {
		if s, ok := r.Spec.(tgSpec); ok {
			read[r.Name] = s
		}
	}
	out := map[string][]providers.TargetHealth{}
	for _, r := range g.Resources {
		s, ok := r.Spec.(tgSpec)
		if !ok {
			continue
		}
		states := map[string]string{}
		for _, d := range read[r.Name].Health {
			if d.Target != nil {
				states[targetKey(*d.Target)] = stateOf(d.TargetHealth)
			}
		}
		be := backendOf(want, s.Backend)
		ts := want.Targets[s.Backend]
		hs := make([]providers.TargetHealth, 0, len(ts))
		for _, t := range ts {
			id := t.IP
			if be.TargetType == v1alpha1.TargetTypeInstance {
				id, _ = InstanceID(t.ProviderID)
			}
			state, ok := states[id+":"+itoa(t.Port)]
			if !ok {
				state = providers.HealthUnknown
			}
			hs = append(hs, providers.TargetHealth{IP: t.IP, Port: t.Port, State: state})
		}
		out[s.Backend] = hs
	}
	return out
}

func backendOf(want *providers.Desired, name string) v1alpha1.Backend {
	for _, b := range want.Spec.Backends {
		if b.Name == name {
			return b
		}
	}
	return v1alpha1.Backend{}
}

// stateOf maps a target's state in its group to the provider contract's: healthy and
// unhealthy as AWS says; initial (registering), unused (no listener sends it traffic yet),
// unavailable and draining are not known either way.
func stateOf(h *elbtypes.TargetHealth) string {
	if h == nil {
		return providers.HealthUnknown
	}
	switch h.State {
	case elbtypes.TargetHealthStateEnumHealthy:
		return providers.HealthHealthy
	case elbtypes.TargetHealthStateEnumUnhealthy:
		return providers.HealthUnhealthy
	}
	return providers.HealthUnknown
}

// HealthHint implements providers.HealthHinter.
func (p *Provider) HealthHint() string {
	return "check that the nodes' security groups are the ones portico lets the cluster's backend security group into (--aws-cluster-name's tag, --aws-node-security-groups), and that the health check path answers 200-399"
}
