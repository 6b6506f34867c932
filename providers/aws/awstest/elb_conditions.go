package awstest

import (
	"regexp"
	"slices"

	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

var (
	hostValue = regexp.MustCompile(`^[A-Za-z0-9.*?-]{1,128}$`)
	pathValue = regexp.MustCompile(`^[A-Za-z0-9_\-.$/~"'@:+&*?]{1,128}$`)
	// singleFields may appear once per rule; http-header and query-string may repeat.
	singleFields = []string{"host-header", "path-pattern", "http-request-method", "source-ip"}
)

// normalizeConditions checks a rule's conditions as AWS does (known fields,
// at most one of each single field, legal characters, the condition-value
// quota) and returns them as AWS reports them: host-header and path-pattern
// with both Values and their Config.
func (s *Server) normalizeConditions(conds []elbtypes.RuleCondition) ([]elbtypes.RuleCondition, error) {
	if len(conds) == 0 {
		return nil, errValidation("A rule must have at least one condition")
	}
	seen := map[string]bool{}
	total := 0
	out := make([]elbtypes.RuleCondition, len(conds))
	for i, c := range conds {
		field := deref(c.Field)
		if slices.Contains(singleFields, field) {
			if seen[field] {
				return nil, errValidation("A rule can have only one '%s' condition", field)
			}
			seen[field] = true
		}
		n, err := normalizeCondition(&c)
		if err != nil {
			return nil, err
		}
		total += n
		out[i] = c
	}
	if total > s.opts.Limits.ConditionValuesPerRule {
		return nil, errValidation("A rule can only have '%d' condition values", s.opts.Limits.ConditionValuesPerRule)
	}
	return out, nil
}

// normalizeCondition fills in one condition and returns its value count.
func normalizeCondition(c *elbtypes.RuleCondition) (int, error) {
	switch deref(c.Field) {
	case "host-header":
		var cfg []string
		if c.HostHeaderConfig != nil {
			cfg = c.HostHeaderConfig.Values
		}
		vals, err := mergeValues(c.Values, cfg, hostValue, "host-header")
		c.Values, c.HostHeaderConfig = vals, &elbtypes.HostHeaderConditionConfig{Values: slices.Clone(vals)}
		return len(vals), err
	case "path-pattern":
		var cfg []string
		if c.PathPatternConfig != nil {
			cfg = c.PathPatternConfig.Values
		}
		vals, err := mergeValues(c.Values, cfg, pathValue, "path-pattern")
		c.Values, c.PathPatternConfig = vals, &elbtypes.PathPatternConditionConfig{Values: slices.Clone(vals)}
		return len(vals), err
	case "http-header":
		if c.HttpHeaderConfig == nil || deref(c.HttpHeaderConfig.HttpHeaderName) == "" || len(c.HttpHeaderConfig.Values) == 0 {
			return 0, errValidation("An http-header condition needs a header name and values")
		}
		return len(c.HttpHeaderConfig.Values), nil
	case "query-string":
		if c.QueryStringConfig == nil || len(c.QueryStringConfig.Values) == 0 {
			return 0, errValidation("A query-string condition needs values")
		}
		return len(c.QueryStringConfig.Values), nil
	case "http-request-method":
		if c.HttpRequestMethodConfig == nil || len(c.HttpRequestMethodConfig.Values) == 0 {
			return 0, errValidation("An http-request-method condition needs values")
		}
		return len(c.HttpRequestMethodConfig.Values), nil
	case "source-ip":
		if c.SourceIpConfig == nil || len(c.SourceIpConfig.Values) == 0 {
			return 0, errValidation("A source-ip condition needs values")
		}
		return len(c.SourceIpConfig.Values), nil
	}
	return 0, errValidation("Condition field '%s' is not valid", deref(c.Field))
}

// mergeValues takes a condition's values from Values or its Config, which
// must agree when both are given.
func mergeValues(legacy, cfg []string, valid *regexp.Regexp, field string) ([]string, error) {
	if len(legacy) > 0 && len(cfg) > 0 && !slices.Equal(legacy, cfg) {
		return nil, errValidation("A %s condition cannot have different Values and config values", field)
	}
	vals := legacy
	if len(vals) == 0 {
		vals = cfg
	}
	if len(vals) == 0 {
		return nil, errValidation("A %s condition needs at least one value", field)
	}
	for _, v := range vals {
		if !valid.MatchString(v) {
			return nil, errValidation("The %s value '%s' is not valid", field, v)
		}
	}
	return slices.Clone(vals), nil
}
