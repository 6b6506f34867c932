package model

import (
	"fmt"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// nearMisses explains the rules a request almost matched: the usual surprises of Ingress
// semantics, such as a trailing slash on an Exact path or a wildcard that covers one label.
func nearMisses(spec *v1alpha1.LoadBalancerSpec, host, path string, chosen Decision) []string {
	host, path = normalizeHost(host), normalizeRequestPath(path)
	var out []string
	for _, r := range spec.Rules {
		if r.Host != "" && strings.HasPrefix(string(r.Host), "*.") && !wildcardMatches(string(r.Host), host) &&
			strings.HasSuffix(host, string(r.Host)[1:]) {
			out = append(out, fmt.Sprintf("near miss: wildcard %s covers exactly one label, so it does not match %s", r.Host, host))
		}
		if string(r.Host) != chosen.Host {
			continue
		}
		for _, p := range r.Paths {
			if p.Path == chosen.Path && p.PathType == chosen.PathType {
				continue
			}
			if why := pathNearMiss(p, path, chosen); why != "" {
				out = append(out, "near miss: "+why)
			}
		}
	}
	return out
}

func pathNearMiss(p v1alpha1.PathRule, path string, chosen Decision) string {
	if PathMatches(p.PathType, p.Path, path) {
		return fmt.Sprintf("%s %s also matches, but %s %s is longer or Exact and wins", p.PathType, p.Path, chosen.PathType, chosen.Path)
	}
	switch {
	case p.PathType == v1alpha1.PathTypeExact && strings.TrimSuffix(p.Path, "/") == strings.TrimSuffix(path, "/"):
		return fmt.Sprintf("Exact %s does not match %s: Exact paths must be equal, trailing slash included", p.Path, path)
	case strings.EqualFold(p.Path, path) || PathMatches(p.PathType, strings.ToLower(p.Path), strings.ToLower(path)):
		return fmt.Sprintf("%s %s does not match %s: paths are case-sensitive", p.PathType, p.Path, path)
	case p.PathType == v1alpha1.PathTypePrefix && strings.HasPrefix(path, p.Path):
		return fmt.Sprintf("Prefix %s does not match %s: Prefix matches whole path elements, not string prefixes", p.Path, path)
	}
	return ""
}
