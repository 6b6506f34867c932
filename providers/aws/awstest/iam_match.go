package awstest

import "strings"

// matchAction matches an action against a policy's action pattern, both lowercased:
// IAM compares actions case-insensitively, with * for any run of characters and ? for one.
func matchAction(pattern, action string) bool { return glob(pattern, action, false) }

// matchResource matches an ARN against a policy's resource pattern as IAM documents it:
// case-sensitive, * and ? within a segment (the parts between colons), and a * that ends a
// segment may expand beyond the colons. "*" alone is every resource.
func matchResource(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	return glob(pattern, arn, true)
}

// matchLike is StringLike's match: case-sensitive, * and ? anywhere.
func matchLike(pattern, v string) bool { return glob(pattern, v, false) }

// glob matches v against a pattern of literal characters, * (any run) and ? (one
// character). With segments, a * or ? that is not the last character of its ARN segment
// does not match a colon.
func glob(p, v string, segments bool) bool {
	// Iterative wildcard matching with one backtrack point per star: linear in practice and
	// never exponential, whatever a hostile pattern holds.
	pi, vi := 0, 0
	star, mark := -1, 0
	for vi < len(v) {
		switch {
		case pi < len(p) && p[pi] == '?' && (!segments || v[vi] != ':'):
			pi++
			vi++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, vi
			pi++
		case pi < len(p) && p[pi] == v[vi]:
			pi++
			vi++
		case star >= 0 && (!segments || v[mark] != ':' || endsSegment(p, star)):
			mark++
			pi, vi = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// endsSegment says whether the * at i is the last character of its ARN segment.
func endsSegment(p string, i int) bool { return i == len(p)-1 || p[i+1] == ':' }

// service is the prefix of an action, "ec2" of "ec2:CreateTags".
func service(action string) string {
	s, _, _ := strings.Cut(action, ":")
	return s
}
