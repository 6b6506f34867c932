package aws

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

func shop(t *testing.T) *lb {
	return loadBalancer("default-shop").http().https(t, "shop-tls").
		backend("web", v1alpha1.TargetTypeIP).backend("cart", v1alpha1.TargetTypeInstance).
		targets("web", providers.Target{IP: "10.0.1.5", Port: 8080}, providers.Target{IP: "10.0.2.6", Port: 8080}).
		targets("cart", providers.Target{IP: "10.0.1.10", Port: 30080, Node: "node-a", ProviderID: "aws:///us-west-2a/i-0123456789abcdef0"}).
		host("shop.example.com", prefix("/", "web"), prefix("/cart", "cart"))
}

func TestGraphHasEveryResourceInDependencyOrder(t *testing.T) {
	g := mustGraph(t, testConfig(), shop(t).d)
	var kinds []string
	for _, r := range g.Resources {
		if len(kinds) == 0 || kinds[len(kinds)-1] != r.Kind {
			kinds = append(kinds, r.Kind)
		}
	}
	for i := 1; i < len(g.Resources); i++ {
		if slices.Index(Kinds, g.Resources[i].Kind) < 0 {
			t.Fatalf("unknown kind %s", g.Resources[i].Kind)
		}
	}
	for _, r := range g.Resources {
		for _, ref := range r.Refs {
			if slices.Index(Kinds, ref.Kind) >= slices.Index(Kinds, r.Kind) {
				t.Errorf("%s refers to %s, which is not before it in Kinds", r.Key, ref)
			}
		}
	}
	counts := map[string]int{}
	for _, r := range g.Resources {
		counts[r.Kind]++
	}
	want := map[string]int{KindSecurityGroup: 1, KindTargetGroup: 2, KindCertificate: 1, KindLoadBalancer: 1, KindListener: 2, KindListenerRules: 2}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%d %s, want %d (graph kinds %v)", counts[k], k, n, kinds)
		}
	}
	if len(g.Blocked) != 0 {
		t.Errorf("blocked: %v", g.Blocked)
	}
}

func TestNamesFitAWSLimitsAndAreStable(t *testing.T) {
	long := shop(t)
	long.d.Ref.Name = strings.Repeat("a-very-long-namespace-", 5) + "shop"
	for _, d := range []*providers.Desired{shop(t).d, long.d} {
		g1, g2 := mustGraph(t, testConfig(), d), mustGraph(t, testConfig(), d)
		for i, r := range g1.Resources {
			if len(r.Name) > maxNameLength {
				t.Errorf("%s is %d characters, AWS allows %d", r.Key, len(r.Name), maxNameLength)
			}
			if strings.HasPrefix(r.Name, "internal-") {
				t.Errorf("%s starts with internal-, which AWS refuses", r.Key)
			}
			if g2.Resources[i].Key != r.Key {
				t.Errorf("the same load balancer named %s, then %s", r.Key, g2.Resources[i].Key)
			}
		}
	}
}

func TestEveryResourceIsTaggedWithItsOwnerAndTargetGroupsWithTheirService(t *testing.T) {
	c := testConfig()
	c.tags = map[string]string{"team": "shop", providers.TagCluster: "someone-else"}
	g := mustGraph(t, c, shop(t).d)
	for _, r := range g.Resources {
		tags := tagsOf(r.Spec)
		o, ok := providers.OwnerFromTags(tags)
		if !ok || o.ClusterID != "cluster-a" || o.LoadBalancer != "default-shop" {
			t.Errorf("%s has owner %+v (%v), want cluster-a/default-shop: the class's tags must not override ownership", r.Key, o, ok)
		}
		if tags["team"] != "shop" {
			t.Errorf("%s lacks the class's tag team=shop: %v", r.Key, tags)
		}
	}
	services := map[string]bool{}
	for _, r := range ofKind(g, KindTargetGroup) {
		services[tagsOf(r.Spec)[TagService]] = true
	}
	if !services["default/web:80"] || !services["default/cart:80"] {
		t.Errorf("target groups name the Services %v, want default/web:80 and default/cart:80", services)
	}
}

