package providers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// Tag keys that mark a cloud resource as owned by portico.
const (
	TagCluster      = "portico.dev/cluster"
	TagLoadBalancer = "portico.dev/load-balancer"
	TagManagedBy    = "portico.dev/managed-by"
	managedByValue  = "portico"
)

// Owner records which cluster and load balancer own a cloud resource. Providers write it at
// create time (AWS tags, a GCE description) and read it back for Delete and Owned, so that
// ownership lives in the cloud, not in Kubernetes.
type Owner struct {
	ClusterID    string `json:"portico.dev/cluster"`
	LoadBalancer string `json:"portico.dev/load-balancer"`
	// Service is what the resource serves, "namespace/name:port" of a Kubernetes Service, so
	// that a user looking at the cloud's console knows; only a description records it, and
	// descriptions written before it existed have none.
	Service string `json:"portico.dev/service,omitempty"`
}

// Base is the owner without what the resource serves: whom it belongs to, the part that
// decides ownership.
func (o Owner) Base() Owner { return Owner{ClusterID: o.ClusterID, LoadBalancer: o.LoadBalancer} }

// Tags returns the owner as AWS-style tags.
func (o Owner) Tags() map[string]string {
	return map[string]string{TagManagedBy: managedByValue, TagCluster: o.ClusterID, TagLoadBalancer: o.LoadBalancer}
}

// OwnerFromTags reads an owner from tags; ok is false when portico does not manage them.
func OwnerFromTags(tags map[string]string) (Owner, bool) {
	if tags[TagManagedBy] != managedByValue || tags[TagCluster] == "" || tags[TagLoadBalancer] == "" {
		return Owner{}, false
	}
	return Owner{ClusterID: tags[TagCluster], LoadBalancer: tags[TagLoadBalancer]}, true
}

// descriptionPrefix starts every description portico writes, as GCE resources have no tags.
const descriptionPrefix = "portico: "

// Description returns the owner as a GCE-style resource description.
func (o Owner) Description() string {
	b, _ := json.Marshal(o)
	return descriptionPrefix + string(b)
}

// OwnerFromDescription reads an owner from a description written by Description, by any
// version of portico: a record without a service, or with one, reads alike.
func OwnerFromDescription(s string) (Owner, bool) {
	rest, ok := strings.CutPrefix(s, descriptionPrefix)
	if !ok {
		return Owner{}, false
	}
	var o Owner
	if err := json.Unmarshal([]byte(rest), &o); err != nil || o.ClusterID == "" || o.LoadBalancer == "" {
		return Owner{}, false
	}
	return o, true
}

// clusterOwner is the ownership record of a resource the load balancers of a cluster share
// (GCE instance groups and firewall rules): no load balancer owns it, so OwnerFromDescription
// never reads it as one and Owned never reports it as a load balancer.
type clusterOwner struct {
	ClusterID string `json:"portico.dev/cluster"`
	Shared    bool   `json:"portico.dev/shared"`
}

// ClusterDescription returns the GCE-style description of a resource the cluster's load
// balancers share.
func ClusterDescription(clusterID string) string {
	b, _ := json.Marshal(clusterOwner{ClusterID: clusterID, Shared: true})
	return descriptionPrefix + string(b)
}

// ClusterFromDescription reads the cluster of a description written by ClusterDescription;
// ok is false for any other description, a load balancer's included.
func ClusterFromDescription(s string) (string, bool) {
	rest, ok := strings.CutPrefix(s, descriptionPrefix)
	if !ok {
		return "", false
	}
	var o clusterOwner
	if err := json.Unmarshal([]byte(rest), &o); err != nil || !o.Shared || o.ClusterID == "" {
		return "", false
	}
	return o.ClusterID, true
}

// CertificateHash returns the hex SHA-256 of a certificate chain and key.
func CertificateHash(certPEM, keyPEM []byte) string {
	h := sha256.New()
	h.Write(certPEM)
	h.Write([]byte{0})
	h.Write(keyPEM)
	return hex.EncodeToString(h.Sum(nil))
}

// CallObserver is told about every call a provider makes to its cloud, for metrics.
type CallObserver interface {
	// ObserveCall records one call: the provider, the API operation (for example
	// "urlMaps.insert") and its error, nil on success.
	ObserveCall(provider, operation string, err error)
}

// NopObserver observes nothing.
type NopObserver struct{}

// ObserveCall implements CallObserver.
func (NopObserver) ObserveCall(string, string, error) {}
