// Package text holds the small string helpers that messages shown to users share.
package text

// Truncate cuts s to at most n bytes, ending in "..." when it was cut, so that a message
// fits the field the API server keeps it in (an Event's note, a condition's message). It
// never splits a multi-byte character.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 3 {
		return s[:n]
	}
	cut := n - 3
	for cut > 0 && s[cut]&0xC0 == 0x80 { // inside a UTF-8 sequence
		cut--
	}
	return s[:cut] + "..."
}
