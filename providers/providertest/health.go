package providertest

import (
	"testing"

	"github.com/portico-dev/portico/providers"
)

// testHealthCoversEveryTarget checks Observed.Health: nil (a provider that checks no
// health), or one entry per target of each backend, in the order of Desired.Targets, each
// in a known state. The controller's readiness gate matches targets by this.
func (s *suite) testHealthCoversEveryTarget(t *testing.T) {
	cloud := s.h.NewCloud(t)
	p := cloud.Provider(clusterA)
	want := s.build(p, web(s, "health"))
	obs := mustEnsure(t, p, want)
	if obs.Health == nil {
		return
	}
	for _, be := range want.Spec.Backends {
		targets, health := want.Targets[be.Name], obs.Health[be.Name]
		if len(health) != len(targets) {
			t.Errorf("backend %s: health of %d target(s), want one per target (%d)", be.Name, len(health), len(targets))
			continue
		}
		for i, h := range health {
			if h.IP != targets[i].IP || h.Port != targets[i].Port {
				t.Errorf("backend %s: health[%d] is of %s:%d, want %s:%d", be.Name, i, h.IP, h.Port, targets[i].IP, targets[i].Port)
			}
			switch h.State {
			case providers.HealthHealthy, providers.HealthUnhealthy, providers.HealthUnknown:
			default:
				t.Errorf("backend %s: target %s:%d in state %q, not one of providers.Health*", be.Name, h.IP, h.Port, h.State)
			}
		}
	}
}
