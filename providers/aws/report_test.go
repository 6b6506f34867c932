package aws_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/portico-dev/portico/providers/aws/awstest"
	"github.com/portico-dev/portico/providers/plan"
)

func TestPlanReportIsInTheAPIsOwnShapes(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{})
	p := cloud.provider(testCluster)
	cert := certificate(t, "shop.example.com")
	rep, err := p.Report(context.Background(), shop().https(cert).d)
	if err != nil {
		t.Fatal(err)
	}
	if w := cloud.writes(); len(w) != 0 {
		t.Fatalf("a report wrote %v", w)
	}
	byKind := map[string][]plan.ReportResource{}
	for _, r := range rep.Resources {
		byKind[r.Kind] = append(byKind[r.Kind], r)
	}
	for _, tg := range byKind["TargetGroup"] {
		var in struct {
			Name       *string
			TargetType string
			Tags       []struct{ Key, Value *string }
		}
		if err := json.Unmarshal(tg.Spec, &in); err != nil || in.Name == nil || in.TargetType != "ip" {
			t.Errorf("target group spec %s is not a CreateTargetGroupInput: %v", tg.Spec, err)
		}
		service := ""
		for _, tag := range in.Tags {
			if *tag.Key == "portico.dev/service" {
				service = *tag.Value
			}
		}
		if service == "" || tg.Service == nil || !strings.HasPrefix(service, "shop/") {
			t.Errorf("target group %s carries no tag naming its Service: %s", tg.Name, tg.Spec)
		}
		if !strings.Contains(string(tg.Attach), `"Targets"`) {
			t.Errorf("target group %s has no RegisterTargets body: %s", tg.Name, tg.Attach)
		}
	}
	for _, rs := range byKind["ListenerRules"] {
		var rules []struct {
			Priority   *int32
			Conditions []struct{ Field *string }
			Actions    []struct{ Type string }
		}
		if err := json.Unmarshal(rs.Spec, &rules); err != nil || len(rules) == 0 {
			t.Fatalf("rules spec %s: %v", rs.Spec, err)
		}
		for _, r := range rules {
			if r.Priority == nil || len(r.Conditions) == 0 || len(r.Actions) == 0 {
				t.Errorf("a rule without priority, conditions or actions: %s", rs.Spec)
			}
		}
	}
	all, _ := json.Marshal(rep)
	if strings.Contains(string(all), "PRIVATE KEY") {
		t.Error("the plan shows key material")
	}
	if len(byKind["LoadBalancer"]) != 1 || len(byKind["Listener"]) != 2 || len(byKind["Certificate"]) != 1 {
		t.Errorf("the plan has %d load balancers, %d listeners and %d certificates; want 1, 2, 1", len(byKind["LoadBalancer"]), len(byKind["Listener"]), len(byKind["Certificate"]))
	}
}
