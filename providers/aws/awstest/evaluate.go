package awstest

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// Request is what a rule sees of an HTTP request.
type Request struct {
	// Host is the Host header as the client sent it, port included when there is one.
	Host string
	// Path is the request's path. A query string or fragment left on it is split off, and
	// the query parsed into Query when Query is nil, so that a caller may pass "/a?b=c".
	Path string
	// Method is the HTTP method, for example GET.
	Method string
	// Query holds the query string's parameters, decoded.
	Query url.Values
	// Headers holds the request's header fields; the Host header is Host, not an entry here.
	Headers http.Header
	// SourceIP is the address of the client that connected, IPv4 or IPv6.
	SourceIP string
}

// Evaluate returns the rule of a listener that answers the request, as AWS evaluates them:
// non-default rules by ascending priority, the first whose every condition matches, else the
// default rule.
//
// It follows "Listener rules for your Application Load Balancer" (rules are evaluated in
// priority order, from the lowest value to the highest; the default rule is evaluated last)
// and "Condition types for listener rules" (several conditions of a rule are ANDed, several
// values of one condition ORed). Rules are as DescribeRules returns them: priorities are
// decimal strings, and "default" (or IsDefault) marks the default rule. An error says the
// rules are not a listener's (no or two default rules, a priority twice or unparsable) or a
// condition cannot be evaluated (an unknown field, a condition without a value, a CIDR or a
// regular expression that does not parse).
func Evaluate(rules []types.Rule, req Request) (types.Rule, error) {
	ordered, def, err := evalOrder(rules)
	if err != nil {
		return types.Rule{}, err
	}
	req = req.normalized()
	for _, r := range ordered {
		ok, err := evalRule(r, req)
		if err != nil {
			return types.Rule{}, fmt.Errorf("rule of priority %s: %w", evalDeref(r.Priority), err)
		}
		if ok {
			return r, nil
		}
	}
	return def, nil
}

// evalPriorityMax is the highest priority a rule may have (CreateRule: 1 to 50000).
const evalPriorityMax = 50000

// evalOrder returns the non-default rules by ascending priority, and the default rule.
func evalOrder(rules []types.Rule) ([]types.Rule, types.Rule, error) {
	type ranked struct {
		prio int
		rule types.Rule
	}
	var (
		out     []ranked
		def     types.Rule
		haveDef bool
		seen    = map[int]bool{}
	)
	for _, r := range rules {
		p := evalDeref(r.Priority)
		if (r.IsDefault != nil && *r.IsDefault) || p == "default" {
			if haveDef {
				return nil, types.Rule{}, errors.New("the listener has two default rules")
			}
			def, haveDef = r, true
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > evalPriorityMax {
			return nil, types.Rule{}, fmt.Errorf("rule priority %q is not a number from 1 to %d", p, evalPriorityMax)
		}
		if seen[n] {
			return nil, types.Rule{}, fmt.Errorf("two rules have priority %d", n)
		}
		seen[n] = true
		out = append(out, ranked{n, r})
	}
	if !haveDef {
		return nil, types.Rule{}, errors.New("the listener has no default rule")
	}
	slices.SortFunc(out, func(a, b ranked) int { return a.prio - b.prio })
	ordered := make([]types.Rule, len(out))
	for i, r := range out {
		ordered[i] = r.rule
	}
	return ordered, def, nil
}

// evalRule reports whether every condition of a non-default rule matches. AWS refuses a
// non-default rule without conditions, so such a rule is an error, not a match-all.
func evalRule(r types.Rule, req Request) (bool, error) {
	if len(r.Conditions) == 0 {
		return false, errors.New("the rule has no condition")
	}
	for _, c := range r.Conditions {
		ok, err := evalCondition(c, req)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// normalized splits a query string or fragment off the path. An empty path is "/": a request
// line never has one (RFC 9112, section 3.2: an empty path in absolute-form means "/").
func (r Request) normalized() Request {
	if i := strings.IndexByte(r.Path, '#'); i >= 0 {
		r.Path = r.Path[:i]
	}
	if i := strings.IndexByte(r.Path, '?'); i >= 0 {
		if r.Query == nil {
			r.Query, _ = url.ParseQuery(r.Path[i+1:]) // a malformed pair is dropped, as Go's server does
		}
		r.Path = r.Path[:i]
	}
	if r.Path == "" {
		r.Path = "/"
	}
	return r
}

func evalDeref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
