package gcp

import (
	"fmt"
	"strconv"
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers/plan"
)

// routingOf says in words what in a resource decides where traffic goes, beyond its summary,
// one line each, for `portico plan`'s text. Hosts, paths and header values are quoted, so
// that no value of the input can forge a line of the output.
func routingOf(r plan.Resource, m proto.Message, svc *v1alpha1.ServiceRef) []string {
	switch s := m.(type) {
	case *computepb.UrlMap:
		return urlMapRouting(s)
	case *computepb.BackendService:
		if svc == nil {
			return nil
		}
		return []string{fmt.Sprintf("serves Service %s port %s", strconv.Quote(svc.Namespace+"/"+svc.Name), servicePort(*svc))}
	case *computepb.NetworkEndpointGroup:
		if n, ok := r.Spec.(negSpec); ok && len(n.Endpoints) > 0 {
			eps := make([]string, 0, len(n.Endpoints))
			for _, e := range n.Endpoints {
				eps = append(eps, endpointKey(e))
			}
			return []string{"endpoints " + strings.Join(eps, ", ")}
		}
	case *computepb.TargetHttpsProxy:
		return []string{"certificates " + strings.Join(lastParts(s.SslCertificates), ", ")}
	case *computepb.ForwardingRule:
		return []string{fmt.Sprintf("%s ports %s -> %s", s.GetIPProtocol(), s.GetPortRange(), lastPart(s.GetTarget()))}
	}
	return nil
}

func servicePort(ref v1alpha1.ServiceRef) string {
	if ref.PortName != "" {
		return strconv.Quote(ref.PortName)
	}
	return itoa(ref.PortNumber)
}

// urlMapRouting lists a URL map's host rules, then each matcher's path or route rules and
// default, then the map's default: the order in which Google evaluates them.
func urlMapRouting(u *computepb.UrlMap) []string {
	if u.DefaultUrlRedirect != nil {
		return []string{"every request -> redirect to HTTPS"}
	}
	var out []string
	for _, hr := range u.HostRules {
		out = append(out, fmt.Sprintf("hosts %s -> path matcher %s", quoteAll(hr.Hosts), hr.GetPathMatcher()))
	}
	for _, m := range u.PathMatchers {
		for _, r := range m.PathRules {
			out = append(out, fmt.Sprintf("  %s: paths %s -> %s", m.GetName(), quoteAll(r.Paths), lastPart(r.GetService())))
		}
		for _, r := range m.RouteRules {
			for _, mr := range r.MatchRules {
				out = append(out, fmt.Sprintf("  %s: priority %d %s -> %s", m.GetName(), r.GetPriority(), matchText(mr), lastPart(r.GetService())))
			}
		}
		out = append(out, fmt.Sprintf("  %s: anything else -> %s", m.GetName(), serviceOr404(m.DefaultService)))
	}
	return append(out, "other hosts -> "+serviceOr404(u.DefaultService))
}

func matchText(mr *computepb.HttpRouteRuleMatch) string {
	var parts []string
	if mr.FullPathMatch != nil {
		parts = append(parts, "full path "+strconv.Quote(mr.GetFullPathMatch()))
	}
	if mr.PrefixMatch != nil {
		parts = append(parts, "prefix "+strconv.Quote(mr.GetPrefixMatch()))
	}
	for _, h := range mr.HeaderMatches {
		op := "~"
		if h.GetInvertMatch() {
			op = "!~"
		}
		parts = append(parts, fmt.Sprintf("header %s %s %s", strconv.Quote(h.GetHeaderName()), op, strconv.Quote(h.GetRegexMatch())))
	}
	return strings.Join(parts, ", ")
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// serviceOr404 names a default backend service; without one portico's matchers answer 404.
func serviceOr404(s *string) string {
	if s == nil {
		return "404"
	}
	return lastPart(*s)
}

// lastPart is the name at the end of a resource URL.
func lastPart(url string) string { return url[strings.LastIndex(url, "/")+1:] }

func lastParts(urls []string) []string {
	out := make([]string, len(urls))
	for i, u := range urls {
		out[i] = lastPart(u)
	}
	return out
}
