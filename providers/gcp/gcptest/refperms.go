package gcptest

import (
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// refPermissions maps a referenced collection to the permission Google checks on the
// referenced resource, beyond the method's own permission, when a write names it: the
// compute API reference lists these under each request field ("Authorization requires
// the following IAM permission on the specified resource").
var refPermissions = map[string]string{
	"backendServices":       "compute.backendServices.use",
	"healthChecks":          "compute.healthChecks.useReadOnly",
	"networkEndpointGroups": "compute.networkEndpointGroups.use",
	"instanceGroups":        "compute.instanceGroups.use",
	"urlMaps":               "compute.urlMaps.use",
	"sslCertificates":       "compute.sslCertificates.get",
	"sslPolicies":           "compute.sslPolicies.use",
	"targetHttpProxies":     "compute.targetHttpProxies.use",
	"targetHttpsProxies":    "compute.targetHttpsProxies.use",
	"addresses":             "compute.globalAddresses.use",
	"networks":              "compute.networks.use",
	"subnetworks":           "compute.subnetworks.use",
	"instances":             "compute.instances.use",
}

// refPermission is the permission a write of kind k needs on a resource in collection:
// a firewall rule changes its network's policy, so it needs more than use.
func refPermission(k *kind, collection string) (string, bool) {
	if k == firewalls && collection == "networks" {
		return "compute.networks.updatePolicy", true
	}
	p, ok := refPermissions[collection]
	return p, ok
}

// ReferencePermissions lists, sorted, every permission a write may need on a resource it
// refers to.
func ReferencePermissions() []string {
	seen := map[string]bool{"compute.networks.updatePolicy": true}
	for _, p := range refPermissions {
		seen[p] = true
	}
	return sortedKeys(seen)
}

// authorizeRefs checks the permissions a write needs on the resources its body refers to
// (a set* method's body names only what it sets, so only that is checked).
func (s *Server) authorizeRefs(c *call, body proto.Message) error {
	links := refsOf(body, c.project)
	// extraRefs read a whole resource, not a set* method's body.
	if c.kind.extraRefs != nil && body.ProtoReflect().Descriptor() == c.kind.newItem().ProtoReflect().Descriptor() {
		links = append(links, c.kind.extraRefs(s.project(c.project), body)...)
	}
	if fw, ok := body.(*computepb.Firewall); ok && fw.GetNetwork() == "" {
		// A rule that names no network is on the default one, and changes its policy.
		links = append(links, "global/networks/default")
	}
	for _, link := range links {
		if err := s.authorizeRef(c.kind, link, c.project); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) authorizeRef(k *kind, link, project string) error {
	r, ok := parseRef(link, project)
	if !ok {
		return nil
	}
	perm, ok := refPermission(k, r.collection)
	if !ok {
		return nil
	}
	if s.iam.allowed != nil && !s.iam.allowed[perm] {
		s.iam.denied[perm] = true
		return errForbidden(perm, r.rel())
	}
	s.iam.used[perm] = true
	return nil
}

// isSetter tells a set* method (setUrlMap, setTarget, ...) from insert and update, whose
// body is the whole resource.
func isSetter(c *call) bool {
	verb := c.permission[strings.LastIndex(c.permission, ".")+1:]
	return strings.HasPrefix(verb, "set")
}
