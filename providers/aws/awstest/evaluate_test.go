package awstest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// The examples below are those of the AWS documentation, "Condition types for listener
// rules" (docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html)
// and the API reference of each *ConditionConfig, unless a comment says otherwise.

func evTarget(name string) []types.Action {
	return []types.Action{{Type: types.ActionTypeEnumForward, TargetGroupArn: aws.String(name)}}
}

func evRule(prio string, target string, conds ...types.RuleCondition) types.Rule {
	return types.Rule{Priority: aws.String(prio), Conditions: conds, Actions: evTarget(target), IsDefault: aws.Bool(false)}
}

func evDefault(target string) types.Rule {
	return types.Rule{Priority: aws.String("default"), Actions: evTarget(target), IsDefault: aws.Bool(true)}
}

func evHosts(values ...string) types.RuleCondition {
	return types.RuleCondition{Field: aws.String("host-header"), HostHeaderConfig: &types.HostHeaderConditionConfig{Values: values}}
}

func evPaths(values ...string) types.RuleCondition {
	return types.RuleCondition{Field: aws.String("path-pattern"), PathPatternConfig: &types.PathPatternConditionConfig{Values: values}}
}

// evAnswer evaluates one rule (and a default rule "default") for a request and returns the
// target that answers.
func evAnswer(t *testing.T, rules []types.Rule, req Request) string {
	t.Helper()
	r, err := Evaluate(append(rules, evDefault("default")), req)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return *r.Actions[0].TargetGroupArn
}

func TestEvaluateHostHeader(t *testing.T) {
	// Host conditions: "*.example.com" matches test.example.com but not example.com; host
	// names compare case-insensitively; '*' matches 0 or more characters, '?' exactly one.
	wild := []types.Rule{evRule("1", "hit", evHosts("*.example.com"))}
	cases := []struct {
		rules []types.Rule
		host  string
		want  string
	}{
		{wild, "test.example.com", "hit"},
		{wild, "example.com", "default"},
		{wild, "TEST.Example.COM", "hit"},
		{wild, "test.example.com:8443", "hit"},     // the port is not part of the match
		{wild, "a.b.example.com", "hit"},           // '*' crosses dots, unlike Kubernetes' one label
		{wild, "test.example.com.evil", "default"}, // the whole name must match
		{[]types.Rule{evRule("1", "hit", evHosts("example.com", "www.example.com"))}, "www.example.com", "hit"}, // CloudFormation's example: values ORed
		{[]types.Rule{evRule("1", "hit", evHosts("example.com", "www.example.com"))}, "api.example.com", "default"},
		{[]types.Rule{evRule("1", "hit", evHosts("te?t.example.com"))}, "test.example.com", "hit"},
		{[]types.Rule{evRule("1", "hit", evHosts("te?t.example.com"))}, "tet.example.com", "default"},
		{[]types.Rule{evRule("1", "hit", evHosts("te?t.example.com"))}, "teest.example.com", "default"},
		{[]types.Rule{evRule("1", "hit", evHosts("*.*.example.com"))}, "a.example.com", "default"},
		{[]types.Rule{evRule("1", "hit", evHosts("*.*.example.com"))}, "a.b.example.com", "hit"},
	}
	for _, c := range cases {
		if got := evAnswer(t, c.rules, Request{Host: c.host, Path: "/"}); got != c.want {
			t.Errorf("%v for host %q: got %s, want %s", c.rules[0].Conditions[0].HostHeaderConfig.Values, c.host, got, c.want)
		}
	}
}

func TestEvaluateLegacyValues(t *testing.T) {
	// The legacy form, RuleCondition.Values, holds one host name or path pattern (for example
	// my.example.com, /img/*), as the SDK's RuleCondition documents.
	rules := []types.Rule{
		evRule("1", "host", types.RuleCondition{Field: aws.String("host-header"), Values: []string{"my.example.com"}}),
		evRule("2", "path", types.RuleCondition{Field: aws.String("path-pattern"), Values: []string{"/img/*"}}),
	}
	if got := evAnswer(t, rules, Request{Host: "My.Example.com", Path: "/x"}); got != "host" {
		t.Errorf("legacy host value: got %s", got)
	}
	if got := evAnswer(t, rules, Request{Host: "other.example.com", Path: "/img/picture.jpg"}); got != "path" {
		t.Errorf("legacy path value: got %s", got)
	}
}

