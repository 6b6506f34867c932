// Package albrules translates a load balancer's route table (spec.rules and
// spec.defaultBackend) into the listener rules of an AWS Application Load Balancer that route
// as Kubernetes does, and is the answer on AWS to "how does my traffic flow through it?".
//
// # Why an order is needed
//
// Kubernetes chooses a host rule first (a precise host, else a wildcard "*.foo.com" that
// covers exactly one label, else the rule without host) and then, within that host rule
// only, the longest matching path, Exact before Prefix at equal length; a request no path of
// its host takes goes to the default backend, never to another host's rules (model.Route).
// ALB knows none of this: it tries the rules by ascending priority and the first whose
// conditions all match answers; its path patterns and host names know only the wildcards
// '*' (any characters, dots and slashes included) and '?'. The translation therefore writes
// each Kubernetes rule as patterns that match exactly its requests, and puts the rules in an
// order in which the first match is Kubernetes' choice:
//
//  1. Precise hosts, by name. Each host's path rules come longest first, Exact before Prefix
//     at equal length, spec order last (the reference router's tie-break); then a catch-all
//     for the host alone, to the default action, so that no later rule (a wildcard's or one
//     without host) answers a request for a host that has rules.
//  2. Wildcard hosts, more labels first ("*.bar.foo.com" before "*.foo.com": a name one of
//     them covers is never one label under another with fewer). ALB's "*.foo.com" also takes
//     "a.b.foo.com", which Kubernetes does not, so each wildcard is preceded by a guard for
//     "*.*.foo.com" that sends such deeper names where Kubernetes sends them: through copies
//     of the rules without host, then to the default action. Then the wildcard's own rules
//     and its catch-all, as for a precise host.
//  3. The rules without host, with no catch-all: the listener's default rule follows.
//  4. The default action: the default backend, else a fixed 404 ("default backend - 404").
//
// Three things keep the count of rules down without changing where a request goes. A rule
// whose paths include /* matches every path, so it is written with its host alone and the
// host's catch-all, never reached, is left out. Precise hosts never overlap one another, so
// hosts with the same path rules share their rules (up to three hosts in one condition, as
// many as gives the fewest rules). A catch-all (or any rule to the default action) that no
// later rule to another action could compete with is left out, as it changes nothing: a
// listener of precise hosts and no rule without host needs none.
//
// # How paths are written
//
// Exact /foo is the pattern /foo. Prefix /foo (or /foo/: Kubernetes ignores the trailing
// slash) is /foo and /foo/*, never /foo*, which would take /foobar. Prefix / is /*. A path
// holding '*' or '?' is refused rather than escaped, as ALB has no escape for them and the
// pattern would widen; so is a character AWS refuses in a path pattern. Paths are
// case-sensitive on both sides, and ALB compares the path without its query string. AWS
// documents no normalization of the request path before matching, while model.Route decodes
// percent-escapes and resolves "." and ".." segments first: the two agree on paths a client
// sends in normal form, which the routing tables use.
//
// # Hosts
//
// Host names compare case-insensitively and without the port on both sides. AWS takes a
// host-header value only with a dot and letters after the last one, so a precise host such as
// "intranet" is written as a regular expression, (?i)^intranet(:[0-9]+)?$ (a regular
// expression sees the Host header with its port); a wildcard host AWS cannot take is refused.
//
// # Limits
//
// AWS allows five condition values per rule, three per condition and five wildcards per
// rule, so a host's path values are spread over consecutive rules (a host value counts; a
// Prefix costs two), which keeps their order and so their meaning. A listener that needs more rules than
// Limits.RulesPerListener is refused with an error whose reason is TooManyListenerRules and
// whose message says how many rules it needs.
//
// Translate is pure and deterministic; Rule.Key gives a rule's canonical identity, so that a
// provider can match live rules (FromSDK) to wanted ones and write only what changed.
package albrules
