package albrules

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/providers"
)

// maxValueLength is the longest condition value AWS takes, host names, path patterns and
// regular expressions alike.
const maxValueLength = 128

// hostKind is what a rule's host condition matches.
type hostKind int

const (
	hostAny      hostKind = iota // no host condition
	hostExact                    // host names, each matched whole
	hostWildcard                 // "*.S": by ALB's '*', every name ending in ".S"
	hostGuard                    // "*.*.S": every name of two labels or more before ".S"
)

// hostCond is the host condition of a rule being built: the hosts of hostExact (several when
// hosts with the same rules share them), or the one suffix S of the others.
type hostCond struct {
	kind  hostKind
	names []string
}

func exactHost(host string) hostCond { return hostCond{kind: hostExact, names: []string{host}} }
func wildcardHost(suffix string) hostCond {
	return hostCond{kind: hostWildcard, names: []string{suffix}}
}
func guardHost(suffix string) hostCond { return hostCond{kind: hostGuard, names: []string{suffix}} }

// key identifies the condition.
func (h hostCond) key() string { return strconv.Itoa(int(h.kind)) + " " + strings.Join(h.names, " ") }

// name is the condition's first host, or its suffix.
func (h hostCond) name() string {
	if len(h.names) == 0 {
		return ""
	}
	return h.names[0]
}

// hostnamePattern is the API's Hostname: lowercase DNS labels, or "*." and a DNS name.
var hostnamePattern = regexp.MustCompile(`^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// parseHost checks a host of the spec and returns its condition. The API validates hosts;
// this guards against a spec that skipped validation, and against what AWS refuses.
func parseHost(host string) (hostCond, error) {
	if len(host) > 253 || !hostnamePattern.MatchString(host) {
		return hostCond{}, providers.Invalid(ReasonHostInvalid, nil, "host %q is not a lowercase DNS name or a wildcard *.name", host)
	}
	suffix, wildcard := strings.CutPrefix(host, "*.")
	if !wildcard {
		h := exactHost(host)
		if _, re := h.values(); len(re) > 0 && len(re[0]) > maxValueLength {
			return hostCond{}, providers.Invalid(ReasonHostInvalid, nil,
				"AWS takes host %q only as a regular expression (a host name value needs a dot, letters after the last one and at most %d characters), and %s is longer than that too",
				host, maxValueLength, re[0])
		}
		return h, nil
	}
	guard := guardHost(suffix)
	if v, _ := guard.values(); len(v[0]) > maxValueLength || !takesHostName(host) {
		return hostCond{}, providers.Invalid(ReasonHostInvalid, nil,
			"wildcard host %q cannot be written as an ALB host condition: AWS takes names of at most %d characters (this one needs %s) that end in a dot and letters",
			host, maxValueLength, v[0])
	}
	return wildcardHost(suffix), nil
}

// takesHostName reports whether AWS takes v as a host-header value: at most 128 characters,
// at least one dot, and only letters after the last one (HostHeaderConditionConfig).
func takesHostName(v string) bool {
	i := strings.LastIndexByte(v, '.')
	if len(v) > maxValueLength || i < 0 || i == len(v)-1 {
		return false
	}
	for _, c := range v[i+1:] {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// values returns the host-header values of the condition. A host AWS takes no host name for
// ("intranet", "printer.local1") is a regular expression instead: case-insensitive, with an
// optional port, since a regular expression sees the Host header as sent.
func (h hostCond) values() (hosts, regexes []string) {
	switch h.kind {
	case hostExact:
		for _, n := range h.names {
			if takesHostName(n) {
				hosts = append(hosts, n)
			} else {
				regexes = append(regexes, `(?i)^`+regexp.QuoteMeta(n)+`(:[0-9]+)?$`)
			}
		}
		return hosts, regexes
	case hostWildcard:
		return []string{"*." + h.name()}, nil
	case hostGuard:
		return []string{"*.*." + h.name()}, nil
	}
	return nil, nil
}

// cost is how many condition values the host condition takes.
func (h hostCond) cost() int {
	if h.kind == hostAny {
		return 0
	}
	return len(h.names)
}

// overlaps reports whether some request host matches both conditions on ALB. Wildcard
// conditions are a '*' (twice for a guard) before a literal ".S", and ALB's '*' matches any
// characters, dots included: two of them meet exactly when one ".S" ends the other.
func overlaps(a, b hostCond) bool {
	if a.kind == hostAny || b.kind == hostAny {
		return true
	}
	if a.kind != hostExact && b.kind == hostExact {
		a, b = b, a
	}
	if a.kind == hostExact {
		return slices.ContainsFunc(a.names, b.matches)
	}
	return strings.HasSuffix("."+a.name(), "."+b.name()) || strings.HasSuffix("."+b.name(), "."+a.name())
}

// matches reports whether the condition matches a request for host on ALB.
func (h hostCond) matches(host string) bool {
	switch h.kind {
	case hostExact:
		return slices.Contains(h.names, host)
	case hostWildcard:
		return strings.HasSuffix(host, "."+h.name())
	case hostGuard:
		rest, ok := strings.CutSuffix(host, "."+h.name())
		return ok && strings.Contains(rest, ".")
	}
	return true
}

// labels counts the labels of a wildcard host's pattern, the '*' included.
func (h hostCond) labels() int { return strings.Count(h.name(), ".") + 2 }
