package aws

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/aws/albrules"
)

// sdkActions is a listener's default action as ELBv2 takes it; tg resolves a target
// group's ARN. Forwards and fixed responses are written as albrules writes a rule's, so
// that the two read back alike.
func (a action) sdkActions(tg func(string) (string, error)) ([]elbtypes.Action, error) {
	if a.Redirect {
		return []elbtypes.Action{{Type: elbtypes.ActionTypeEnumRedirect, RedirectConfig: &elbtypes.RedirectActionConfig{
			Protocol: aws.String("HTTPS"), Port: aws.String("443"), Host: aws.String("#{host}"), Path: aws.String("/#{path}"),
			Query: aws.String("#{query}"), StatusCode: elbtypes.RedirectActionStatusCodeEnumHttp301,
		}}}, nil
	}
	return ruleActions(albrules.Action{Backend: a.TargetGroup, FixedStatus: a.FixedStatus}, tg)
}

// ruleActions is an albrules action whose Backend names a target group resource, as ELBv2
// takes it.
func ruleActions(a albrules.Action, tg func(string) (string, error)) ([]elbtypes.Action, error) {
	arn := ""
	if a.Backend != "" {
		var err error
		if arn, err = tg(a.Backend); err != nil {
			return nil, err
		}
	}
	return a.Actions(func(string) string { return arn }), nil
}

// fromAlbrules is the action of a listener, from an albrules action whose Backend names a
// target group resource.
func fromAlbrules(a albrules.Action) action {
	return action{TargetGroup: a.Backend, FixedStatus: a.FixedStatus}
}
