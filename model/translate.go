package model

import (
	"encoding/json"
	"sort"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Member is one Ingress of a load balancer and whether it is served.
type Member struct {
	Ingress types.NamespacedName `json:"-"`
	// Accepted is false when the Ingress has an error problem and was left out.
	Accepted bool `json:"accepted"`
}

// MarshalJSON writes the Ingress as "namespace/name".
func (m Member) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Ingress  string `json:"ingress"`
		Accepted bool   `json:"accepted"`
	}{m.Ingress.String(), m.Accepted})
}

// Result is the translation of one group of Ingresses.
type Result struct {
	Key  GroupKey                  `json:"key"`
	Name string                    `json:"name"`
	Spec v1alpha1.LoadBalancerSpec `json:"spec"`
	// Members are every Ingress handed in that is of portico's class, oldest first.
	Members []Member `json:"members"`
	// Problems of every member, in the order they were found.
	Problems []Problem `json:"problems,omitempty"`
}

// ProblemsOf returns the problems of one Ingress.
func (r *Result) ProblemsOf(id types.NamespacedName) []Problem {
	var out []Problem
	for _, p := range r.Problems {
		if p.Ingress == id {
			out = append(out, p)
		}
	}
	return out
}

// Accepted returns the members that are served.
func (r *Result) Accepted() []types.NamespacedName {
	var out []types.NamespacedName
	for _, m := range r.Members {
		if m.Accepted {
			out = append(out, m.Ingress)
		}
	}
	return out
}

// Translate turns the Ingresses of one group key into the spec of their load balancer. The
// oldest Ingress wins every conflict (creationTimestamp, then namespace/name); an Ingress with
// an error problem is left out and never blocks the rest. The same inputs always give a
// byte-identical spec.
func Translate(key GroupKey, ingresses []*networkingv1.Ingress, l Lookup, cfg Config) *Result {
	res := &Result{Key: key, Name: key.LoadBalancerName()}
	var ps problems
	m := newMerger(&ps)
	for _, ing := range oldestFirst(ingresses) {
		class, ours := ClassOf(ing, l)
		if !ours {
			continue
		}
		d, ok := draftOf(ing, class, l, cfg, &ps)
		ok = ok && m.add(d, class)
		res.Members = append(res.Members, Member{Ingress: d.id, Accepted: ok})
	}
	res.Spec = m.spec()
	res.Problems = ps
	return res
}

// oldestFirst sorts Ingresses by creationTimestamp, then namespace/name.
func oldestFirst(ingresses []*networkingv1.Ingress) []*networkingv1.Ingress {
	out := append([]*networkingv1.Ingress(nil), ingresses...)
	sort.SliceStable(out, func(i, j int) bool { return older(out[i], out[j]) })
	return out
}

func older(a, b *networkingv1.Ingress) bool {
	ta, tb := a.CreationTimestamp, b.CreationTimestamp
	if !ta.Equal(&tb) {
		return ta.Before(&tb)
	}
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	return a.Name < b.Name
}
