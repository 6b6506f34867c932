package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

var _ plan.Reporter = (*Provider)(nil)

// Report implements plan.Reporter: the plan of Plan, with each resource's spec as the Cloud
// would store it (never a private key), the Service each backend service serves, and the
// fields that decide routing in words.
func (p *Provider) Report(ctx context.Context, want *providers.Desired) (*plan.Report, error) {
	d, st, err := p.prepare(ctx, want)
	if err != nil {
		return nil, err
	}
	services := map[string]v1alpha1.ServiceRef{}
	for _, b := range want.Spec.Backends {
		services[p.backendServiceName(d.lb, b.Name)] = b.Service
	}
	pl := p.engine.Plan(d.graph(), st.observed())
	head := plan.Report{LoadBalancer: d.lb, Provider: ProviderName, Location: d.loc}
	return p.engine.Report(pl, head, func(r plan.Resource) (json.RawMessage, *v1alpha1.ServiceRef, []string) {
		spec := specOf(r)
		raw, err := json.Marshal(spec)
		if err != nil {
			raw = nil
		}
		var svc *v1alpha1.ServiceRef
		if ref, ok := services[r.Name]; ok && r.Kind == KindBackendService {
			svc = &ref
		}
		return raw, svc, routingOf(spec, svc)
	}), nil
}

// routingOf says what in a resource decides where traffic goes beyond its summary (which
// names a forwarding rule's port and target, a proxy's URL map), one line each. Hosts and
// paths are quoted, so that no value can forge a line of the output.
func routingOf(spec Spec, svc *v1alpha1.ServiceRef) []string {
	switch s := spec.(type) {
	case URLMapSpec:
		return urlMapRouting(s)
	case BackendServiceSpec:
		if svc == nil {
			return nil
		}
		return []string{fmt.Sprintf("serves Service %s port %s", strconv.Quote(svc.Namespace+"/"+svc.Name), servicePort(*svc))}
	case TargetHTTPSProxySpec:
		return []string{"certificates " + strings.Join(s.SslCertificates, ", ")}
	}
	return nil
}

func servicePort(ref v1alpha1.ServiceRef) string {
	if ref.PortName != "" {
		return strconv.Quote(ref.PortName)
	}
	return strconv.Itoa(int(ref.PortNumber))
}

// urlMapRouting lists a URL map's host rules, then each matcher's path or route rules and
// default, then the map's default.
func urlMapRouting(s URLMapSpec) []string {
	if s.HTTPSRedirect {
		return []string{"every request -> redirect to HTTPS"}
	}
	var out []string
	for _, hr := range s.HostRules {
		out = append(out, fmt.Sprintf("hosts %s -> path matcher %s", quoteAll(hr.Hosts), hr.PathMatcher))
	}
	for _, m := range s.PathMatchers {
		for _, r := range m.PathRules {
			out = append(out, fmt.Sprintf("  %s: paths %s -> %s", m.Name, quoteAll(r.Paths), r.Service))
		}
		for _, r := range m.RouteRules {
			for _, mr := range r.MatchRules {
				out = append(out, fmt.Sprintf("  %s: priority %d %s -> %s", m.Name, r.Priority, matchText(mr), r.Service))
			}
		}
		out = append(out, fmt.Sprintf("  %s: anything else -> %s", m.Name, serviceOr404(m.DefaultService)))
	}
	return append(out, "other hosts -> "+serviceOr404(s.DefaultService))
}

func matchText(mr MatchRule) string {
	var parts []string
	if mr.FullPathMatch != "" {
		parts = append(parts, "full path "+strconv.Quote(mr.FullPathMatch))
	}
	if mr.PrefixMatch != "" {
		parts = append(parts, "prefix "+strconv.Quote(mr.PrefixMatch))
	}
	for _, h := range mr.HeaderMatches {
		op := "~"
		if h.InvertMatch {
			op = "!~"
		}
		parts = append(parts, fmt.Sprintf("header %s %s %s", strconv.Quote(h.HeaderName), op, strconv.Quote(h.RegexMatch)))
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

func serviceOr404(s string) string {
	if s == "" {
		return "404"
	}
	return s
}
