package fake

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

func TestReportListsWhatPlanDoesWithSpecsAndRouting(t *testing.T) {
	cert, key := testCert(t, "shop.example.com")
	want := withTLS(shop(), providers.Certificate{CertPEM: cert, Key: providers.StaticKey(key), Hash: providers.CertificateHash(cert, key)})
	p := newProvider(NewCloud())
	ctx := context.Background()
	pl, err := p.Plan(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := p.Report(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	var got []providers.Action
	for _, r := range rep.Resources {
		got = append(got, providers.Action{Op: r.Op, Kind: r.Kind, Name: r.Name, Detail: r.Detail})
	}
	if !slices.Equal(got, pl.Actions) {
		t.Errorf("the report lists\n%v\nPlan lists\n%v", got, pl.Actions)
	}
	if rep.LoadBalancer != "shop-web-3f9a1c" || rep.Provider != "fake" || rep.Location != GlobalLocation {
		t.Errorf("head %+v", rep)
	}
	byKind := map[string][]plan.ReportResource{}
	for _, r := range rep.Resources {
		byKind[r.Kind] = append(byKind[r.Kind], r)
		if !json.Valid(r.Spec) {
			t.Errorf("%s %s: spec is not JSON: %s", r.Kind, r.Name, r.Spec)
		}
		if strings.Contains(string(r.Spec), "PRIVATE KEY") {
			t.Errorf("%s %s: the spec shows the private key", r.Kind, r.Name)
		}
	}
	services := map[string]bool{}
	for _, bs := range byKind[KindBackendService] {
		if bs.Service == nil {
			t.Fatalf("backend service %s names no Service", bs.Name)
		}
		services[bs.Service.Namespace+"/"+bs.Service.Name] = true
		if len(bs.Routing) != 1 || !strings.Contains(bs.Routing[0], `serves Service "shop/`) {
			t.Errorf("backend service routing %q", bs.Routing)
		}
	}
	if !services["shop/cart"] || !services["shop/web"] {
		t.Errorf("backend services serve %v, want shop/cart and shop/web", services)
	}
	um := byKind[KindURLMap]
	if len(um) != 1 {
		t.Fatalf("%d URL maps", len(um))
	}
	lines := strings.Join(um[0].Routing, "\n")
	for _, want := range []string{`hosts "shop.example.com" -> path matcher`, `paths "/cart", "/cart/*" -> ` + p.backendServiceName("shop-web-3f9a1c", "cart")} {
		if !strings.Contains(lines, want) {
			t.Errorf("URL map routing lacks %q:\n%s", want, lines)
		}
	}
	var spec URLMapSpec
	if err := json.Unmarshal(um[0].Spec, &spec); err != nil || len(spec.HostRules) != 1 {
		t.Errorf("the URL map's spec does not parse back: %v %+v", err, spec)
	}
	ports := map[int32]bool{}
	for _, fr := range byKind[KindForwardingRule] {
		var s ForwardingRuleSpec
		if err := json.Unmarshal(fr.Spec, &s); err != nil {
			t.Fatal(err)
		}
		ports[s.Port] = true
	}
	if !ports[80] || !ports[443] {
		t.Errorf("forwarding rules on %v, want 80 and 443", ports)
	}
}

func TestReportShowsWhatIsBlocked(t *testing.T) {
	want := shop()
	want.Spec.Frontends.HTTPS = true
	want.Spec.TLS = withTLS(shop(), providers.Certificate{}).Spec.TLS
	rep, err := newProvider(NewCloud()).Report(context.Background(), want)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Blocked) == 0 || rep.Blocked[0].Kind != KindTargetHTTPSProxy || rep.Blocked[0].Reason != "TLSSecretNotFound" {
		t.Errorf("blocked %+v, want the HTTPS proxy, for the Secret not resolved", rep.Blocked)
	}
	for _, r := range rep.Resources {
		if r.Kind == KindTargetHTTPSProxy {
			t.Errorf("the blocked proxy is planned: %+v", r)
		}
	}
}

func TestRoutingQuotesHostileValues(t *testing.T) {
	lines := urlMapRouting(URLMapSpec{
		HostRules:    []HostRule{{Hosts: []string{"a.com\nforged line"}, PathMatcher: "m"}},
		PathMatchers: []PathMatcher{{Name: "m", PathRules: []PathRule{{Paths: []string{"/x\"y"}, Service: "bs"}}}},
	})
	for _, l := range lines {
		if strings.Contains(l, "\n") {
			t.Errorf("a line holds a newline: %q", l)
		}
	}
	if !strings.Contains(strings.Join(lines, "|"), `"/x\"y"`) {
		t.Errorf("the path is not quoted: %q", lines)
	}
}
