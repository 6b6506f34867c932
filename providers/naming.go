package providers

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Namer names cloud resources deterministically from the cluster ID and the load balancer,
// so that a restart, a lost status or a crash half-way finds the same names again and never
// leaks or duplicates a resource.
//
// A name is "pt-KIND-CLUSTER-READABLE-HASH": lowercase letters, digits and '-', starting with
// a letter, at most MaxLength long. HASH covers the full cluster ID, kind, load balancer and
// parts, so two names never collide even when their readable middles are truncated alike.
type Namer struct {
	// ClusterID identifies this cluster among all clusters that share a cloud account.
	ClusterID string
	// MaxLength is the cloud's limit: 63 for GCE, 32 for AWS load balancers and target groups.
	MaxLength int
}

// hashLen is the number of hex digits of the hash in a name: 32 bits, enough within one
// cluster's load balancer, whose names already differ in their readable part.
const hashLen = 8

// clusterLen is how much of the cluster ID a name shows.
const clusterLen = 8

// Name returns the name of the resource of that kind (a short abbreviation such as "fr" or
// "tg") for the load balancer lb; parts distinguish several resources of one kind, for
// example a backend name.
func (n Namer) Name(kind, lb string, parts ...string) string {
	h := sha256.New()
	for _, s := range append([]string{n.ClusterID, kind, lb}, parts...) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	hash := hex.EncodeToString(h.Sum(nil))[:hashLen]

	cluster := truncate(sanitize(n.ClusterID), clusterLen)
	head := "pt-" + sanitize(kind) + "-"
	if cluster != "" {
		head += cluster + "-"
	}
	max := n.MaxLength
	if max <= 0 {
		max = 63
	}
	room := max - len(head) - len(hash) - 1
	readable := truncate(sanitize(strings.Join(append([]string{lb}, parts...), "-")), room)
	if readable == "" {
		return truncate(head, max-len(hash)) + hash
	}
	return head + readable + "-" + hash
}

// Prefix returns the part of every name of that kind for this cluster, for listing.
func (n Namer) Prefix(kind string) string {
	cluster := truncate(sanitize(n.ClusterID), clusterLen)
	if cluster == "" {
		return "pt-" + sanitize(kind) + "-"
	}
	return "pt-" + sanitize(kind) + "-" + cluster + "-"
}

// sanitize lowercases s and turns every run of bytes outside [a-z0-9] into one '-'.
func sanitize(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range []byte(strings.ToLower(s)) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// truncate cuts s to at most n bytes without leaving a trailing '-'.
func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) > n {
		s = s[:n]
	}
	return strings.TrimRight(s, "-")
}