func TestTargetsAreInstanceIDsOrPodIPs(t *testing.T) {
	g := mustGraph(t, testConfig(), shop(t).d)
	got := map[string]string{}
	for _, r := range ofKind(g, KindTargetGroup) {
		s := r.Spec.(tgSpec)
		got[string(s.Create.TargetType)] = r.Fields[fieldTargets]
	}
	if got["ip"] != "10.0.1.5:8080,10.0.2.6:8080" || got["instance"] != "i-0123456789abcdef0:30080" {
		t.Errorf("targets %v", got)
	}
}

func TestANodeWithoutInstanceIDBlocksOnlyItsTargetGroup(t *testing.T) {
	d := shop(t).targets("cart", providers.Target{IP: "10.0.1.10", Port: 30080, Node: "node-a"}).d
	g := mustGraph(t, testConfig(), d)
	if len(g.Blocked) != 1 {
		t.Fatalf("blocked %v, want the cart target group alone", g.Blocked)
	}
	for k, err := range g.Blocked {
		if k.Kind != KindTargetGroup || !providers.IsInvalid(err) || !strings.Contains(err.Error(), "node-a") {
			t.Errorf("blocked %s: %v; want the cart target group, invalid, naming node-a", k, err)
		}
	}
}

func TestInstanceID(t *testing.T) {
	for in, want := range map[string]string{
		"aws:///us-west-2a/i-0123456789abcdef0": "i-0123456789abcdef0",
		"aws:///us-west-2a/i-01234567":          "i-01234567",
		"gce://project/zone/vm":                 "",
		"aws:///us-west-2a/i-XYZ":               "",
		"aws:///us-west-2a/../i-0123456789abc":  "i-0123456789abc",
		"":                                      "",
	} {
		got, ok := InstanceID(in)
		if got != want || ok != (want != "") {
			t.Errorf("InstanceID(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestHealthCheckFollowsTheBackend(t *testing.T) {
	d := loadBalancer("grpc").http().backend("api", v1alpha1.TargetTypeIP).d
	d.Spec.Backends[0].Protocol = v1alpha1.ProtocolGRPC
	d.Spec.Backends[0].HealthCheck = &v1alpha1.HealthCheck{IntervalSeconds: 10, HealthyThreshold: 3}
	s := one(t, mustGraph(t, testConfig(), d), KindTargetGroup).Spec.(tgSpec).Create
	if aws.ToString(s.ProtocolVersion) != "GRPC" || aws.ToString(s.Matcher.GrpcCode) != "12" || aws.ToString(s.HealthCheckPath) != defaultGRPCHealthPath {
		t.Errorf("gRPC target group: version %s, matcher %+v, path %s", aws.ToString(s.ProtocolVersion), s.Matcher, aws.ToString(s.HealthCheckPath))
	}
	if aws.ToInt32(s.HealthCheckIntervalSeconds) != 10 || aws.ToInt32(s.HealthyThresholdCount) != 3 || aws.ToInt32(s.HealthCheckTimeoutSeconds) >= 10 {
		t.Errorf("health check %s, want interval 10, healthy 3, timeout below the interval", healthCheckOf(s))
	}
}

func TestWhatAWSCannotChangeIsInTheName(t *testing.T) {
	base := mustGraph(t, testConfig(), shop(t).d)
	d := shop(t).d
	d.Spec.Scheme = v1alpha1.SchemeInternal
	c := testConfig()
	c.scheme = v1alpha1.SchemeInternal
	internal := mustGraph(t, c, d)
	if one(t, base, KindLoadBalancer).Name == one(t, internal, KindLoadBalancer).Name {
		t.Error("a new scheme kept the load balancer's name: AWS cannot change it in place")
	}
	d = shop(t).d
	d.Spec.Backends[0].Protocol = v1alpha1.ProtocolHTTPS
	https := mustGraph(t, testConfig(), d)
	if ofKind(base, KindTargetGroup)[0].Name == ofKind(https, KindTargetGroup)[0].Name && ofKind(base, KindTargetGroup)[1].Name == ofKind(https, KindTargetGroup)[1].Name {
		t.Error("a new backend protocol kept the target group's name")
	}
}

func TestSSLRedirectMakesTheHTTPListenerRedirect(t *testing.T) {
	d := shop(t).d
	d.Spec.Frontends.SSLRedirect = true
	g := mustGraph(t, testConfig(), d)
	for _, r := range ofKind(g, KindListener) {
		s := r.Spec.(listenerSpec)
		if s.Port == 80 && !s.Default.Redirect {
			t.Errorf("the HTTP listener's default action is %s, want a redirect", s.Default)
		}
	}
	if n := len(ofKind(g, KindListenerRules)); n != 1 {
		t.Errorf("%d listeners have rules, want only the HTTPS one", n)
	}
}

func TestDefaultActionIsTheDefaultBackendElse404(t *testing.T) {
	d := loadBalancer("plain").http().backend("web", v1alpha1.TargetTypeIP).d
	if got := one(t, mustGraph(t, testConfig(), d), KindListener).Spec.(listenerSpec).Default; got.FixedStatus != 404 {
		t.Errorf("default action %s, want a fixed 404", got)
	}
	d.Spec.DefaultBackend = "web"
	g := mustGraph(t, testConfig(), d)
	if got := one(t, g, KindListener).Spec.(listenerSpec).Default; got.TargetGroup != one(t, g, KindTargetGroup).Name {
		t.Errorf("default action %s, want the web target group", got)
	}
}

func TestMinimumTLSVersionPicksATLS13Policy(t *testing.T) {
	for v, want := range map[string]string{"": "ELBSecurityPolicy-TLS13-1-2-2021-06", "1.0": "ELBSecurityPolicy-TLS13-1-0-2021-06", "1.3": "ELBSecurityPolicy-TLS13-1-3-2021-06"} {
		d := shop(t).d
		d.Spec.Frontends.MinTLSVersion = v
		for _, r := range ofKind(mustGraph(t, testConfig(), d), KindListener) {
			if s := r.Spec.(listenerSpec); s.Port == 443 && s.SSLPolicy != want {
				t.Errorf("minTLSVersion %q: policy %s, want %s", v, s.SSLPolicy, want)
			}
		}
	}
}

func TestPreSharedCertificatesMustBeOfTheRegion(t *testing.T) {
	ok := "arn:aws:acm:us-west-2:123456789012:certificate/0d5e6f7a-1b2c-4d3e-8f9a-0b1c2d3e4f5a"
	other := "arn:aws:acm:eu-west-1:123456789012:certificate/0d5e6f7a-1b2c-4d3e-8f9a-0b1c2d3e4f5a"
	g := mustGraph(t, testConfig(), loadBalancer("pre").preShared(ok).backend("web", v1alpha1.TargetTypeIP).d)
	if s := one(t, g, KindListener).Spec.(listenerSpec); len(s.Certificates) != 1 || s.Certificates[0].ARN != ok || len(g.Blocked) > 0 {
		t.Errorf("certificates %+v, blocked %v; want the ARN as is", s.Certificates, g.Blocked)
	}
	for _, bad := range []string{other, "my-cert", "arn:aws:s3:::bucket"} {
		g := mustGraph(t, testConfig(), loadBalancer("pre").preShared(bad).backend("web", v1alpha1.TargetTypeIP).d)
		k := one(t, g, KindListener).Key
		if err := g.Blocked[k]; !providers.IsInvalid(err) {
			t.Errorf("preShared %q: listener blocked by %v, want an invalid error", bad, err)
		}
	}
}

func TestSecretsAreImportedOnceEach(t *testing.T) {
	d := shop(t).d
	d.Spec.TLS = append(d.Spec.TLS, d.Spec.TLS[0])
	g := mustGraph(t, testConfig(), d)
	if n := len(ofKind(g, KindCertificate)); n != 1 {
		t.Errorf("%d certificates for one Secret named twice", n)
	}
	if got := one(t, g, KindCertificate).Spec.(certSpec).Tags[tagHash]; got != d.Certificates["default/shop-tls"].Hash {
		t.Errorf("the certificate's hash tag %q, want the Secret's hash", got)
	}
}

func TestRulesFollowAlbrulesInPriorityOrder(t *testing.T) {
	g := mustGraph(t, testConfig(), shop(t).d)
	for _, r := range ofKind(g, KindListenerRules) {
		s := r.Spec.(rulesSpec)
		for i, rule := range s.Rules {
			if rule.Priority != int32(i+1) {
				t.Errorf("rule %d has priority %d", i, rule.Priority)
			}
			if b := rule.Rule.Action.Backend; b != "" && !strings.HasPrefix(b, "pt-tg-") {
				t.Errorf("rule %d forwards to %q, want a target group resource", i, b)
			}
		}
		if len(s.Rules) == 0 {
			t.Error("a rules resource without rules")
		}
	}
}

func TestReadTargetGroupComparesEqualToTheWantedOne(t *testing.T) {
	g := mustGraph(t, testConfig(), shop(t).d)
	for _, want := range ofKind(g, KindTargetGroup) {
		in := want.Spec.(tgSpec).Create
		tg := elbtypes.TargetGroup{TargetGroupName: in.Name, Protocol: in.Protocol, ProtocolVersion: in.ProtocolVersion, Port: in.Port,
			TargetType: in.TargetType, VpcId: in.VpcId, HealthCheckEnabled: in.HealthCheckEnabled, HealthCheckProtocol: in.HealthCheckProtocol,
			HealthCheckPath: in.HealthCheckPath, HealthCheckPort: in.HealthCheckPort, HealthCheckIntervalSeconds: in.HealthCheckIntervalSeconds,
			HealthCheckTimeoutSeconds: in.HealthCheckTimeoutSeconds, HealthyThresholdCount: in.HealthyThresholdCount,
			UnhealthyThresholdCount: in.UnhealthyThresholdCount, Matcher: in.Matcher, TargetGroupArn: aws.String("arn:aws:elasticloadbalancing:us-west-2:1:targetgroup/x/1")}
		s := tgOf(tg, in.Tags)
		s.Targets = slices.Clone(want.Spec.(tgSpec).Targets)
		slices.Reverse(s.Targets)
		have := observed(KindTargetGroup, want.Name, s)
		for f, v := range want.Fields {
			if have.Fields[f] != v {
				t.Errorf("%s field %s reads %q, want %q", want.Key, f, have.Fields[f], v)
			}
		}
	}
}

func TestDuplicateCertificatesGetNamesNoGraphWants(t *testing.T) {
	cert := func(name, arn string) plan.Resource {
		return observed(KindCertificate, name, certSpec{ARN: arn, Hash: "h"})
	}
	got := duplicatesApart([]plan.Resource{cert("pt-cert-a", "arn:2"), cert("pt-cert-b", "arn:3"), cert("pt-cert-a", "arn:1"), cert("pt-cert-a", "arn:4")})
	names := map[string]bool{}
	for _, r := range got {
		names[r.Name] = true
	}
	if len(names) != 4 || !names["pt-cert-a"] || !names["pt-cert-b"] {
		t.Errorf("names %v; want pt-cert-a, pt-cert-b and two others", names)
	}
	for _, r := range got {
		if r.Name == "pt-cert-a" && r.Spec.(certSpec).ARN != "arn:1" {
			t.Errorf("pt-cert-a is %s, want the lowest ARN", r.Spec.(certSpec).ARN)
		}
	}
}

// AWS's quota of 100 rules counts every listener of the load balancer: 60 rules fit one
// listener (HTTP only, or HTTP redirecting to HTTPS), but not the same rules on both.
func TestTheRuleQuotaIsSharedByTheListeners(t *testing.T) {
	spec := func() *lb {
		b := loadBalancer("many").http()
		for i := range 60 {
			name := fmt.Sprintf("svc%d", i)
			b.backend(name, v1alpha1.TargetTypeIP).host(v1alpha1.Hostname(name+".example.com"), prefix("/", name))
		}
		return b
	}
	if _, err := testConfig().graph(spec().d, testRegion); err != nil {
		t.Errorf("60 rules on the HTTP listener alone: %v", err)
	}
	both := spec().preShared("arn:aws:acm:" + testRegion + ":123456789012:certificate/abc")
	if _, err := testConfig().graph(both.d, testRegion); err == nil || !strings.Contains(err.Error(), "limit of 50") {
		t.Errorf("60 rules on both listeners: %v; want the quota shared, 50 each", err)
	}
	redirect := spec().preShared("arn:aws:acm:" + testRegion + ":123456789012:certificate/abc")
	redirect.d.Spec.Frontends.SSLRedirect = true
	if _, err := testConfig().graph(redirect.d, testRegion); err != nil {
		t.Errorf("60 rules behind an ssl-redirect: %v", err)
	}
}
