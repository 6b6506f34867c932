package main

import (
	"fmt"
	"strings"

	"github.com/portico-dev/portico/model"
)

// explainText renders an explanation for a terminal.
func explainText(r explainReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", r.URL)
	row := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "  %-14s %s\n", label, value)
		}
	}
	row("result", resultText(r.Explanation))
	row("load balancer", r.LoadBalancer)
	row("certificate", r.Certificate)
	if r.Ingress != "" {
		row("ingress", r.Ingress+" "+r.Rule)
	}
	if !r.DefaultBackend && r.Path != "" {
		row("rule", fmt.Sprintf("host %s, %s %s", hostLabel(r.Host), r.PathType, r.Path))
	}
	if r.Service != "" {
		row("backend", fmt.Sprintf("Service %s/%s port %s", r.ServiceNamespace, r.Service, r.ServicePort))
	}
	for i, why := range r.Reasons {
		label := ""
		if i == 0 {
			label = "why"
		}
		fmt.Fprintf(&b, "  %-14s %s\n", label, why)
	}
	if len(r.Problems) > 0 {
		b.WriteString("problems:\n")
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "  %-7s %s %s: %s (%s)\n", p.Severity, p.Ingress, p.Field, p.Message, p.Reason)
		}
	}
	if len(r.Ignored) > 0 {
		b.WriteString("ignored, not portico's:\n")
		for _, ig := range r.Ignored {
			fmt.Fprintf(&b, "  %s: %s\n", ig.Ingress, ig.Reason)
		}
	}
	for _, a := range r.Assumptions {
		fmt.Fprintf(&b, "assumed: %s\n", a)
	}
	return b.String()
}

func resultText(e model.Explanation) string {
	switch {
	case e.Status == 200 && e.DefaultBackend:
		return "200, served by the default backend"
	case e.Status == 200:
		return "200, routed"
	case e.Status == 301:
		return "301, redirected to " + e.Location
	case e.Status == 404:
		return "404, no route"
	}
	return "no listener: the connection is refused"
}

func hostLabel(h string) string {
	if h == "" {
		return "* (rule without host)"
	}
	return h
}
