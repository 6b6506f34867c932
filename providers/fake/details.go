package fake

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

func endpointChanges(old, new []Endpoint) string {
	added, removed := 0, 0
	for _, e := range new {
		if !slices.Contains(old, e) {
			added++
		}
	}
	for _, e := range old {
		if !slices.Contains(new, e) {
			removed++
		}
	}
	return fmt.Sprintf("endpoints: %d added, %d removed, %d now", added, removed, len(new))
}

// urlMapChanges names the hosts whose routes changed.
func urlMapChanges(old, new URLMapSpec) string {
	var out []string
	if old.HTTPSRedirect != new.HTTPSRedirect {
		out = append(out, "HTTPS redirect")
	}
	if old.DefaultService != new.DefaultService {
		out = append(out, "default service")
	}
	before, after := matchersByHost(old), matchersByHost(new)
	var hosts []string
	for h := range before {
		hosts = append(hosts, h)
	}
	for h := range after {
		if _, ok := before[h]; !ok {
			hosts = append(hosts, h)
		}
	}
	slices.Sort(hosts)
	for _, h := range hosts {
		b, inBefore := before[h]
		a, inAfter := after[h]
		switch {
		case !inBefore:
			out = append(out, "added host "+h)
		case !inAfter:
			out = append(out, "removed host "+h)
		case !reflect.DeepEqual(a, b):
			out = append(out, "path rules of host "+h)
		}
	}
	return strings.Join(out, "; ")
}

// matchersByHost maps each host to its matcher, without the matcher's name, which is only a
// position and says nothing about routing.
func matchersByHost(s URLMapSpec) map[string]PathMatcher {
	s = s.clone().(URLMapSpec)
	out := map[string]PathMatcher{}
	for _, h := range s.HostRules {
		for _, m := range s.PathMatchers {
			if m.Name == h.PathMatcher {
				m.Name = ""
				for _, host := range h.Hosts {
					out[host] = m
				}
			}
		}
	}
	return out
}
