package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Kinds of group keys.
const (
	KeyKindIngress = "Ingress" // an Ingress that is its own load balancer
	KeyKindGroup   = "Group"   // Ingresses joined by the portico.dev/group annotation
)

// GroupKey identifies one load balancer: an Ingress on its own, or a named group of the same
// IngressClass within one namespace (or across the namespaces the class's IngressClassParams
// selects, then Namespace is empty).
type GroupKey struct {
	Kind      string `json:"kind"`
	Class     string `json:"class,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
}

// String is the canonical text of the key, for logs and hashing.
func (k GroupKey) String() string {
	if k.Kind == KeyKindIngress {
		return k.Kind + "/" + k.Namespace + "/" + k.Name
	}
	ns := k.Namespace
	if ns == "" {
		ns = "*"
	}
	return k.Kind + "/" + k.Class + "/" + ns + "/" + k.Name
}

// Shared reports whether the key is a group that spans namespaces.
func (k GroupKey) Shared() bool {
	return k.Kind == KeyKindGroup && k.Namespace == ""
}

// KeyOf returns the group key of an Ingress of portico's class. An invalid group annotation
// leaves the Ingress on its own key; translation then reports the annotation.
func KeyOf(ing *networkingv1.Ingress, class Class, l Lookup) GroupKey {
	group := ing.Annotations[AnnotationGroup]
	if group == "" || len(group) > 63 || !dns1123Label.MatchString(group) {
		return GroupKey{Kind: KeyKindIngress, Namespace: ing.Namespace, Name: ing.Name}
	}
	key := GroupKey{Kind: KeyKindGroup, Class: class.Name, Namespace: ing.Namespace, Name: group}
	if sharesGroups(class, ing.Namespace, l) {
		key.Namespace = ""
	}
	return key
}

// sharesGroups reports whether the class lets this namespace share groups across namespaces.
func sharesGroups(class Class, namespace string, l Lookup) bool {
	if class.Params == nil || class.Params.Spec.Group == nil || class.Params.Spec.Group.NamespaceSelector == nil {
		return false
	}
	selector, err := metav1.LabelSelectorAsSelector(class.Params.Spec.Group.NamespaceSelector)
	if err != nil {
		return false
	}
	return selector.Matches(labels.Set(l.NamespaceLabels(namespace)))
}

// selectorProblem says why the class's namespace selector cannot be used, or "".
func selectorProblem(class Class) string {
	if class.Params == nil || class.Params.Spec.Group == nil || class.Params.Spec.Group.NamespaceSelector == nil {
		return ""
	}
	if _, err := metav1.LabelSelectorAsSelector(class.Params.Spec.Group.NamespaceSelector); err != nil {
		return fmt.Sprintf("IngressClassParams %s has an invalid spec.group.namespaceSelector (%v), so groups stay within their namespace", class.Params.Name, err)
	}
	return ""
}

// maxNameLength keeps LoadBalancer names within a DNS label, so that they fit every use.
const maxNameLength = 63

// hashLength is the number of hex digits of the key hash in a name: 40 bits.
const hashLength = 10

// LoadBalancerName returns the name of the key's LoadBalancer: a readable prefix from the
// namespace and the Ingress or group name, then a hash of the whole key. The same key always
// gives the same name, and two keys whose prefixes collide after truncation still differ.
func (k GroupKey) LoadBalancerName() string {
	ns := k.Namespace
	if k.Shared() {
		ns = "shared"
	}
	sum := sha256.Sum256([]byte(k.String()))
	hash := hex.EncodeToString(sum[:])[:hashLength]
	prefix := sanitizeName(ns + "-" + k.Name)
	if limit := maxNameLength - hashLength - 1; len(prefix) > limit {
		prefix = strings.TrimRight(prefix[:limit], "-")
	}
	if prefix == "" {
		return "lb-" + hash
	}
	return prefix + "-" + hash
}

// sanitizeName lowercases s and replaces every byte outside [a-z0-9-] with '-'.
func sanitizeName(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			b[i] = '-'
		}
	}
	return strings.Trim(string(b), "-")
}

// ParseGroupKey reads a key written by GroupKey.String.
func ParseGroupKey(s string) (GroupKey, bool) {
	parts := strings.Split(s, "/")
	switch {
	case len(parts) == 3 && parts[0] == KeyKindIngress && parts[1] != "" && parts[2] != "":
		return GroupKey{Kind: KeyKindIngress, Namespace: parts[1], Name: parts[2]}, true
	case len(parts) == 4 && parts[0] == KeyKindGroup && parts[1] != "" && parts[2] != "" && parts[3] != "":
		k := GroupKey{Kind: KeyKindGroup, Class: parts[1], Namespace: parts[2], Name: parts[3]}
		if k.Namespace == "*" {
			k.Namespace = ""
		}
		return k, true
	}
	return GroupKey{}, false
}