func TestEvaluatePathPattern(t *testing.T) {
	// Path conditions: example patterns /img/* and /img/*/pics; a rule with /img/* forwards
	// /img/picture.jpg; the pattern compares with the path only, not the query parameters;
	// paths are case-sensitive.
	cases := []struct {
		pattern, path, want string
	}{
		{"/img/*", "/img/picture.jpg", "hit"},
		{"/img/*", "/img/picture.jpg?size=large", "hit"},
		{"/img/*", "/IMG/picture.jpg", "default"},
		{"/img/*", "/img", "default"},
		{"/img/*", "/images/x", "default"},
		{"/img/*", "/x/img/y", "default"}, // the whole path must match
		{"/img/*/pics", "/img/2024/pics", "hit"},
		{"/img/*/pics", "/img/a/b/pics", "hit"}, // '*' crosses slashes
		{"/img/*/pics", "/img/a/pics/more", "default"},
		{"/foo", "/foo", "hit"},
		{"/foo", "/foo/", "default"},
		{"/foo", "/foobar", "default"},
		{"/foo*", "/foobar", "hit"}, // why Kubernetes' Prefix /foo is never written /foo*
		{"/fo?", "/foo", "hit"},
		{"/fo?", "/fo", "default"},
		{"/*", "/", "hit"},
		{"/*", "", "hit"},           // an empty path is "/"
		{"/a?b", "/a?b", "default"}, // the '?' of a request starts its query string
	}
	for _, c := range cases {
		rules := []types.Rule{evRule("1", "hit", evPaths(c.pattern))}
		if got := evAnswer(t, rules, Request{Host: "a.example.com", Path: c.path}); got != c.want {
			t.Errorf("pattern %q, path %q: got %s, want %s", c.pattern, c.path, got, c.want)
		}
	}
}

func TestEvaluateConditionsAndValues(t *testing.T) {
	// Several conditions of a rule are ANDed, several values of one condition ORed, and rules
	// are tried by ascending priority (numbers, not strings: 9 before 10), the default last.
	rules := []types.Rule{
		evRule("10", "ten", evPaths("/api/*")),
		evRule("9", "nine", evHosts("api.example.com"), evPaths("/api/*", "/v2/*")),
	}
	cases := []struct {
		host, path, want string
	}{
		{"api.example.com", "/api/x", "nine"},
		{"api.example.com", "/v2/x", "nine"},
		{"www.example.com", "/api/x", "ten"},
		{"api.example.com", "/other", "default"},
	}
	for _, c := range cases {
		if got := evAnswer(t, rules, Request{Host: c.host, Path: c.path}); got != c.want {
			t.Errorf("%s%s: got %s, want %s", c.host, c.path, got, c.want)
		}
	}
}

