package albrules

import (
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// Condition fields, as the ELBv2 API names them.
const (
	FieldHostHeader  = "host-header"
	FieldPathPattern = "path-pattern"
)

// Conditions returns the rule's conditions in the SDK's form, HostHeaderConfig and
// PathPatternConfig, the host first. A rule with neither hosts nor paths has none; Translate
// never returns such a rule, as AWS refuses it.
func (r Rule) Conditions() []types.RuleCondition {
	var out []types.RuleCondition
	if len(r.Hosts) > 0 || len(r.HostRegexes) > 0 {
		out = append(out, types.RuleCondition{
			Field:            aws.String(FieldHostHeader),
			HostHeaderConfig: &types.HostHeaderConditionConfig{Values: r.Hosts, RegexValues: r.HostRegexes},
		})
	}
	if len(r.Paths) > 0 {
		out = append(out, types.RuleCondition{
			Field:             aws.String(FieldPathPattern),
			PathPatternConfig: &types.PathPatternConditionConfig{Values: r.Paths},
		})
	}
	return out
}

// Actions returns the action in the SDK's form: a forward to the target group that
// targetGroupARN names for the backend, or a plain-text fixed response.
func (a Action) Actions(targetGroupARN func(backend string) string) []types.Action {
	if a.Backend != "" {
		return []types.Action{{Type: types.ActionTypeEnumForward, TargetGroupArn: aws.String(targetGroupARN(a.Backend))}}
	}
	return []types.Action{{
		Type: types.ActionTypeEnumFixedResponse,
		FixedResponseConfig: &types.FixedResponseActionConfig{
			StatusCode:  aws.String(strconv.Itoa(int(a.FixedStatus))),
			ContentType: aws.String(FixedContentType),
			MessageBody: aws.String(FixedBody(a.FixedStatus)),
		},
	}}
}

// FromSDK reads a live rule, as DescribeRules returns it, back into a Rule, so that its Key
// can be compared with the wanted rules' keys. backendOf names the backend of a target group
// ARN. ok is false for a rule Translate never writes (another condition or action, a
// transform, a target group of no backend, a fixed response other than portico's): a
// provider replaces such a rule.
func FromSDK(r types.Rule, backendOf func(targetGroupARN string) (string, bool)) (Rule, bool) {
	if len(r.Transforms) > 0 || len(r.Actions) != 1 {
		return Rule{}, false
	}
	action, ok := actionOf(r.Actions[0], backendOf)
	if !ok {
		return Rule{}, false
	}
	out := Rule{Action: action}
	for _, c := range r.Conditions {
		switch aws.ToString(c.Field) {
		case FieldHostHeader:
			out.Hosts, out.HostRegexes = c.Values, c.RegexValues
			if cfg := c.HostHeaderConfig; cfg != nil {
				out.Hosts, out.HostRegexes = prefer(cfg.Values, c.Values), prefer(cfg.RegexValues, c.RegexValues)
			}
		case FieldPathPattern:
			if len(c.RegexValues) > 0 || (c.PathPatternConfig != nil && len(c.PathPatternConfig.RegexValues) > 0) {
				return Rule{}, false // portico never writes a path as a regular expression
			}
			out.Paths = c.Values
			if cfg := c.PathPatternConfig; cfg != nil {
				out.Paths = prefer(cfg.Values, c.Values)
			}
		default:
			return Rule{}, false
		}
	}
	return out, true
}

// actionOf reads a forward to one target group, or portico's fixed response.
func actionOf(a types.Action, backendOf func(string) (string, bool)) (Action, bool) {
	switch a.Type {
	case types.ActionTypeEnumForward:
		arn := aws.ToString(a.TargetGroupArn)
		if fc := a.ForwardConfig; fc != nil {
			if len(fc.TargetGroups) != 1 || (arn != "" && aws.ToString(fc.TargetGroups[0].TargetGroupArn) != arn) {
				return Action{}, false
			}
			arn = aws.ToString(fc.TargetGroups[0].TargetGroupArn)
		}
		backend, ok := backendOf(arn)
		return Action{Backend: backend}, ok && backend != ""
	case types.ActionTypeEnumFixedResponse:
		fr := a.FixedResponseConfig
		if fr == nil {
			return Action{}, false
		}
		status, err := strconv.Atoi(aws.ToString(fr.StatusCode))
		if err != nil || status < 200 || status > 599 || aws.ToString(fr.ContentType) != FixedContentType || aws.ToString(fr.MessageBody) != FixedBody(int32(status)) {
			return Action{}, false
		}
		return Action{FixedStatus: int32(status)}, true
	}
	return Action{}, false
}

// prefer returns a condition config's values, else its legacy ones: DescribeRules reports
// both for a rule written with either.
func prefer(config, legacy []string) []string {
	if len(config) > 0 {
		return config
	}
	return legacy
}
