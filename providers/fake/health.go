package fake

import (
	"fmt"

	"github.com/portico-dev/portico/providers"
)

// The fake cloud runs no health checker: every target is healthy unless a test says
// otherwise with SetTargetHealth, as a real cloud would report a target that fails its
// health check.

// SetTargetHealth sets the state (providers.HealthHealthy, HealthUnhealthy or
// HealthUnknown) reported for the target ip:port in every load balancer; "" restores the
// default, healthy.
func (c *Cloud) SetTargetHealth(ip string, port int32, state string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := fmt.Sprintf("%s:%d", ip, port)
	if state == "" {
		delete(c.health, key)
		return
	}
	if c.health == nil {
		c.health = map[string]string{}
	}
	c.health[key] = state
}

// healthOf reports the health of every target of every backend of want. It reads nothing
// from the cloud's resources and makes no call, so it costs a resync nothing.
func (c *Cloud) healthOf(want *providers.Desired) map[string][]providers.TargetHealth {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string][]providers.TargetHealth, len(want.Spec.Backends))
	for _, be := range want.Spec.Backends {
		ts := want.Targets[be.Name]
		hs := make([]providers.TargetHealth, 0, len(ts))
		for _, t := range ts {
			state, ok := c.health[fmt.Sprintf("%s:%d", t.IP, t.Port)]
			if !ok {
				state = providers.HealthHealthy
			}
			hs = append(hs, providers.TargetHealth{IP: t.IP, Port: t.Port, State: state})
		}
		out[be.Name] = hs
	}
	return out
}
