package nginxfallback

import (
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// The patterns of api/v1alpha1 (Hostname and PathRule.Path), checked again here: the
// renderer never trusts that the API server or the model ran them.
var (
	hostPattern = regexp.MustCompile(`^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	pathPattern = regexp.MustCompile(`^/(([-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.[-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.\.[-A-Za-z0-9._~!&()+,=:@]+)(/([-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.[-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.\.[-A-Za-z0-9._~!&()+,=:@]+))*/?)?$`)
)

const (
	maxHostLen = 253
	maxPathLen = 1024
	maxTimeout = 86400
)

// shown shortens a refused value for an error message, quoted so that a newline or an
// escape in it cannot forge a log line.
func shown(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return fmt.Sprintf("%q", s)
}

func checkHost(h v1alpha1.Hostname) error {
	if len(h) > maxHostLen || !hostPattern.MatchString(string(h)) {
		return fmt.Errorf("host %s is not a DNS name or a wildcard *.name", shown(string(h)))
	}
	return nil
}

func checkPath(p string) error {
	if len(p) > maxPathLen || !pathPattern.MatchString(p) {
		return fmt.Errorf("path %s is not a clean absolute path nginx can match", shown(p))
	}
	return nil
}

func checkPathType(t string) error {
	if t != v1alpha1.PathTypeExact && t != v1alpha1.PathTypePrefix {
		return fmt.Errorf("path type %s is neither Exact nor Prefix", shown(t))
	}
	return nil
}

// checkTarget accepts an IP address and a port; the address is rendered in its canonical
// form, never as the user wrote it.
func checkTarget(ip string, port int32) (string, error) {
	addr := net.ParseIP(ip)
	if addr == nil || strings.Contains(ip, "%") {
		return "", fmt.Errorf("target address %s is not an IP address", shown(ip))
	}
	if port < 1 || port > 65535 {
		return "", fmt.Errorf("target port %d of %s is out of range", port, addr)
	}
	return net.JoinHostPort(addr.String(), fmt.Sprint(port)), nil
}

func checkTimeout(seconds int32) error {
	if seconds < 0 || seconds > maxTimeout {
		return fmt.Errorf("timeout of %d seconds is out of range 1..%d", seconds, maxTimeout)
	}
	return nil
}

// quote makes a double-quoted nginx string. Inside quotes nginx's tokenizer ends a token only
// at the closing quote, and unescapes only \" \' \\ \t \r \n; so quotes and backslashes are
// escaped and every other character is literal. Control characters are refused (a newline
// would make the file hard to read, a NUL would end it), and so is '$', which nginx expands
// as a variable in many directives and cannot escape.
func quote(s string) (string, error) {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '$' {
			return "", fmt.Errorf("value %s holds a character nginx cannot take literally", shown(s))
		}
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`, nil
}

// serverName renders a host as a server_name: a precise host as itself, a wildcard
// "*.foo.com" as a regex that matches exactly one label (nginx's own "*.foo.com" would match
// any number of labels). nginx checks exact names before regexes, so a precise host wins.
func serverName(h v1alpha1.Hostname) (string, error) {
	if err := checkHost(h); err != nil {
		return "", err
	}
	suffix, wildcard := strings.CutPrefix(string(h), "*.")
	if !wildcard {
		return quote(string(h))
	}
	re := `~^[^.]+\.` + strings.ReplaceAll(suffix, ".", `\.`)
	// The regex is built from a checked host and only ends with '$', which server_name
	// does not expand; quote refuses '$', so add it after quoting the rest.
	q, err := quote(re)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(q, `"`) + `$"`, nil
}

// identifier turns a name into the characters nginx identifiers take, for readable
// upstream and file names; a hash next to it keeps two names apart.
func identifier(s string, max int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if b.Len() >= max {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}
