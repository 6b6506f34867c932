package albrules_test

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/aws/albrules"
)

const tgWeb = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1"

func arnOf(backend string) string { return map[string]string{"web": tgWeb}[backend] }

func backendOf(arn string) (string, bool) {
	if arn == tgWeb {
		return "web", true
	}
	return "", false
}

func TestConditionsAreTheSDKsConfigForm(t *testing.T) {
	r := albrules.Rule{Hosts: []string{"a.example.com"}, Paths: []string{"/foo", "/foo/*"}, Action: fwd("web")}
	want := []types.RuleCondition{
		{Field: aws.String("host-header"), HostHeaderConfig: &types.HostHeaderConditionConfig{Values: []string{"a.example.com"}}},
		{Field: aws.String("path-pattern"), PathPatternConfig: &types.PathPatternConditionConfig{Values: []string{"/foo", "/foo/*"}}},
	}
	if got := r.Conditions(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := (albrules.Rule{Paths: []string{"/*"}}).Conditions(); len(got) != 1 || aws.ToString(got[0].Field) != "path-pattern" {
		t.Errorf("a rule without host: got %+v, want one path-pattern condition", got)
	}
}

func TestActionsForwardOrAnswer404(t *testing.T) {
	got := fwd("web").Actions(arnOf)
	if len(got) != 1 || got[0].Type != types.ActionTypeEnumForward || aws.ToString(got[0].TargetGroupArn) != tgWeb {
		t.Errorf("forward: got %+v", got)
	}
	got = albrules.NotFound.Actions(arnOf)
	fr := got[0].FixedResponseConfig
	if len(got) != 1 || got[0].Type != types.ActionTypeEnumFixedResponse || fr == nil ||
		aws.ToString(fr.StatusCode) != "404" || aws.ToString(fr.ContentType) != "text/plain" || aws.ToString(fr.MessageBody) != "default backend - 404" {
		t.Errorf("fixed response: got %+v", got)
	}
}

func TestFromSDKReadsBackWhatWasWritten(t *testing.T) {
	wanted := []albrules.Rule{
		{Hosts: []string{"a.example.com"}, Paths: []string{"/foo", "/foo/*"}, Action: fwd("web")},
		{Hosts: []string{"*.*.example.com"}, Action: albrules.NotFound},
		{HostRegexes: []string{`(?i)^intranet(:[0-9]+)?$`}, Paths: []string{"/"}, Action: fwd("web")},
		{Paths: []string{"/*"}, Action: fwd("web")},
	}
	for _, w := range wanted {
		live := types.Rule{Priority: aws.String("7"), Conditions: w.Conditions(), Actions: w.Action.Actions(arnOf)}
		got, ok := albrules.FromSDK(live, backendOf)
		if !ok || got.Key() != w.Key() {
			t.Errorf("%s: read back %v as %s", w.Key(), ok, got.Key())
		}
	}
}

func TestFromSDKReadsTheFormsAWSReports(t *testing.T) {
	// DescribeRules reports a rule written with HostHeaderConfig with its legacy Values too,
	// and a forward with its ForwardConfig; the key must not change with the form.
	want := albrules.Rule{Hosts: []string{"a.example.com"}, Paths: []string{"/x"}, Action: fwd("web")}.Key()
	live := types.Rule{
		Conditions: []types.RuleCondition{
			{Field: aws.String("path-pattern"), Values: []string{"/x"}},
			{Field: aws.String("host-header"), Values: []string{"a.example.com"}, HostHeaderConfig: &types.HostHeaderConditionConfig{Values: []string{"a.example.com"}}},
		},
		Actions: []types.Action{{
			Type: types.ActionTypeEnumForward, TargetGroupArn: aws.String(tgWeb),
			ForwardConfig: &types.ForwardActionConfig{TargetGroups: []types.TargetGroupTuple{{TargetGroupArn: aws.String(tgWeb), Weight: aws.Int32(1)}}},
		}},
	}
	if got, ok := albrules.FromSDK(live, backendOf); !ok || got.Key() != want {
		t.Errorf("got %v %s, want %s", ok, got.Key(), want)
	}
}

func TestFromSDKRefusesRulesPorticoNeverWrites(t *testing.T) {
	host := types.RuleCondition{Field: aws.String("host-header"), HostHeaderConfig: &types.HostHeaderConditionConfig{Values: []string{"a.example.com"}}}
	forward := []types.Action{{Type: types.ActionTypeEnumForward, TargetGroupArn: aws.String(tgWeb)}}
	cases := map[string]types.Rule{
		"another condition": {Conditions: []types.RuleCondition{host, {Field: aws.String("http-request-method"),
			HttpRequestMethodConfig: &types.HttpRequestMethodConditionConfig{Values: []string{"GET"}}}}, Actions: forward},
		"an unknown target group": {Conditions: []types.RuleCondition{host}, Actions: []types.Action{{Type: types.ActionTypeEnumForward, TargetGroupArn: aws.String("arn:other")}}},
		"a weighted forward": {Conditions: []types.RuleCondition{host}, Actions: []types.Action{{Type: types.ActionTypeEnumForward,
			ForwardConfig: &types.ForwardActionConfig{TargetGroups: []types.TargetGroupTuple{{TargetGroupArn: aws.String(tgWeb)}, {TargetGroupArn: aws.String("arn:b")}}}}}},
		"another fixed response": {Conditions: []types.RuleCondition{host}, Actions: []types.Action{{Type: types.ActionTypeEnumFixedResponse,
			FixedResponseConfig: &types.FixedResponseActionConfig{StatusCode: aws.String("404"), ContentType: aws.String("text/html"), MessageBody: aws.String("gone")}}}},
		"a redirect":          {Conditions: []types.RuleCondition{host}, Actions: []types.Action{{Type: types.ActionTypeEnumRedirect}}},
		"two actions":         {Conditions: []types.RuleCondition{host}, Actions: append(forward, forward...)},
		"a transform":         {Conditions: []types.RuleCondition{host}, Actions: forward, Transforms: []types.RuleTransform{{}}},
		"a path regex":        {Conditions: []types.RuleCondition{{Field: aws.String("path-pattern"), PathPatternConfig: &types.PathPatternConditionConfig{RegexValues: []string{"^/a"}}}}, Actions: forward},
		"a legacy path regex": {Conditions: []types.RuleCondition{{Field: aws.String("path-pattern"), RegexValues: []string{"^/a"}}}, Actions: forward},
	}
	for name, r := range cases {
		if got, ok := albrules.FromSDK(r, backendOf); ok {
			t.Errorf("%s: read as %s, want refused", name, got.Key())
		}
	}
}

func TestKeyIsCanonical(t *testing.T) {
	a := albrules.Rule{Hosts: []string{"a.example.com"}, Paths: []string{"/foo", "/foo/*"}, Action: fwd("web")}
	b := albrules.Rule{Hosts: []string{"a.example.com"}, Paths: []string{"/foo/*", "/foo"}, Action: fwd("web")}
	if a.Key() != b.Key() {
		t.Errorf("the order of values changed the key: %s vs %s", a.Key(), b.Key())
	}
	for name, other := range map[string]albrules.Rule{
		"another backend":          {Hosts: a.Hosts, Paths: a.Paths, Action: fwd("api")},
		"a fixed 404":              {Hosts: a.Hosts, Paths: a.Paths, Action: albrules.NotFound},
		"another host":             {Hosts: []string{"b.example.com"}, Paths: a.Paths, Action: a.Action},
		"a path moved to the host": {Hosts: []string{"a.example.com", "/foo"}, Paths: []string{"/foo/*"}, Action: a.Action},
		"a host as a regex":        {HostRegexes: a.Hosts, Paths: a.Paths, Action: a.Action},
	} {
		if other.Key() == a.Key() {
			t.Errorf("%s has the same key: %s", name, a.Key())
		}
	}
}
