package gcptest

import (
	"google.golang.org/protobuf/proto"
)

// kind describes one resource collection: how it is addressed, named in IAM,
// built from JSON, and what the API lets a caller change.
type kind struct {
	collection string // the URL segment, e.g. "urlMaps"
	iamName    string // the IAM resource name, e.g. "globalAddresses"
	kindName   string // the "kind" field, e.g. "compute#urlMap"
	zonal      bool
	newItem    func() proto.Message
	newList    func() proto.Message

	// fingerprintRequired: an update or patch must carry the current
	// fingerprint (URL maps, backend services); other kinds check it only when sent.
	fingerprintRequired bool
	patch, update       bool
	// immutable lists the JSON fields that neither patch nor update may change:
	// the API only lets them be set at creation (or through a set* method).
	immutable []string
	// patchable, when set, lists the only JSON fields a patch may change.
	patchable []string
	// present decorates a copy of a resource as it is returned (an
	// address's users).
	present func(p *project, m proto.Message)
	// prepare fills server-side defaults on insert (an address's IP).
	prepare func(s *Server, p *project, m proto.Message)
	// extraRefs lists references that are not URLs (a forwarding rule's IP
	// literal stands for the address reserved with it).
	extraRefs func(p *project, m proto.Message) []string
	// validate checks the kind's own rules, after references are resolved.
	validate func(p *project, m proto.Message) error
}

// kinds is every collection the emulator serves, by URL segment.
var kinds = map[string]*kind{}

func register(k *kind) *kind {
	kinds[k.collection] = k
	return k
}

// permission is the IAM permission a verb on this kind needs.
func (k *kind) permission(verb string) string {
	return "compute." + k.iamName + "." + verb
}

// scope is the URL segment before the collection: "global" or "zones/ZONE".
func scope(zone string) string {
	if zone == "" {
		return "global"
	}
	return "zones/" + zone
}
