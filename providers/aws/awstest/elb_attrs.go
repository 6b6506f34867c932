package awstest

import (
	"maps"
	"strconv"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

func init() {
	register(serviceELB, map[string]operation{
		"DescribeLoadBalancerAttributes": op(false, (*Server).describeLoadBalancerAttributes),
		"ModifyLoadBalancerAttributes":   op(true, (*Server).modifyLoadBalancerAttributes),
		"DescribeTargetGroupAttributes":  op(false, (*Server).describeTargetGroupAttributes),
		"ModifyTargetGroupAttributes":    op(true, (*Server).modifyTargetGroupAttributes),
	})
}

// attrRule checks one attribute's value.
type attrRule func(string) bool

func isBool(v string) bool {
	_, err := strconv.ParseBool(v)
	return err == nil && (v == "true" || v == "false")
}

func intIn(lo, hi int) attrRule {
	return func(v string) bool {
		n, err := strconv.Atoi(v)
		return err == nil && n >= lo && n <= hi
	}
}

func oneOf(values ...string) attrRule {
	return func(v string) bool {
		for _, ok := range values {
			if v == ok {
				return true
			}
		}
		return false
	}
}

func anyValue(string) bool { return true }

// The attributes of an application load balancer and of its target groups,
// with AWS's defaults and allowed values.
var (
	lbAttrRules = map[string]attrRule{
		"deletion_protection.enabled":                              isBool,
		"idle_timeout.timeout_seconds":                             intIn(1, 4000),
		"routing.http2.enabled":                                    isBool,
		"routing.http.drop_invalid_header_fields.enabled":          isBool,
		"routing.http.desync_mitigation_mode":                      oneOf("monitor", "defensive", "strictest"),
		"routing.http.x_amzn_tls_version_and_cipher_suite.enabled": isBool,
		"routing.http.xff_client_port.enabled":                     isBool,
		"routing.http.xff_header_processing.mode":                  oneOf("append", "preserve", "remove"),
		"routing.http.preserve_host_header.enabled":                isBool,
		"client_keep_alive.seconds":                                intIn(60, 604800),
		"access_logs.s3.enabled":                                   isBool,
		"access_logs.s3.bucket":                                    anyValue,
		"access_logs.s3.prefix":                                    anyValue,
		"waf.fail_open.enabled":                                    isBool,
	}
	lbAttrDefaults = map[string]string{
		"deletion_protection.enabled": "false", "idle_timeout.timeout_seconds": "60",
		"routing.http2.enabled": "true", "routing.http.drop_invalid_header_fields.enabled": "false",
		"routing.http.desync_mitigation_mode": "defensive", "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
		"routing.http.xff_client_port.enabled": "false", "routing.http.xff_header_processing.mode": "append",
		"routing.http.preserve_host_header.enabled": "false", "client_keep_alive.seconds": "3600",
		"access_logs.s3.enabled": "false", "access_logs.s3.bucket": "", "access_logs.s3.prefix": "",
		"waf.fail_open.enabled": "false",
	}
	tgAttrRules = map[string]attrRule{
		"deregistration_delay.timeout_seconds":        intIn(0, 3600),
		"stickiness.enabled":                          isBool,
		"stickiness.type":                             oneOf("lb_cookie", "app_cookie"),
		"stickiness.lb_cookie.duration_seconds":       intIn(1, 604800),
		"stickiness.app_cookie.cookie_name":           anyValue,
		"stickiness.app_cookie.duration_seconds":      intIn(1, 604800),
		"slow_start.duration_seconds":                 func(v string) bool { return v == "0" || intIn(30, 900)(v) },
		"load_balancing.algorithm.type":               oneOf("round_robin", "least_outstanding_requests", "weighted_random"),
		"load_balancing.algorithm.anomaly_mitigation": oneOf("on", "off"),
		"load_balancing.cross_zone.enabled":           oneOf("true", "false", "use_load_balancer_configuration"),
	}
	tgAttrDefaults = map[string]string{
		"deregistration_delay.timeout_seconds": "300", "stickiness.enabled": "false", "stickiness.type": "lb_cookie",
		"stickiness.lb_cookie.duration_seconds": "86400", "stickiness.app_cookie.cookie_name": "",
		"stickiness.app_cookie.duration_seconds": "86400", "slow_start.duration_seconds": "0",
		"load_balancing.algorithm.type": "round_robin", "load_balancing.algorithm.anomaly_mitigation": "off",
		"load_balancing.cross_zone.enabled": "use_load_balancer_configuration",
	}
)

func defaultLBAttributes() map[string]string { return maps.Clone(lbAttrDefaults) }
func defaultTGAttributes() map[string]string { return maps.Clone(tgAttrDefaults) }

// applyAttributes checks every attribute first, so that a bad one changes nothing.
func applyAttributes(attrs map[string]string, rules map[string]attrRule, in []elbtypes.LoadBalancerAttribute, tgIn []elbtypes.TargetGroupAttribute) error {
	kv := map[string]string{}
	for _, a := range in {
		kv[deref(a.Key)] = deref(a.Value)
	}
	for _, a := range tgIn {
		kv[deref(a.Key)] = deref(a.Value)
	}
	if len(kv) == 0 {
		return errValidation("At least one attribute must be specified")
	}
	for k, v := range kv {
		check, ok := rules[k]
		if !ok {
			return apiErr("InvalidConfigurationRequest", "Attribute key '%s' is not recognized", k)
		}
		if !check(v) {
			return errValidation("Attribute value '%s' for key '%s' is not valid", v, k)
		}
	}
	maps.Copy(attrs, kv)
	return nil
}

func lbAttrList(attrs map[string]string) []elbtypes.LoadBalancerAttribute {
	out := []elbtypes.LoadBalancerAttribute{}
	for _, k := range sortedKeys(attrs) {
		out = append(out, elbtypes.LoadBalancerAttribute{Key: ptr(k), Value: ptr(attrs[k])})
	}
	return out
}

func tgAttrList(attrs map[string]string) []elbtypes.TargetGroupAttribute {
	out := []elbtypes.TargetGroupAttribute{}
	for _, k := range sortedKeys(attrs) {
		out = append(out, elbtypes.TargetGroupAttribute{Key: ptr(k), Value: ptr(attrs[k])})
	}
	return out
}

func (s *Server) describeLoadBalancerAttributes(r *request, in *elb.DescribeLoadBalancerAttributesInput) (smithy.Serializable, error) {
	lb, ok := s.elb.lbs[deref(in.LoadBalancerArn)]
	if !ok || !lb.seen() {
		return nil, notFoundFor(deref(in.LoadBalancerArn))
	}
	return &elb.DescribeLoadBalancerAttributesOutput{Attributes: lbAttrList(lb.attrs)}, nil
}

func (s *Server) modifyLoadBalancerAttributes(r *request, in *elb.ModifyLoadBalancerAttributesInput) (smithy.Serializable, error) {
	lb, err := s.lbFor(r, deref(in.LoadBalancerArn))
	if err != nil {
		return nil, err
	}
	if err := applyAttributes(lb.attrs, lbAttrRules, in.Attributes, nil); err != nil {
		return nil, err
	}
	return &elb.ModifyLoadBalancerAttributesOutput{Attributes: lbAttrList(lb.attrs)}, nil
}

func (s *Server) describeTargetGroupAttributes(r *request, in *elb.DescribeTargetGroupAttributesInput) (smithy.Serializable, error) {
	tg, ok := s.elb.tgs[deref(in.TargetGroupArn)]
	if !ok || !tg.seen() {
		return nil, notFoundFor(deref(in.TargetGroupArn))
	}
	return &elb.DescribeTargetGroupAttributesOutput{Attributes: tgAttrList(tg.attrs)}, nil
}

func (s *Server) modifyTargetGroupAttributes(r *request, in *elb.ModifyTargetGroupAttributesInput) (smithy.Serializable, error) {
	tg, err := s.tgFor(r, deref(in.TargetGroupArn))
	if err != nil {
		return nil, err
	}
	if err := applyAttributes(tg.attrs, tgAttrRules, nil, in.Attributes); err != nil {
		return nil, err
	}
	return &elb.ModifyTargetGroupAttributesOutput{Attributes: tgAttrList(tg.attrs)}, nil
}
