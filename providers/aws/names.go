package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// maxNameLength is AWS's limit on the names of load balancers and target groups; the
// provider keeps every name it makes within it.
const maxNameLength = 32

// digest is a short hash of the settings AWS fixes at creation, made part of a name: a
// change of any of them gives a new name, so the new resource is created beside the old
// one, and the old one deleted once nothing uses it (create before delete), where reusing
// the name would force deleting first.
func digest(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:4])
}

// nameOfARN returns the name inside an ELBv2 ARN: "…:targetgroup/NAME/ID" or
// "…:loadbalancer/app/NAME/ID"; "" when it holds none.
func nameOfARN(s string) string {
	a, err := arn.Parse(s)
	if err != nil {
		return ""
	}
	parts := strings.Split(a.Resource, "/")
	switch {
	case len(parts) == 3 && parts[0] == "targetgroup":
		return parts[1]
	case len(parts) == 4 && parts[0] == "loadbalancer":
		return parts[2]
	}
	return ""
}
