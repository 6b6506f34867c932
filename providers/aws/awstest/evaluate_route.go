package awstest

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// Routed is what a listener does with a request: forward it to one target group, answer it
// with a fixed response, or redirect it.
type Routed struct {
	// TargetGroupARN is the target group a forward sends the request to.
	TargetGroupARN string
	// FixedStatus is the status of a fixed response, or of a redirect (301 or 302).
	FixedStatus int
	// Redirect is the Location of a redirect.
	Redirect string
}

// Route answers which action a request to a load balancer's listener on port gets: the
// target group it forwards to, or the fixed response or redirect. ok is false when the load
// balancer has no listener on port, when its rules cannot be evaluated (see Evaluate), or
// when the action is none of those (a forward weighted over several target groups).
func (s *Server) Route(lbARN string, port int32, req Request) (Routed, bool) {
	rules, ok := s.ListenerRules(lbARN, port)
	if !ok {
		return Routed{}, false
	}
	r, err := Evaluate(rules, req)
	if err != nil {
		return Routed{}, false
	}
	a, ok := routeTerminal(r.Actions)
	if !ok {
		return Routed{}, false
	}
	switch a.Type {
	case types.ActionTypeEnumForward:
		return routeForward(a)
	case types.ActionTypeEnumFixedResponse:
		if a.FixedResponseConfig == nil {
			return Routed{}, false
		}
		status, err := strconv.Atoi(evalDeref(a.FixedResponseConfig.StatusCode))
		return Routed{FixedStatus: status}, err == nil
	case types.ActionTypeEnumRedirect:
		if a.RedirectConfig == nil {
			return Routed{}, false
		}
		return routeRedirect(*a.RedirectConfig, s.routeProtocol(lbARN, port), port, req.normalized()), true
	}
	return Routed{}, false
}

// routeTerminal is the action performed last, the one that answers: the highest Order, or
// the last listed when no order is given ("Each rule must include exactly one of forward,
// redirect or fixed-response, and it must be the last action to be performed").
func routeTerminal(actions []types.Action) (types.Action, bool) {
	if len(actions) == 0 {
		return types.Action{}, false
	}
	last := actions[len(actions)-1]
	for _, a := range actions {
		if a.Order != nil && (last.Order == nil || *a.Order > *last.Order) {
			last = a
		}
	}
	return last, true
}

// routeForward reads the one target group of a forward: TargetGroupArn, or a ForwardConfig
// with a single target group that has weight (a weighted split has no single answer).
func routeForward(a types.Action) (Routed, bool) {
	if arn := evalDeref(a.TargetGroupArn); arn != "" {
		return Routed{TargetGroupARN: arn}, true
	}
	if a.ForwardConfig == nil {
		return Routed{}, false
	}
	var weighted []string
	for _, tg := range a.ForwardConfig.TargetGroups {
		if tg.Weight == nil || *tg.Weight > 0 {
			weighted = append(weighted, evalDeref(tg.TargetGroupArn))
		}
	}
	if len(weighted) != 1 {
		return Routed{}, false
	}
	return Routed{TargetGroupARN: weighted[0]}, true
}

// routeRedirect builds the Location of a redirect. Each component defaults to the request's
// own ("Redirect actions": protocol #{protocol}, port #{port}, host #{host}, path /#{path},
// query #{query}), and the keywords are replaced by the request's values; #{path} is the path
// without its leading slash.
func routeRedirect(cfg types.RedirectActionConfig, protocol string, port int32, req Request) Routed {
	host := evalHostWithoutPort(req.Host)
	rawQuery := ""
	if req.Query != nil {
		rawQuery = req.Query.Encode()
	}
	keywords := strings.NewReplacer(
		"#{protocol}", protocol, "#{host}", host, "#{port}", strconv.Itoa(int(port)),
		"#{path}", strings.TrimPrefix(req.Path, "/"), "#{query}", rawQuery,
	)
	part := func(v *string, def string) string {
		if v == nil || *v == "" {
			return keywords.Replace(def)
		}
		return keywords.Replace(*v)
	}
	location := strings.ToLower(part(cfg.Protocol, "#{protocol}")) + "://" + part(cfg.Host, "#{host}") +
		":" + part(cfg.Port, "#{port}") + part(cfg.Path, "/#{path}")
	if q := part(cfg.Query, "#{query}"); q != "" {
		location += "?" + q
	}
	status := 302
	if cfg.StatusCode == types.RedirectActionStatusCodeEnumHttp301 {
		status = 301
	}
	return Routed{FixedStatus: status, Redirect: location}
}

// routeProtocol is the protocol of the load balancer's listener on port, HTTP or HTTPS.
func (s *Server) routeProtocol(lbARN string, port int32) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.elb.listenersOf(lbARN) {
		if l.v.Port != nil && *l.v.Port == port && l.v.Protocol == types.ProtocolEnumHttps {
			return string(types.ProtocolEnumHttps)
		}
	}
	return string(types.ProtocolEnumHttp)
}
