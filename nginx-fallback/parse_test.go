package nginxfallback

import (
	"fmt"
	"strings"
)

// node is a directive of a parsed configuration: its name, its arguments, and its block.
type node struct {
	name     string
	args     []string
	children []*node
	block    bool
}

// parsed is a configuration as nginx's tokenizer reads it (ngx_conf_read_token): words
// separated by blanks, quoted with " or ' (with backslash escapes), ';' ending a directive,
// '{' and '}' opening and closing a block, '#' starting a comment outside quotes.
type parsed struct {
	root     node
	comments int
}

func parseConf(src string) (*parsed, error) {
	p := &parsed{}
	stack := []*node{&p.root}
	var words []string
	i := 0
	for i < len(src) {
		c := src[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			i++
		case '#':
			p.comments++
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case ';', '{':
			if len(words) == 0 {
				return nil, fmt.Errorf("unexpected %q at byte %d", c, i)
			}
			n := &node{name: words[0], args: words[1:], block: c == '{'}
			top := stack[len(stack)-1]
			top.children = append(top.children, n)
			if n.block {
				stack = append(stack, n)
			}
			words = nil
			i++
		case '}':
			if len(words) != 0 || len(stack) == 1 {
				return nil, fmt.Errorf("unexpected } at byte %d", i)
			}
			stack = stack[:len(stack)-1]
			i++
		case '"', '\'':
			end := i + 1
			for end < len(src) && src[end] != c {
				if src[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(src) {
				return nil, fmt.Errorf("unterminated quote at byte %d", i)
			}
			words = append(words, src[i:end+1])
			i = end + 1
		default:
			end := i
			for end < len(src) && !strings.ContainsRune(" \t\r\n;{}\"'", rune(src[end])) {
				end++
			}
			words = append(words, src[i:end])
			i = end
		}
	}
	if len(stack) != 1 || len(words) != 0 {
		return nil, fmt.Errorf("unterminated block or directive")
	}
	return p, nil
}

// shape is the structure of a configuration: every directive's name, number of arguments
// and nesting, without the argument values.
func (p *parsed) shape() string {
	var b strings.Builder
	var walk func(n *node, depth int)
	walk = func(n *node, depth int) {
		for _, c := range n.children {
			fmt.Fprintf(&b, "%s%s/%d", strings.Repeat(" ", depth), c.name, len(c.args))
			if c.block {
				b.WriteString(" {")
			}
			b.WriteByte('\n')
			walk(c, depth+1)
		}
	}
	walk(&p.root, 0)
	return b.String()
}
