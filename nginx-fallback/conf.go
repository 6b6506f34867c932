package nginxfallback

import (
	"bytes"
	"strings"
)

// conf builds an nginx configuration with consistent indentation. Every argument it is given
// is either a constant of this package or the result of quote, so it never splits or
// terminates a directive.
type conf struct {
	b     bytes.Buffer
	depth int
}

func (c *conf) directive(name string, args ...string) {
	c.line(name, args, ";")
}

func (c *conf) block(name string, args []string, body func()) {
	c.line(name, args, " {")
	c.depth++
	body()
	c.depth--
	c.b.WriteString(strings.Repeat("    ", c.depth) + "}\n")
}

func (c *conf) blank() { c.b.WriteByte('\n') }

func (c *conf) line(name string, args []string, end string) {
	c.b.WriteString(strings.Repeat("    ", c.depth))
	c.b.WriteString(name)
	for _, a := range args {
		c.b.WriteByte(' ')
		c.b.WriteString(a)
	}
	c.b.WriteString(end + "\n")
}
