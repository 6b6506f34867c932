package model

import (
	"fmt"
	"regexp"
	"strings"
)

// Allow-lists for every value that can reach nginx configuration or a cloud API. They match
// the patterns of the LoadBalancer CRD, so a spec the model writes is always one the API
// server accepts.
var (
	// A path segment: letters, digits and -._~!&()+,=:@, and never "." or "..".
	pathSegment = `([-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.[-A-Za-z0-9_~!&()+,=:@][-A-Za-z0-9._~!&()+,=:@]*|\.\.[-A-Za-z0-9._~!&()+,=:@]+)`
	cleanPath   = regexp.MustCompile(`^/(` + pathSegment + `(/` + pathSegment + `)*/?)?$`)

	dnsLabel = `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
	hostname = regexp.MustCompile(`^(\*\.)?` + dnsLabel + `(\.` + dnsLabel + `)*$`)

	// dns1123Label is a Kubernetes object name that is also a DNS label (Services, groups).
	dns1123Label = regexp.MustCompile(`^` + dnsLabel + `$`)

	// cloudName is a GCE-style resource name, also valid as an AWS name.
	cloudName = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

	// certificateName is a pre-shared certificate name or ARN; validCertificateName also
	// refuses ".." and "//".
	certificateName = regexp.MustCompile(`^[A-Za-z0-9][-A-Za-z0-9_.:/]*$`)
)

const (
	maxPathLength = 1024
	maxHostLength = 253
)

// validatePath checks an Exact or Prefix path. It returns a message that says what is wrong
// and what is allowed, or "".
func validatePath(path string) string {
	switch {
	case path == "":
		return "path is empty; Exact and Prefix paths must start with '/'"
	case !strings.HasPrefix(path, "/"):
		return fmt.Sprintf("path %s must start with '/'", quote(path))
	case len(path) > maxPathLength:
		return fmt.Sprintf("path is %d bytes long; at most %d are allowed", len(path), maxPathLength)
	case strings.Contains(path, "//"):
		return fmt.Sprintf("path %s contains '//'; paths must be clean", quote(path))
	case hasDotSegment(path):
		return fmt.Sprintf("path %s contains a '.' or '..' segment; paths must be clean", quote(path))
	case strings.Contains(strings.ToLower(path), "%2f"):
		return fmt.Sprintf("path %s contains an encoded slash '%%2F'", quote(path))
	case !cleanPath.MatchString(path):
		return fmt.Sprintf("path %s contains %s; allowed are letters, digits, '/' and -._~!&()+,=:@",
			quote(path), describeBadByte(path, isPathByte))
	}
	return ""
}

func hasDotSegment(path string) bool {
	for _, seg := range strings.Split(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

func isPathByte(b byte) bool {
	return isAlnum(b) || strings.IndexByte("/-._~!&()+,=:@", b) >= 0
}

func isAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// validateHost checks an Ingress host: a lowercase DNS name, or "*." and a DNS name.
func validateHost(host string) string {
	switch {
	case len(host) > maxHostLength:
		return fmt.Sprintf("host is %d bytes long; at most %d are allowed", len(host), maxHostLength)
	case strings.Contains(host, "*") && !strings.HasPrefix(host, "*."):
		return fmt.Sprintf("host %s has a wildcard that is not the whole first label; only \"*.\" followed by a DNS name is allowed", quote(host))
	case strings.Count(host, "*") > 1:
		return fmt.Sprintf("host %s has more than one wildcard; a wildcard covers exactly one label", quote(host))
	case !hostname.MatchString(host):
		return fmt.Sprintf("host %s is not a lowercase DNS name (labels of a-z, 0-9 and '-', separated by '.') or a wildcard \"*.\" followed by one", quote(host))
	}
	for _, label := range strings.Split(strings.TrimPrefix(host, "*."), ".") {
		if len(label) > 63 {
			return fmt.Sprintf("host %s has a label of %d bytes; at most 63 are allowed", quote(host), len(label))
		}
	}
	return ""
}

// describeBadByte names the first byte of s that ok rejects.
func describeBadByte(s string, ok func(byte) bool) string {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return fmt.Sprintf("the byte %q at offset %d", s[i], i)
		}
	}
	return "a sequence that is not allowed"
}

// quote quotes a user-supplied value for a message, escaping anything unprintable, and
// shortens it so that a hostile value cannot flood an Event.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// validCertificateName checks a pre-shared certificate name or ARN.
func validCertificateName(n string) bool {
	return n != "" && len(n) <= 255 && certificateName.MatchString(n) &&
		!strings.Contains(n, "..") && !strings.Contains(n, "//")
}
