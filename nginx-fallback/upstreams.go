package nginxfallback

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// keepalive is the number of idle connections each worker keeps to each upstream.
const keepalive = "32"

// upstream is one backend of one LoadBalancer with ready targets.
type upstream struct {
	name    string
	servers []string
}

// upstreamName is unique (a hash of the LoadBalancer and backend names as they are) and
// readable (both names reduced to [a-z0-9-]), so a user's name never reaches the
// configuration as written. The hash comes first: nginx looks every upstream name up by a
// linear scan that compares names from their first byte, so names that differ early keep a
// configuration of thousands of upstreams quick to load.
func upstreamName(lb, backend string) string {
	sum := sha256.Sum256([]byte(lb + "\x00" + backend))
	return "u" + hex.EncodeToString(sum[:])[:10] + "_" + identifier(lb, 24) + "_" + identifier(backend, 40)
}

// upstreamsOf lists an upstream for each backend that a site routes to and that has ready
// targets, by name.
func upstreamsOf(sites []site) ([]upstream, error) {
	byName := map[string]upstream{}
	for _, s := range sites {
		if s.lb == nil {
			continue
		}
		for _, b := range backendsOf(s) {
			if b == "" {
				continue
			}
			u, err := upstreamOf(s.lb, b)
			if err != nil {
				return nil, fmt.Errorf("loadbalancer %s: %w", shown(s.lb.Name), err)
			}
			if len(u.servers) > 0 {
				byName[u.name] = u
			}
		}
	}
	out := make([]upstream, 0, len(byName))
	for _, name := range sortedKeys(byName) {
		out = append(out, byName[name])
	}
	return out, nil
}

func backendsOf(s site) []string {
	out := []string{s.lb.Spec.DefaultBackend}
	for _, p := range s.paths {
		out = append(out, p.Backend)
	}
	return out
}

func upstreamOf(lb *LoadBalancer, backend string) (upstream, error) {
	if findBackend(&lb.Spec, backend) == nil {
		return upstream{}, fmt.Errorf("backend %s is not listed in spec.backends", shown(backend))
	}
	u := upstream{name: upstreamName(lb.Name, backend)}
	seen := map[string]bool{}
	for _, t := range lb.Targets[backend] {
		addr, err := checkTarget(t.IP, t.Port)
		if err != nil {
			return upstream{}, fmt.Errorf("backend %s: %w", shown(backend), err)
		}
		if !seen[addr] {
			seen[addr] = true
			u.servers = append(u.servers, addr)
		}
	}
	sort.Strings(u.servers)
	return u, nil
}

func findBackend(spec *v1alpha1.LoadBalancerSpec, name string) *v1alpha1.Backend {
	for i := range spec.Backends {
		if spec.Backends[i].Name == name {
			return &spec.Backends[i]
		}
	}
	return nil
}

func renderUpstream(c *conf, u upstream) {
	c.block("upstream", []string{u.name}, func() {
		for _, s := range u.servers {
			c.directive("server", s)
		}
		c.directive("keepalive", keepalive)
	})
}
