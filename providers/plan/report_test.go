package plan

import (
	"encoding/json"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

func TestReportListsStepsWithWhatTheProviderSays(t *testing.T) {
	e := engine()
	g := graph(
		res(hc, "a").set("path", "/healthz"),
		res(bs, "a").set("timeout", "30").refs(Key{hc, "a"}),
		res(um, "m").set("hosts", "x").refs(Key{bs, "a"}),
	)
	g.Blocked = map[Key]error{
		{px, "p"}:   providers.NotFound("TLSSecretNotFound", nil, "the Secret is missing"),
		{cert, "c"}: providers.Invalid("CertificateInvalid", nil, "it does not parse"),
	}
	old := res(fr, "gone").set("port", "80").r()
	p := e.Plan(g, []Resource{old})
	head := Report{LoadBalancer: "lb", Provider: "test", Location: "global", Members: []string{"ns/web"}}
	rep := e.Report(p, head, func(r Resource) (json.RawMessage, *v1alpha1.ServiceRef, []string) {
		spec, _ := json.Marshal(r.Fields)
		var svc *v1alpha1.ServiceRef
		if r.Kind == bs {
			svc = &v1alpha1.ServiceRef{Namespace: "ns", Name: r.Name, PortNumber: 80}
		}
		return spec, svc, []string{"route " + r.Name}
	})
	if rep.LoadBalancer != "lb" || rep.Members[0] != "ns/web" {
		t.Errorf("the head is lost: %+v", rep)
	}
	actions := p.Actions()
	if len(rep.Resources) != len(actions) {
		t.Fatalf("%d resources for %d steps", len(rep.Resources), len(actions))
	}
	for i, r := range rep.Resources {
		a := actions[i]
		if r.Op != a.Op || r.Kind != a.Kind || r.Name != a.Name || r.Detail != a.Detail {
			t.Errorf("resource %d is %s %s/%s, the plan's step is %+v", i, r.Op, r.Kind, r.Name, a)
		}
		if len(r.Routing) != 1 || r.Routing[0] != "route "+r.Name {
			t.Errorf("%s: routing %q", r.Name, r.Routing)
		}
	}
	last := rep.Resources[len(rep.Resources)-1]
	if last.Op != providers.OpDelete || string(last.Spec) != `{"port":"80"}` {
		t.Errorf("a delete shows the cloud's resource: %+v", last)
	}
	if rep.Resources[1].Service == nil || rep.Resources[1].Service.Name != "a" || len(rep.Resources[1].Refs) != 1 {
		t.Errorf("the backend's Service or refs are lost: %+v", rep.Resources[1])
	}
	if len(rep.Blocked) != 2 || rep.Blocked[0].Kind != cert || rep.Blocked[0].Reason != "CertificateInvalid" ||
		rep.Blocked[1].Kind != px || rep.Blocked[1].Message != "the Secret is missing" {
		t.Errorf("blocked, in dependency order with reasons: %+v", rep.Blocked)
	}
}

func TestReportOfAnEmptyPlanPrintsAnEmptyList(t *testing.T) {
	e := engine()
	rep := e.Report(e.Plan(graph(), nil), Report{LoadBalancer: "lb"}, func(Resource) (json.RawMessage, *v1alpha1.ServiceRef, []string) {
		return nil, nil, nil
	})
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"loadBalancer":"lb","provider":"","location":"","resources":[]}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}
