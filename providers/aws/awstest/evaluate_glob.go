package awstest

// evalGlob reports whether s matches the whole of pattern, where '*' matches zero or more
// characters (dots and slashes included: ALB's wildcards know no labels or segments) and '?'
// exactly one. With escapes, a backslash makes the next character literal, as in a
// query-string condition. Characters are runes, so '?' is one character of a UTF-8 value.
//
// The match is the linear-space greedy one with a single backtrack point: the last '*' seen
// absorbs one more character whenever the rest fails, which is exact for '*' and '?' patterns
// and bounded by len(pattern)*len(s) steps, whatever a hostile pattern or request holds.
func evalGlob(pattern, s string, escapes bool) bool {
	p, str := evalGlobTokens(pattern, escapes), []rune(s)
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(str) {
		switch {
		case pi < len(p) && p[pi].kind == globAnyOne, pi < len(p) && p[pi].kind == globLiteral && p[pi].r == str[si]:
			pi++
			si++
		case pi < len(p) && p[pi].kind == globAnySeq:
			star, mark = pi, si
			pi++
		case star >= 0:
			mark++
			pi, si = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi].kind == globAnySeq {
		pi++
	}
	return pi == len(p)
}

type globKind int

const (
	globLiteral globKind = iota
	globAnyOne
	globAnySeq
)

type globToken struct {
	kind globKind
	r    rune
}

func evalGlobTokens(pattern string, escapes bool) []globToken {
	var out []globToken
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case escapes && r == '\\' && i+1 < len(rs):
			i++
			out = append(out, globToken{globLiteral, rs[i]})
		case r == '*':
			out = append(out, globToken{globAnySeq, 0})
		case r == '?':
			out = append(out, globToken{globAnyOne, 0})
		default:
			out = append(out, globToken{globLiteral, r})
		}
	}
	return out
}