func TestEvaluateOtherConditions(t *testing.T) {
	header := types.RuleCondition{Field: aws.String("http-header"), HttpHeaderConfig: &types.HttpHeaderConditionConfig{
		HttpHeaderName: aws.String("User-Agent"), Values: []string{"*Chrome*", "*Safari*"},
	}}
	method := types.RuleCondition{Field: aws.String("http-request-method"), HttpRequestMethodConfig: &types.HttpRequestMethodConditionConfig{
		Values: []string{"CUSTOM-METHOD"},
	}}
	query := types.RuleCondition{Field: aws.String("query-string"), QueryStringConfig: &types.QueryStringConditionConfig{
		Values: []types.QueryStringKeyValuePair{{Key: aws.String("version"), Value: aws.String("v1")}, {Value: aws.String("*example*")}},
	}}
	source := types.RuleCondition{Field: aws.String("source-ip"), SourceIpConfig: &types.SourceIpConditionConfig{
		Values: []string{"192.0.2.0/24", "198.51.100.10/32"},
	}}
	escaped := types.RuleCondition{Field: aws.String("query-string"), QueryStringConfig: &types.QueryStringConditionConfig{
		Values: []types.QueryStringKeyValuePair{{Key: aws.String("q"), Value: aws.String(`a\*b`)}},
	}}
	cases := []struct {
		name string
		cond types.RuleCondition
		req  Request
		want string
	}{
		{"header matches a value", header, Request{Headers: http.Header{"User-Agent": {"Mozilla/5.0 Chrome/120"}}}, "hit"},
		{"header values are case-insensitive", header, Request{Headers: http.Header{"User-Agent": {"mozilla SAFARI"}}}, "hit"},
		{"header name is case-insensitive", header, Request{Headers: http.Header{"User-Agent": {"x"}, "X-Other": {"Chrome"}}}, "default"},
		{"every occurrence of the header is searched", header, Request{Headers: http.Header{"User-Agent": {"curl", "Chrome"}}}, "hit"},
		{"a missing header does not match", header, Request{}, "default"},
		{"method is exact", method, Request{Method: "CUSTOM-METHOD"}, "hit"},
		{"method is case-sensitive", method, Request{Method: "custom-method"}, "default"},
		{"query key and value", query, Request{Query: url.Values{"version": {"v1"}}}, "hit"},
		{"query is case-insensitive", query, Request{Query: url.Values{"Version": {"V1"}}}, "hit"},
		{"query value without key", query, Request{Query: url.Values{"x": {"an-example-value"}}}, "hit"},
		{"query from the path", query, Request{Path: "/p?version=v1"}, "hit"},
		{"query other value", query, Request{Query: url.Values{"version": {"v2"}}}, "default"},
		{"an escaped star is a star", escaped, Request{Query: url.Values{"q": {"a*b"}}}, "hit"},
		{"an escaped star is no wildcard", escaped, Request{Query: url.Values{"q": {"axxb"}}}, "default"},
		{"source in a block", source, Request{SourceIP: "192.0.2.77"}, "hit"},
		{"source a single address", source, Request{SourceIP: "198.51.100.10"}, "hit"},
		{"source outside", source, Request{SourceIP: "198.51.100.11"}, "default"},
		{"source not an address", source, Request{SourceIP: "unknown"}, "default"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := evAnswer(t, []types.Rule{evRule("1", "hit", c.cond)}, c.req); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestEvaluateRegexValues(t *testing.T) {
	// A host regular expression sees the Host header as sent, port included (AWS refuses ':'
	// in a host name value; a regular expression such as ^example\.com:8443$ is how a rule
	// matches a port), and anchors only where it says so.
	rules := []types.Rule{evRule("1", "hit", types.RuleCondition{
		Field: aws.String("host-header"), HostHeaderConfig: &types.HostHeaderConditionConfig{RegexValues: []string{`(?i)^intranet(:[0-9]+)?$`}},
	})}
	for host, want := range map[string]string{"intranet": "hit", "INTRANET:8080": "hit", "intranet.example.com": "default", "my-intranet": "default"} {
		if got := evAnswer(t, rules, Request{Host: host, Path: "/"}); got != want {
			t.Errorf("host %q: got %s, want %s", host, got, want)
		}
	}
}

func TestEvaluateRefusesWhatIsNoListener(t *testing.T) {
	good := evRule("1", "x", evPaths("/"))
	cases := []struct {
		name  string
		rules []types.Rule
		want  string
	}{
		{"no default rule", []types.Rule{good}, "no default rule"},
		{"two default rules", []types.Rule{evDefault("a"), evDefault("b")}, "two default rules"},
		{"a priority twice", []types.Rule{good, good, evDefault("d")}, "two rules have priority 1"},
		{"a priority that is no number", []types.Rule{evRule("first", "x", evPaths("/")), evDefault("d")}, "not a number"},
		{"a priority out of range", []types.Rule{evRule("50001", "x", evPaths("/")), evDefault("d")}, "not a number"},
		{"a rule without condition", []types.Rule{evRule("1", "x"), evDefault("d")}, "no condition"},
		{"an unknown field", []types.Rule{evRule("1", "x", types.RuleCondition{Field: aws.String("cookie")}), evDefault("d")}, "cookie"},
		{"a condition without value", []types.Rule{evRule("1", "x", evPaths()), evDefault("d")}, "no value"},
		{"a bad CIDR", []types.Rule{evRule("1", "x", types.RuleCondition{Field: aws.String("source-ip"), SourceIpConfig: &types.SourceIpConditionConfig{Values: []string{"10.0.0.0/33"}}}), evDefault("d")}, "CIDR"},
		{"a header condition on Host", []types.Rule{evRule("1", "x", types.RuleCondition{Field: aws.String("http-header"), HttpHeaderConfig: &types.HttpHeaderConditionConfig{HttpHeaderName: aws.String("host"), Values: []string{"a"}}}), evDefault("d")}, "host-header"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Evaluate(c.rules, Request{Host: "a.example.com", Path: "/"})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got error %v, want one saying %q", err, c.want)
			}
		})
	}
}

func TestEvalGlobHostileInput(t *testing.T) {
	// Many stars against a long non-matching subject stay bounded and correct.
	pattern := strings.Repeat("*a", 60) + "b"
	subject := strings.Repeat("a", 4000)
	if evalGlob(pattern, subject, false) {
		t.Error("matched a subject without b")
	}
	if !evalGlob(pattern, subject+"b", false) {
		t.Error("missed a subject ending in b")
	}
	if !evalGlob("h?llo/*", "hällo/x", false) {
		t.Error("'?' must match one character, not one byte")
	}
}

// TestEvaluateTheSDKsDescribeRulesExample evaluates the rule of the published example
// "elbv2-describe-rules-1" (DescribeRules output in the ELBv2 API model's examples-1.json,
// the one of CreateRule "elbv2-create-rule-1": forward requests whose URL matches /img/*).
func TestEvaluateTheSDKsDescribeRulesExample(t *testing.T) {
	const output = `[{"Actions": [{"TargetGroupArn": "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067", "Type": "forward"}],
		"Conditions": [{"Field": "path-pattern", "Values": ["/img/*"]}], "IsDefault": false, "Priority": "10",
		"RuleArn": "arn:aws:elasticloadbalancing:us-west-2:123456789012:listener-rule/app/my-load-balancer/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"}]`
	var rules []types.Rule
	if err := json.Unmarshal([]byte(output), &rules); err != nil {
		t.Fatal(err)
	}
	rules = append(rules, evDefault("default"))
	for path, want := range map[string]string{"/img/picture.jpg": "9683b2d02a6cabee", "/img/": "9683b2d02a6cabee", "/images/a.jpg": "", "/img": ""} {
		r, err := Evaluate(rules, Request{Host: "my-load-balancer.example.com", Path: path})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(r.RuleArn); !strings.HasSuffix(got, want) || (want == "" && got != "") {
			t.Errorf("%s: rule %q answers, want the one ending %q", path, got, want)
		}
	}
}
