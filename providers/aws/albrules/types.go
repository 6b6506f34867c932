package albrules

import (
	"fmt"
	"slices"
	"strings"
)

// Condition reasons of the errors Translate returns.
const (
	ReasonHostInvalid     = "HostInvalid"
	ReasonPathInvalid     = "PathInvalid"
	ReasonBackendNotFound = "BackendNotFound"
	ReasonTooManyRules    = "TooManyListenerRules"
	ReasonSpecMissing     = "LoadBalancerSpecMissing"
)

// Action is what a rule does with the requests it matches: forward to a backend's target
// group, or answer with a fixed response.
type Action struct {
	// Backend names an entry of spec.backends; "" means the fixed response FixedStatus.
	Backend string
	// FixedStatus is the status of the fixed response when Backend is "".
	FixedStatus int32
}

// NotFound is the fixed response of a load balancer without a default backend.
var NotFound = Action{FixedStatus: 404}

// Fixed responses are plain text saying which status the default backend gave.
const (
	FixedContentType = "text/plain"
	fixedBodyFormat  = "default backend - %d"
)

// FixedBody is the message body of a fixed response of this status.
func FixedBody(status int32) string { return fmt.Sprintf(fixedBodyFormat, status) }

// Rule is one listener rule: the requests whose host matches one of Hosts or HostRegexes
// (any host when both are empty) and whose path matches one of Paths (any path when empty).
// The values are in the order they are written to AWS.
type Rule struct {
	// Hosts are host-header values: host names with AWS's '*' and '?' wildcards.
	Hosts []string
	// HostRegexes are host-header regular expressions, for a host AWS takes no host name
	// value for (one without a dot, such as "intranet"; see hostCondition).
	HostRegexes []string
	// Paths are path-pattern values.
	Paths []string
	// Action is what the rule does.
	Action Action
}

// Listener is the rules of one listener, in priority order (index 0 is priority 1), and its
// default action.
type Listener struct {
	Rules   []Rule
	Default Action
}

// Limits are the AWS quotas a translation fits in. A zero field takes AWS's default.
type Limits struct {
	// RulesPerListener is how many rules, the default rule aside, the listener may hold.
	// AWS's quota, "Rules per Application Load Balancer", counts the rules of every listener
	// of the load balancer: a provider that writes the same rules on ports 80 and 443 gives
	// each listener half of it.
	RulesPerListener int
	// ValuesPerRule is how many condition values one rule may hold, all conditions together.
	ValuesPerRule int
	// ValuesPerCondition is how many values one condition may hold.
	ValuesPerCondition int
	// WildcardsPerRule is how many '*' and '?' one rule's values may hold in all.
	WildcardsPerRule int
}

// DefaultLimits are AWS's defaults ("Quotas for your Application Load Balancers", "Listener
// rules for your Application Load Balancer"): 100 rules (the default rule aside), 5 condition
// values per rule and 3 per condition, 5 condition wildcards per rule.
var DefaultLimits = Limits{RulesPerListener: 100, ValuesPerRule: 5, ValuesPerCondition: 3, WildcardsPerRule: 5}

func (l Limits) withDefaults() Limits {
	if l.RulesPerListener <= 0 {
		l.RulesPerListener = DefaultLimits.RulesPerListener
	}
	if l.ValuesPerRule <= 0 {
		l.ValuesPerRule = DefaultLimits.ValuesPerRule
	}
	if l.ValuesPerCondition <= 0 {
		l.ValuesPerCondition = DefaultLimits.ValuesPerCondition
	}
	if l.WildcardsPerRule <= 0 {
		l.WildcardsPerRule = DefaultLimits.WildcardsPerRule
	}
	return l
}

// Key is the canonical identity of a rule's conditions and action: two rules with the same
// key route the same requests the same way, whatever order their values were written in. A
// provider matches the live rules (read back with FromSDK) to the wanted ones by key, so
// that only rules whose key changed are written.
func (r Rule) Key() string {
	return fmt.Sprintf("host=%s regex=%s path=%s -> %s",
		sortedQuoted(r.Hosts), sortedQuoted(r.HostRegexes), sortedQuoted(r.Paths), r.Action.key())
}

func (a Action) key() string {
	if a.Backend != "" {
		return fmt.Sprintf("forward %q", a.Backend)
	}
	return fmt.Sprintf("fixed %d", a.FixedStatus)
}

// String says what the action does, for messages: "backend web" or "fixed response 404".
func (a Action) String() string {
	if a.Backend != "" {
		return "backend " + a.Backend
	}
	return fmt.Sprintf("fixed response %d", a.FixedStatus)
}

func sortedQuoted(values []string) string {
	s := slices.Clone(values)
	slices.Sort(s)
	quoted := make([]string, len(s))
	for i, v := range s {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(quoted, " ") + "]"
}
