package model

import (
	"encoding/json"
	"sort"
	"strconv"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Member is one Ingress of a load balancer and whether it is served.
type Member struct {
	Ingress types.NamespacedName `json:"-"`
	// Accepted is true when the load balancer serves the Ingress: as it is written, or, when
	// State is Frozen or Moving, as it was last accepted.
	Accepted bool `json:"accepted"`
	// State is empty when the Ingress is served as it is written, else Frozen, Moving or
	// Rejected (v1alpha1.Member*).
	State string `json:"state,omitempty"`
	// Reason and Message say why the state is not empty.
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	// Generation of the Ingress that is served.
	Generation int64 `json:"generation,omitempty"`
}

// MarshalJSON writes the Ingress as "namespace/name".
func (m Member) MarshalJSON() ([]byte, error) {
	type plain Member
	return json.Marshal(struct {
		Ingress string `json:"ingress"`
		plain
	}{m.Ingress.String(), plain(m)})
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

// MemberStatuses lists the members not served as they are written, for the LoadBalancer's
// status.members.
func (r *Result) MemberStatuses() []v1alpha1.MemberStatus {
	var out []v1alpha1.MemberStatus
	for _, m := range r.Members {
		if m.State != "" {
			out = append(out, v1alpha1.MemberStatus{
				Namespace: m.Ingress.Namespace, Name: m.Ingress.Name,
				State: m.State, Reason: m.Reason, Message: limitMessage(m.Message),
			})
		}
	}
	return out
}

func limitMessage(s string) string {
	const max = 1024
	if len(s) > max {
		return s[:max-3] + "..."
	}
	return s
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
	return TranslateGroup(Group{Key: key, Ingresses: ingresses}, l, cfg)
}

// Group is what the translation of one load balancer starts from.
type Group struct {
	Key GroupKey
	// Ingresses of portico's class whose key is Key.
	Ingresses []*networkingv1.Ingress
	// Held are Ingresses the load balancer serves that must stay as they were (Hold).
	Held []Hold
	// Previous is the spec the load balancer has now, or nil: a member whose newest version is
	// invalid, and every held Ingress, is served from it as it was last accepted.
	Previous *v1alpha1.LoadBalancerSpec
}

// TranslateGroup turns a group into the spec of its load balancer. The oldest Ingress wins
// every conflict (creationTimestamp, then namespace/name). An Ingress with an error problem
// never blocks the rest: if the load balancer served it before, it is frozen at the version
// it last accepted (so a typo never takes its routes, its settings or the load balancer
// away); otherwise it is left out. The same inputs always give a byte-identical spec.
func TranslateGroup(g Group, l Lookup, cfg Config) *Result {
	res := &Result{Key: g.Key, Name: g.Key.LoadBalancerName()}
	var ps problems
	m := newMerger(&ps)
	held := map[types.UID]Hold{}
	all := append([]*networkingv1.Ingress(nil), g.Ingresses...)
	for _, h := range g.Held {
		held[h.Ingress.UID] = h
		all = append(all, h.Ingress)
	}
	for _, ing := range oldestFirst(all) {
		if h, ok := held[ing.UID]; ok {
			res.addHeld(m, h, g.Previous, &ps)
			continue
		}
		class, ours := ClassOf(ing, l)
		if !ours {
			continue
		}
		res.addMember(m, ing, class, g.Previous, l, cfg, &ps)
	}
	res.Spec = m.spec()
	res.Problems = ps
	return res
}

// addMember translates a member; an invalid one is frozen when it was served before.
func (r *Result) addMember(m *merger, ing *networkingv1.Ingress, class Class, prev *v1alpha1.LoadBalancerSpec, l Lookup, cfg Config, ps *problems) {
	before := len(*ps)
	d, ok := draftOf(ing, class, l, cfg, ps)
	if ok && m.add(d, class, refOf(ing, ing.Generation)) {
		r.Members = append(r.Members, Member{Ingress: d.id, Accepted: true, Generation: ing.Generation})
		return
	}
	first := firstError((*ps)[before:])
	if pm, was := previousMember(prev, ing); was && m.add(frozenDraft(ing, prev), Class{}, pm) {
		msg := "the load balancer keeps serving this Ingress as it last accepted it (generation " + strconv.FormatInt(pm.Generation, 10) +
			"), until the problem is fixed: " + first.Field + ": " + first.Message
		ps.add(d.id, SeverityWarning, "metadata.generation", ReasonServingLastAccepted, "%s", msg)
		r.Members = append(r.Members, Member{Ingress: d.id, Accepted: true, Generation: pm.Generation,
			State: v1alpha1.MemberFrozen, Reason: first.Reason, Message: msg})
		return
	}
	r.Members = append(r.Members, Member{Ingress: d.id, State: v1alpha1.MemberRejected, Reason: first.Reason,
		Message: first.Field + ": " + first.Message})
}

// addHeld serves a held Ingress as it was last accepted, when the load balancer served it.
func (r *Result) addHeld(m *merger, h Hold, prev *v1alpha1.LoadBalancerSpec, ps *problems) {
	id := types.NamespacedName{Namespace: h.Ingress.Namespace, Name: h.Ingress.Name}
	pm, was := previousMember(prev, h.Ingress)
	if !was || !m.add(frozenDraft(h.Ingress, prev), Class{}, pm) {
		return
	}
	ps.add(id, SeverityWarning, h.Field, h.Reason, "%s", h.Message)
	r.Members = append(r.Members, Member{Ingress: id, Accepted: true, Generation: pm.Generation,
		State: h.State, Reason: h.Reason, Message: h.Message})
}

func refOf(ing *networkingv1.Ingress, generation int64) v1alpha1.IngressRef {
	return v1alpha1.IngressRef{Namespace: ing.Namespace, Name: ing.Name, UID: string(ing.UID), Generation: generation}
}

// firstError returns the first error problem of a list.
func firstError(ps []Problem) Problem {
	for _, p := range ps {
		if p.Severity == SeverityError {
			return p
		}
	}
	return Problem{Field: "spec", Reason: ReasonTooLarge, Message: "the Ingress was left out"}
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
