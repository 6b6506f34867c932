package awstest

import (
	"encoding/base64"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"
)

// scalar checks a value sent as text (every Query parameter; ACM's strings and blobs).
func (w *walker) scalar(s *mshape, v string, at fieldPath) {
	switch s.Type {
	case "string":
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
			w.add(violation{kind: "enum", coral: at.coral, wire: at.wire, value: v, enum: s.Enum})
			return
		}
		w.bounds(s, "length", utf8.RuneCountInString(v), v, at)
		if s.re != nil && !s.re.MatchString(v) {
			w.add(violation{kind: "pattern", coral: at.coral, wire: at.wire, value: v, typ: s.Pattern})
		}
	case "integer", "long":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			w.add(violation{kind: "type", coral: at.coral, wire: at.wire, value: v, typ: "an integer"})
			return
		}
		w.rangeBounds(s, n, v, at)
	case "boolean":
		if v != "true" && v != "false" {
			w.add(violation{kind: "type", coral: at.coral, wire: at.wire, value: v, typ: "a boolean"})
		}
	case "float", "double":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			w.add(violation{kind: "type", coral: at.coral, wire: at.wire, value: v, typ: "a number"})
		}
	case "blob":
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			w.add(violation{kind: "type", coral: at.coral, wire: at.wire, value: "***", typ: "base64-encoded"})
			return
		}
		// A blob's value is never echoed: ACM's are private keys.
		w.bounds(s, "length", len(b), "***", at)
	}
}

// bounds checks a length (characters, bytes or list members) against min and max.
func (w *walker) bounds(s *mshape, kind string, n int, shown string, at fieldPath) {
	if s.Min != nil && big.NewInt(int64(n)).Cmp(bound(s.Min)) < 0 {
		w.add(violation{kind: kind, coral: at.coral, wire: at.wire, value: shown, bound: "min " + s.Min.String()})
	}
	if s.Max != nil && big.NewInt(int64(n)).Cmp(bound(s.Max)) > 0 {
		w.add(violation{kind: kind, coral: at.coral, wire: at.wire, value: shown, bound: "max " + s.Max.String()})
	}
}

func (w *walker) rangeBounds(s *mshape, n int64, shown string, at fieldPath) {
	if s.Min != nil && big.NewInt(n).Cmp(bound(s.Min)) < 0 {
		w.add(violation{kind: "range", coral: at.coral, wire: at.wire, value: shown, bound: "min " + s.Min.String()})
	}
	if s.Max != nil && big.NewInt(n).Cmp(bound(s.Max)) > 0 {
		w.add(violation{kind: "range", coral: at.coral, wire: at.wire, value: shown, bound: "max " + s.Max.String()})
	}
}

// bound reads a model's min or max, which may exceed int64 for longs.
func bound(n interface{ String() string }) *big.Int {
	b, ok := new(big.Int).SetString(n.String(), 10)
	if !ok {
		return big.NewInt(0)
	}
	return b
}

// javaEscape is a \uXXXX escape of Java's regular expressions, which RE2 spells \x{XXXX}.
var javaEscape = regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`)

// compilePattern compiles a shape's pattern, written for Java's Pattern.matches: it must
// match the whole value, anchored or not.
func (s *mshape) compilePattern() error {
	if s.Pattern == "" {
		return nil
	}
	re, err := regexp.Compile(`^(?:` + javaEscape.ReplaceAllString(s.Pattern, `\x{$1}`) + `)$`)
	if err != nil {
		return fmt.Errorf("pattern %q: %w", s.Pattern, err)
	}
	s.re = re
	return nil
}
