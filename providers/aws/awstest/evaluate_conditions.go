package awstest

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// evalCondition reports whether one condition matches the request. What each field compares
// follows "Condition types for listener rules" and the API reference of each *ConditionConfig.
func evalCondition(c types.RuleCondition, req Request) (bool, error) {
	switch field := evalDeref(c.Field); field {
	case "host-header":
		return evalHost(c, req)
	case "path-pattern":
		return evalPath(c, req)
	case "http-request-method":
		return evalMethod(c, req)
	case "http-header":
		return evalHeader(c, req)
	case "query-string":
		return evalQuery(c, req)
	case "source-ip":
		return evalSourceIP(c, req)
	default:
		return false, fmt.Errorf("condition field %q is not one an Application Load Balancer evaluates", field)
	}
}

// evalHost: host names compare case-insensitively, with * and ? wildcards, against the Host
// header without its port (HostHeaderConditionConfig). Regular expressions see the Host
// header as sent, port included: AWS refuses ':' in a host name value, and a regular
// expression is how a rule matches a port. AWS does not document whether they are anchored;
// like every regular-expression engine's "match", they are not, so a rule anchors with ^ and $.
func evalHost(c types.RuleCondition, req Request) (bool, error) {
	values, regexes := c.Values, c.RegexValues
	if cfg := c.HostHeaderConfig; cfg != nil {
		values, regexes = evalPrefer(cfg.Values, values), evalPrefer(cfg.RegexValues, regexes)
	}
	host := strings.ToLower(evalHostWithoutPort(req.Host))
	return evalAny(values, regexes, []string{req.Host}, func(v string) bool {
		return evalGlob(strings.ToLower(v), host, false)
	})
}

// evalPath: path patterns are case-sensitive, with * and ? wildcards, and compare with the
// path only, never the query string (PathPatternConditionConfig).
func evalPath(c types.RuleCondition, req Request) (bool, error) {
	values, regexes := c.Values, c.RegexValues
	if cfg := c.PathPatternConfig; cfg != nil {
		values, regexes = evalPrefer(cfg.Values, values), evalPrefer(cfg.RegexValues, regexes)
	}
	return evalAny(values, regexes, []string{req.Path}, func(v string) bool {
		return evalGlob(v, req.Path, false)
	})
}

// evalMethod: methods compare exactly, case-sensitively, without wildcards
// (HttpRequestMethodConditionConfig).
func evalMethod(c types.RuleCondition, req Request) (bool, error) {
	if c.HttpRequestMethodConfig == nil || len(c.HttpRequestMethodConfig.Values) == 0 {
		return false, errors.New("an http-request-method condition has no value")
	}
	for _, v := range c.HttpRequestMethodConfig.Values {
		if v == req.Method {
			return true, nil
		}
	}
	return false, nil
}

// evalHeader: the header name is case-insensitive and may not be Host; values compare
// case-insensitively with * and ? wildcards against each occurrence of the header, in order
// (HttpHeaderConditionConfig).
func evalHeader(c types.RuleCondition, req Request) (bool, error) {
	cfg := c.HttpHeaderConfig
	if cfg == nil || evalDeref(cfg.HttpHeaderName) == "" {
		return false, errors.New("an http-header condition names no header")
	}
	name := evalDeref(cfg.HttpHeaderName)
	if strings.EqualFold(name, "host") {
		return false, errors.New("an http-header condition cannot match the Host header; a host-header condition does")
	}
	got := req.Headers.Values(name)
	return evalAny(cfg.Values, evalPrefer(cfg.RegexValues, c.RegexValues), got, func(v string) bool {
		for _, h := range got {
			if evalGlob(strings.ToLower(v), strings.ToLower(h), false) {
				return true
			}
		}
		return false
	})
}

// evalQuery: each key/value pair, the key optional, is looked for among the query string's
// parameters, case-insensitively, with * and ? wildcards that a backslash escapes
// (QueryStringConditionConfig). Parameters compare decoded.
func evalQuery(c types.RuleCondition, req Request) (bool, error) {
	cfg := c.QueryStringConfig
	if cfg == nil || len(cfg.Values) == 0 {
		return false, errors.New("a query-string condition has no value")
	}
	for _, pair := range cfg.Values {
		if pair.Value == nil {
			return false, errors.New("a query-string condition has a pair without a value")
		}
		if evalQueryHas(req, pair) {
			return true, nil
		}
	}
	return false, nil
}

func evalQueryHas(req Request, pair types.QueryStringKeyValuePair) bool {
	value := strings.ToLower(*pair.Value)
	for key, vals := range req.Query {
		if pair.Key != nil && !evalGlob(strings.ToLower(*pair.Key), strings.ToLower(key), true) {
			continue
		}
		for _, v := range vals {
			if evalGlob(value, strings.ToLower(v), true) {
				return true
			}
		}
	}
	return false
}

// evalSourceIP: the address that connected, never X-Forwarded-For, within one of the CIDR
// blocks (SourceIpConditionConfig).
func evalSourceIP(c types.RuleCondition, req Request) (bool, error) {
	if c.SourceIpConfig == nil || len(c.SourceIpConfig.Values) == 0 {
		return false, errors.New("a source-ip condition has no value")
	}
	addr, addrErr := netip.ParseAddr(req.SourceIP)
	for _, v := range c.SourceIpConfig.Values {
		prefix, err := netip.ParsePrefix(v)
		if err != nil {
			return false, fmt.Errorf("source-ip value %q is not a CIDR block: %w", v, err)
		}
		if addrErr == nil && prefix.Contains(addr.Unmap()) {
			return true, nil
		}
	}
	return false, nil
}

// evalAny ORs a condition's wildcard values (through match) and its regular expressions
// (against each of subjects). A condition with neither is an error: AWS refuses it.
func evalAny(values, regexes, subjects []string, match func(string) bool) (bool, error) {
	if len(values) == 0 && len(regexes) == 0 {
		return false, errors.New("a condition has no value")
	}
	for _, v := range values {
		if match(v) {
			return true, nil
		}
	}
	for _, expr := range regexes {
		re, err := regexp.Compile(expr)
		if err != nil {
			return false, fmt.Errorf("regular expression %q does not parse: %w", expr, err)
		}
		for _, s := range subjects {
			if re.MatchString(s) {
				return true, nil
			}
		}
	}
	return false, nil
}

// evalPrefer returns the values of a condition's config, else its legacy values: DescribeRules
// reports both for a rule written with either.
func evalPrefer(config, legacy []string) []string {
	if len(config) > 0 {
		return config
	}
	return legacy
}

// evalHostWithoutPort drops the port of a Host header ("a.com:8080", "[::1]:80").
func evalHostWithoutPort(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}
