package awstest

import (
	"fmt"
	"regexp"
	"strings"
)

// hex returns n random lowercase hex digits from the server's seeded source,
// so that a test's ARNs and ids repeat from run to run.
func (s *Server) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[s.ids.Intn(16)]
	}
	return string(b)
}

func (s *Server) elbARN(resource string) string {
	return fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:%s", s.opts.Region, s.opts.AccountID, resource)
}

func (s *Server) ec2ARN(resource string) string {
	return fmt.Sprintf("arn:aws:ec2:%s:%s:%s", s.opts.Region, s.opts.AccountID, resource)
}

func (s *Server) uuid() string {
	return s.hex(8) + "-" + s.hex(4) + "-4" + s.hex(3) + "-a" + s.hex(3) + "-" + s.hex(12)
}

var elbName = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$`)

// checkELBName applies AWS's rule for load balancer and target group names:
// at most 32 alphanumerics and hyphens, no hyphen first or last, and for a
// load balancer no "internal-" prefix.
func checkELBName(kind, name string) error {
	if !elbName.MatchString(name) {
		return errValidation("%s name '%s' cannot be longer than '32' characters, must contain only alphanumeric characters or hyphens, and cannot begin or end with a hyphen", kind, name)
	}
	if kind == "Load balancer" && strings.HasPrefix(name, "internal-") {
		return errValidation("Load balancer name '%s' cannot begin with 'internal-'", name)
	}
	return nil
}

// arnKind is the ELBv2 resource an ARN names: "loadbalancer",
// "targetgroup", "listener" or "listener-rule".
func arnKind(arn string) string {
	_, rest, ok := strings.Cut(arn, ":elasticloadbalancing:")
	if !ok {
		return ""
	}
	parts := strings.SplitN(rest, ":", 3)
	if len(parts) < 3 {
		return ""
	}
	kind, _, _ := strings.Cut(parts[2], "/")
	return kind
}

// lbNameAndID splits "…:loadbalancer/app/NAME/ID" into NAME and ID.
func lbNameAndID(arn string) (string, string) {
	parts := strings.Split(arn, "/")
	if len(parts) < 4 {
		return "", ""
	}
	return parts[len(parts)-2], parts[len(parts)-1]
}

// ruleARN makes a rule's ARN from its listener's: listener-rule/app/NAME/LBID/LID/RID.
func ruleARN(listenerARN, id string) string {
	return strings.Replace(listenerARN, ":listener/", ":listener-rule/", 1) + "/" + id
}
