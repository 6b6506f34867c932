package main

import (
	"fmt"
	"strings"

	"github.com/portico-dev/portico/providers/plan"
)

// planText renders a plan for a terminal: each load balancer, then each write with its
// summary and routing lines, then what is blocked, the problems and the assumptions.
func planText(doc plan.Document) string {
	var b strings.Builder
	if len(doc.LoadBalancers) == 0 {
		b.WriteString("no load balancer: no Ingress of portico's is served\n")
	}
	for _, lb := range doc.LoadBalancers {
		fmt.Fprintf(&b, "load balancer %s (provider %s, location %s)\n", lb.LoadBalancer, lb.Provider, quoteText(lb.Location))
		if len(lb.Members) > 0 {
			fmt.Fprintf(&b, "  members: %s\n", strings.Join(lb.Members, ", "))
		}
		if len(lb.Resources) == 0 && len(lb.Blocked) == 0 {
			b.WriteString("  no change: the cloud matches\n")
		}
		for _, r := range lb.Resources {
			fmt.Fprintf(&b, "  %-6s %s %s\n", r.Op, r.Kind, r.Name)
			detail := r.Detail
			if detail == "" {
				detail = r.Summary
			}
			if detail != "" {
				fmt.Fprintf(&b, "         %s\n", oneLine(detail))
			}
			for _, line := range r.Routing {
				fmt.Fprintf(&b, "         %s\n", oneLine(line))
			}
		}
		for _, bl := range lb.Blocked {
			fmt.Fprintf(&b, "  blocked %s %s: %s (%s)\n", bl.Kind, bl.Name, oneLine(bl.Message), bl.Reason)
		}
	}
	if len(doc.Problems) > 0 {
		b.WriteString("problems:\n")
		for _, p := range doc.Problems {
			fmt.Fprintf(&b, "  %s\n", oneLine(problemText(p)))
		}
	}
	if len(doc.Ignored) > 0 {
		b.WriteString("ignored, not portico's:\n")
		for _, ig := range doc.Ignored {
			fmt.Fprintf(&b, "  %s: %s\n", ig.Ingress, oneLine(ig.Reason))
		}
	}
	for _, a := range doc.Assumptions {
		fmt.Fprintf(&b, "assumed: %s\n", oneLine(a))
	}
	return b.String()
}

// oneLine escapes control characters, so that no value of the input can start a line of
// its own or move the cursor of a terminal.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }
