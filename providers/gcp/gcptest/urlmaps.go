package gcptest

import (
	"fmt"
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// urlMaps are global URL maps. Updates need the current fingerprint.
var urlMaps = register(&kind{
	collection: "urlMaps", iamName: "urlMaps", kindName: "compute#urlMap",
	newItem:             func() proto.Message { return &computepb.UrlMap{} },
	newList:             func() proto.Message { return &computepb.UrlMapList{} },
	fingerprintRequired: true, patch: true, update: true,
	validate: func(_ *project, m proto.Message) error { return validateURLMap(m.(*computepb.UrlMap)) },
})

func init() { addCRUD(urlMaps) }

func validateURLMap(u *computepb.UrlMap) error {
	if u.DefaultService == nil && u.DefaultUrlRedirect == nil && u.DefaultRouteAction == nil {
		return errInvalid("Invalid value for field 'resource': a URL map needs a defaultService, defaultUrlRedirect or defaultRouteAction")
	}
	matchers := map[string]bool{}
	for i, pm := range u.PathMatchers {
		if matchers[pm.GetName()] {
			return errInvalid("Invalid value for field 'resource.pathMatchers[%d].name': '%s'. Duplicate path matcher name", i, pm.GetName())
		}
		matchers[pm.GetName()] = true
		if err := validatePathMatcher(i, pm); err != nil {
			return err
		}
	}
	return validateHostRules(u.HostRules, matchers)
}

// validateHostRules: each rule names an existing matcher, each host appears once.
func validateHostRules(rules []*computepb.HostRule, matchers map[string]bool) error {
	hosts := map[string]bool{}
	for i, hr := range rules {
		if !matchers[hr.GetPathMatcher()] {
			return errInvalid("Invalid value for field 'resource.hostRules[%d].pathMatcher': '%s'. The path matcher does not exist", i, hr.GetPathMatcher())
		}
		for _, h := range hr.Hosts {
			if err := validHostPattern(i, h); err != nil {
				return err
			}
			if hosts[h] {
				return errInvalid("Invalid value for field 'resource.hostRules[%d].hosts': '%s'. Duplicate host", i, h)
			}
			hosts[h] = true
		}
	}
	return nil
}

func validatePathMatcher(i int, pm *computepb.PathMatcher) error {
	field := fmt.Sprintf("resource.pathMatchers[%d]", i)
	if pm.GetName() == "" {
		return errRequired(field + ".name")
	}
	if pm.DefaultService == nil && pm.DefaultUrlRedirect == nil && pm.DefaultRouteAction == nil {
		return errInvalid("Invalid value for field '%s': a path matcher needs a defaultService, defaultUrlRedirect or defaultRouteAction", field)
	}
	if len(pm.PathRules) > 0 && len(pm.RouteRules) > 0 {
		return errInvalid("Invalid value for field '%s': a path matcher cannot have both pathRules and routeRules", field)
	}
	if err := validatePathRules(field, pm.PathRules); err != nil {
		return err
	}
	return validateRouteRules(field, pm.RouteRules)
}

// validatePathRules: paths start with "/", a "*" only as a final "/*", no path twice.
func validatePathRules(field string, rules []*computepb.PathRule) error {
	seen := map[string]bool{}
	for i, pr := range rules {
		for _, p := range pr.Paths {
			if !strings.HasPrefix(p, "/") || strings.Contains(strings.TrimSuffix(p, "/*"), "*") {
				return errInvalid("Invalid value for field '%s.pathRules[%d].paths': '%s'. A path must start with / and may only end with /* as a wildcard", field, i, p)
			}
			if seen[p] {
				return errInvalid("Invalid value for field '%s.pathRules[%d].paths': '%s'. Duplicate path", field, i, p)
			}
			seen[p] = true
		}
		if pr.Service == nil && pr.UrlRedirect == nil && pr.RouteAction == nil {
			return errInvalid("Invalid value for field '%s.pathRules[%d]': a path rule needs a service, urlRedirect or routeAction", field, i)
		}
	}
	return nil
}

// validateRouteRules: unique priorities, one path match per match rule.
func validateRouteRules(field string, rules []*computepb.HttpRouteRule) error {
	priorities := map[int32]bool{}
	for i, rr := range rules {
		if rr.Priority == nil {
			return errRequired(fmt.Sprintf("%s.routeRules[%d].priority", field, i))
		}
		if priorities[rr.GetPriority()] || rr.GetPriority() < 0 {
			return errInvalid("Invalid value for field '%s.routeRules[%d].priority': '%d'. Priorities must be unique and not negative", field, i, rr.GetPriority())
		}
		priorities[rr.GetPriority()] = true
		if rr.Service == nil && rr.UrlRedirect == nil && rr.RouteAction == nil {
			return errInvalid("Invalid value for field '%s.routeRules[%d]': a route rule needs a service, urlRedirect or routeAction", field, i)
		}
		for j, mr := range rr.MatchRules {
			n := 0
			for _, set := range []bool{mr.PrefixMatch != nil, mr.FullPathMatch != nil, mr.RegexMatch != nil, mr.PathTemplateMatch != nil} {
				if set {
					n++
				}
			}
			if n > 1 {
				return errInvalid("Invalid value for field '%s.routeRules[%d].matchRules[%d]': only one of prefixMatch, fullPathMatch, regexMatch and pathTemplateMatch may be set", field, i, j)
			}
		}
	}
	return nil
}

// validHostPattern: "*" may only come first, alone or followed by "." or "-".
func validHostPattern(i int, h string) error {
	rest, wild := strings.CutPrefix(h, "*")
	ok := h != "" && !strings.Contains(rest, "*") &&
		(!wild || rest == "" || rest[0] == '.' || rest[0] == '-')
	if !ok {
		return errInvalid("Invalid value for field 'resource.hostRules[%d].hosts': '%s'. A * may only be the first character, followed by . or -", i, h)
	}
	return nil
}
