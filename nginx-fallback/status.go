package nginxfallback

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"regexp"
	"strconv"
)

// GenerationPath is the location of the status server that answers the generation of the
// configuration nginx's workers run. The supervisor asks it after a reload or a start, so
// that it knows which configuration serves instead of assuming that a signal took effect.
const GenerationPath = "/portico/generation"

// generationPattern finds the generation in a rendered configuration.
var generationPattern = regexp.MustCompile(`location = ` + regexp.QuoteMeta(GenerationPath) + ` \{\n\s*return 200 "([0-9a-f]+)";`)

// renderStatus renders the status server on loopback, at the end of the http block. Its
// generation is a hash of everything rendered before it, so the same input always has the
// same generation and the renderer stays pure (no counter, no clock).
func renderStatus(c *conf, port int) {
	sum := sha256.Sum256(c.b.Bytes())
	generation := hex.EncodeToString(sum[:8])
	c.blank()
	c.block("server", nil, func() {
		c.directive("listen", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		c.block("location", []string{"=", GenerationPath}, func() {
			c.directive("return", "200", `"`+generation+`"`)
		})
		c.block("location", []string{"/"}, func() {
			c.directive("return", "404")
		})
	})
}

// GenerationOf returns the generation of a rendered configuration, which the status server
// answers at GenerationPath once nginx serves it; "" when it has no status server.
func GenerationOf(config []byte) string { return generationOf(config) }

// generationOf returns the generation of a rendered configuration; "" when it has no
// status server.
func generationOf(config []byte) string {
	m := generationPattern.FindSubmatch(config)
	if m == nil {
		return ""
	}
	return string(m[1])
}
