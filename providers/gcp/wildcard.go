package gcp

import (
	"regexp"
	"slices"
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// wildcardRoutes bridges a Kubernetes wildcard host "*.suffix", which covers exactly one
// label, onto Google's, which covers any number: first the host's own paths, for a Host of
// one label more than suffix (port allowed), as a header match on host; then the paths of
// the rules without host, for every deeper name, where Kubernetes sends them; what matches
// neither goes to the matcher's default, the default backend, as in Kubernetes.
func wildcardRoutes(suffix string, own, anyHost []*computepb.PathRule) []*computepb.HttpRouteRule {
	oneLabel := `(?i)[^.]+\.` + regexp.QuoteMeta(suffix) + `\.?(:[0-9]+)?`
	var out []*computepb.HttpRouteRule
	add := func(rules []*computepb.PathRule, invert bool) {
		for _, rp := range byPrecedence(rules) {
			header := &computepb.HttpHeaderMatch{HeaderName: proto.String("host"), RegexMatch: proto.String(oneLabel)}
			if invert { // Google leaves a false invertMatch out of what it reports
				header.InvertMatch = proto.Bool(true)
			}
			match := &computepb.HttpRouteRuleMatch{HeaderMatches: []*computepb.HttpHeaderMatch{header}}
			if rp.full != "" {
				match.FullPathMatch = proto.String(rp.full)
			} else {
				match.PrefixMatch = proto.String(rp.prefix)
			}
			out = append(out, &computepb.HttpRouteRule{
				Priority: proto.Int32(int32(len(out) + 1)), MatchRules: []*computepb.HttpRouteRuleMatch{match}, Service: proto.String(rp.service),
			})
		}
	}
	add(own, false)
	add(anyHost, true)
	return out
}

// routePath is one Google path as a route rule matches it.
type routePath struct{ full, prefix, service string }

// byPrecedence orders the paths of path rules as Google ranks path rules, so that route
// rules tried in order agree: every exact path first, then the prefixes, longest first.
func byPrecedence(rules []*computepb.PathRule) []routePath {
	var out []routePath
	for _, r := range rules {
		for _, p := range r.Paths {
			if base, ok := strings.CutSuffix(p, "*"); ok {
				out = append(out, routePath{prefix: base, service: r.GetService()})
			} else {
				out = append(out, routePath{full: p, service: r.GetService()})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b routePath) int {
		if (a.full == "") != (b.full == "") {
			if a.full != "" {
				return -1
			}
			return 1
		}
		if c := len(b.prefix) - len(a.prefix); c != 0 {
			return c
		}
		return strings.Compare(a.full+a.prefix, b.full+b.prefix)
	})
	return out
}
