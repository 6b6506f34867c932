package awstest

import (
	"regexp"
	"slices"
	"strings"

	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

var (
	hostValue = regexp.MustCompile(`^[A-Za-z0-9.*?-]{1,128}$`)
	pathValue = regexp.MustCompile(`^[A-Za-z0-9_\-.$/~"'@:+&*?]{1,128}$`)
	hostTLD   = regexp.MustCompile(`^[A-Za-z*?]+$`)
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

// normalizeCondition fills in one condition and returns its value count
// (wildcard values and regular expressions alike).
func normalizeCondition(c *elbtypes.RuleCondition) (int, error) {
	field := deref(c.Field)
	if len(c.RegexValues) > 0 && field != "host-header" && field != "path-pattern" && field != "http-header" {
		return 0, errValidation("RegexValues can be specified only for host-header, path-pattern and http-header conditions")
	}
	switch field {
	case "host-header":
		var cfg elbtypes.HostHeaderConditionConfig
		if c.HostHeaderConfig != nil {
			cfg = *c.HostHeaderConfig
		}
		vals, regexes, err := mergeValues(c, cfg.Values, cfg.RegexValues, checkHost)
		c.Values, c.RegexValues = vals, regexes
		c.HostHeaderConfig = &elbtypes.HostHeaderConditionConfig{Values: slices.Clone(vals), RegexValues: slices.Clone(regexes)}
		return len(vals) + len(regexes), err
	case "path-pattern":
		var cfg elbtypes.PathPatternConditionConfig
		if c.PathPatternConfig != nil {
			cfg = *c.PathPatternConfig
		}
		vals, regexes, err := mergeValues(c, cfg.Values, cfg.RegexValues, checkPath)
		c.Values, c.RegexValues = vals, regexes
		c.PathPatternConfig = &elbtypes.PathPatternConditionConfig{Values: slices.Clone(vals), RegexValues: slices.Clone(regexes)}
		return len(vals) + len(regexes), err
	case "http-header":
		return normalizeHeader(c)
	}
	return countOther(c, field)
}

// normalizeHeader fills in an http-header condition and returns its value count.
func normalizeHeader(c *elbtypes.RuleCondition) (int, error) {
	h := c.HttpHeaderConfig
	if h == nil || deref(h.HttpHeaderName) == "" || len(h.Values)+len(h.RegexValues)+len(c.RegexValues) == 0 {
		return 0, errValidation("An http-header condition needs a header name and values")
	}
	if strings.EqualFold(*h.HttpHeaderName, "host") {
		return 0, errValidation("An http-header condition cannot match the Host header; use a host-header condition")
	}
	regexes := h.RegexValues
	if len(regexes) == 0 {
		regexes = c.RegexValues
	}
	for _, re := range regexes {
		if err := checkRegex(re); err != nil {
			return 0, err
		}
	}
	c.RegexValues = nil
	c.HttpHeaderConfig = &elbtypes.HttpHeaderConditionConfig{HttpHeaderName: h.HttpHeaderName, Values: h.Values, RegexValues: regexes}
	return len(h.Values) + len(regexes), nil
}

// countOther returns the value count of a query-string, http-request-method or source-ip
// condition, which must have values.
func countOther(c *elbtypes.RuleCondition, field string) (int, error) {
	var n int
	var what string
	switch field {
	case "query-string":
		what = "A query-string"
		if c.QueryStringConfig != nil {
			n = len(c.QueryStringConfig.Values)
		}
	case "http-request-method":
		what = "An http-request-method"
		if c.HttpRequestMethodConfig != nil {
			n = len(c.HttpRequestMethodConfig.Values)
		}
	case "source-ip":
		what = "A source-ip"
		if c.SourceIpConfig != nil {
			n = len(c.SourceIpConfig.Values)
		}
	default:
		return 0, errValidation("Condition field '%s' is not valid", field)
	}
	if n == 0 {
		return 0, errValidation("%s condition needs values", what)
	}
	return n, nil
}

// mergeValues takes a host or path condition's wildcard values and regular
// expressions from the condition or its config, which must agree when both
// are given, and checks each.
func mergeValues(c *elbtypes.RuleCondition, cfgValues, cfgRegexes []string, check func(string) error) ([]string, []string, error) {
	field := deref(c.Field)
	pick := func(legacy, cfg []string, what string) ([]string, error) {
		if len(legacy) > 0 && len(cfg) > 0 && !slices.Equal(legacy, cfg) {
			return nil, errValidation("A %s condition cannot have different %s and config %s", field, what, what)
		}
		if len(legacy) > 0 {
			return slices.Clone(legacy), nil
		}
		return slices.Clone(cfg), nil
	}
	vals, err := pick(c.Values, cfgValues, "values")
	if err != nil {
		return nil, nil, err
	}
	regexes, err := pick(c.RegexValues, cfgRegexes, "regex values")
	if err != nil {
		return nil, nil, err
	}
	if len(vals)+len(regexes) == 0 {
		return nil, nil, errValidation("A %s condition needs at least one value", field)
	}
	for _, v := range vals {
		if err := check(v); err != nil {
			return nil, nil, err
		}
	}
	for _, re := range regexes {
		if err := checkRegex(re); err != nil {
			return nil, nil, err
		}
	}
	return vals, regexes, nil
}

// checkHost applies AWS's rule for a host-header value: legal characters,
// at least one dot, and only letters (or wildcards) after the last dot.
func checkHost(v string) error {
	if !hostValue.MatchString(v) {
		return errValidation("The host-header value '%s' is not valid", v)
	}
	dot := strings.LastIndex(v, ".")
	if dot < 0 || !hostTLD.MatchString(v[dot+1:]) {
		return errValidation("The host-header value '%s' must include a '.' followed only by letters", v)
	}
	return nil
}

func checkPath(v string) error {
	if !pathValue.MatchString(v) {
		return errValidation("The path-pattern value '%s' is not valid", v)
	}
	return nil
}

func checkRegex(re string) error {
	if re == "" || len(re) > 128 {
		return errValidation("A regex value must be 1 to 128 characters")
	}
	if _, err := regexp.Compile(re); err != nil {
		return errValidation("The regex value '%s' is not a valid regular expression", re)
	}
	return nil
}
