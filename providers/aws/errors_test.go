package aws

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/retry"
)

func TestErrorsAreClassifiedByWhatToDoAboutThem(t *testing.T) {
	api := func(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }
	for _, c := range []struct {
		err  error
		kind providers.ErrorKind
		is   error
	}{
		{api("Throttling", "Rate exceeded"), providers.KindRetryable, nil},
		{api("RequestLimitExceeded", "slow down"), providers.KindRetryable, nil},
		{api("ValidationError", "Health check interval must be greater than the timeout."), providers.KindInvalid, nil},
		{api("InvalidConfigurationRequest", "A load balancer cannot be attached to multiple subnets in the same Availability Zone"), providers.KindInvalid, nil},
		{api("TooManyLoadBalancers", "limit"), providers.KindQuota, nil},
		{api("TooManyRules", "limit"), providers.KindQuota, nil},
		{api("TooManyTargets", "limit"), providers.KindQuota, nil},
		{api("DependencyViolation", "resource sg-1 has a dependent object"), providers.KindRetryable, retry.ErrInUse},
		{api("ResourceInUse", "Target group is currently in use by a listener or a rule"), providers.KindRetryable, retry.ErrInUse},
		{api("LoadBalancerNotFound", "not found"), providers.KindNotFound, nil},
		{api("InvalidGroup.NotFound", "not found"), providers.KindNotFound, nil},
		{api("DuplicateTargetGroupName", "exists"), providers.KindConflict, retry.ErrAlreadyExists},
		{api("InvalidGroup.Duplicate", "exists"), providers.KindConflict, retry.ErrAlreadyExists},
		{api("AccessDenied", "not authorized"), providers.KindConflict, nil},
		{errors.New("connection reset by peer"), providers.KindRetryable, nil},
	} {
		err := classify("create something", c.err)
		e, ok := providers.AsError(err)
		if !ok || e.Kind != c.kind {
			t.Errorf("%v classified as %v, want %s", c.err, err, c.kind)
			continue
		}
		if c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%v: %v is not %v", c.err, err, c.is)
		}
		if c.kind == providers.KindInvalid && !strings.Contains(err.Error(), "greater than the timeout") && !strings.Contains(err.Error(), "same Availability Zone") {
			t.Errorf("an invalid error hides AWS's message a user can act on: %v", err)
		}
	}
	if classify("x", nil) != nil {
		t.Error("no error classified as one")
	}
}
