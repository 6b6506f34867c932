package nginxfallback

import (
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

func desiredFor(name string, refused []providers.RefusedClaim, hosts ...v1alpha1.Hostname) *providers.Desired {
	d := &providers.Desired{Ref: providers.Ref{Name: name}, Refused: refused}
	d.Spec.Backends = []v1alpha1.Backend{{Name: "web"}}
	d.Spec.Frontends.HTTP = true
	for _, h := range hosts {
		d.Spec.Rules = append(d.Spec.Rules, v1alpha1.HostRule{Host: h, Paths: []v1alpha1.PathRule{{Path: "/", PathType: v1alpha1.PathTypePrefix, Backend: "web"}}})
	}
	return d
}

func mustEntry(t *testing.T, d *providers.Desired) *entry {
	t.Helper()
	e, err := newEntry(d)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The controller's decisions reach the load balancers one at a time: while two hold the same
// claim, the one serving it keeps it, and a refused claim goes to the other.
func TestAClaimKeepsItsOwnerUntilRefused(t *testing.T) {
	s := newServed()
	s.put(mustEntry(t, desiredFor("zeta", nil, "a.example.com", "")))
	s.input() // loaded: zeta serves the host and the catch-all
	s.put(mustEntry(t, desiredFor("alpha", nil, "a.example.com", "")))
	s.input()
	if s.owners["a.example.com"] != "zeta" || s.catchAll != "zeta" {
		t.Fatalf("owners %v, catch-all %q: the first holder should keep its claims", s.owners, s.catchAll)
	}
	s.put(mustEntry(t, desiredFor("zeta", []providers.RefusedClaim{{Host: "a.example.com", Winner: "alpha"}, {Winner: "alpha"}}, "a.example.com", "")))
	s.input()
	if s.owners["a.example.com"] != "alpha" || s.catchAll != "alpha" {
		t.Fatalf("owners %v, catch-all %q: a refused claim goes to the winner", s.owners, s.catchAll)
	}
	s.remove("alpha")
	in := s.input()
	if s.owners["a.example.com"] != "" {
		t.Fatalf("owners %v: nobody may serve a claim its only holder lost", s.owners)
	}
	if _, ok := in.HostOwners["a.example.com"]; !ok {
		t.Fatal("every host of a rule needs an entry in HostOwners, even without an owner")
	}
}

func TestPlanListsTheServersAndUpstreamsThatChange(t *testing.T) {
	old := mustEntry(t, desiredFor("lb", nil, "a.example.com", "b.example.com"))
	changed := desiredFor("lb", nil, "a.example.com", "c.example.com")
	changed.Spec.Rules[0].Paths[0].Path = "/shop"
	got := actionsOf(diff(resourcesOf(old), resourcesOf(mustEntry(t, changed))))
	want := []string{"Update NginxServer a.example.com", "Delete NginxServer b.example.com", "Create NginxServer c.example.com"}
	if len(got) != len(want) {
		t.Fatalf("plan %v, want %v", got, want)
	}
	for _, w := range want {
		if !containsString(got, w) {
			t.Errorf("plan %v lacks %q", got, w)
		}
	}
	if again := diff(resourcesOf(old), resourcesOf(old)); len(again) != 0 {
		t.Errorf("an unchanged load balancer plans %v", again)
	}
}

func actionsOf(as []providers.Action) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Op+" "+a.Kind+" "+a.Name)
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
